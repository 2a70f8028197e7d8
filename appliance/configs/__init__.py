"""Versioned configuration documents of a store: what each kind may hold, reading and saving them."""
