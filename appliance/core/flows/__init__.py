"""Conversation flows as data: the document schema, its validation, and the engine that steps through it."""
