"""Passwords, tokens, field encryption and the other guards of the house."""
