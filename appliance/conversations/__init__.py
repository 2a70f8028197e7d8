"""Conversations: sessions, the turn runtime (understand -> engine -> persist), leads from answers."""
