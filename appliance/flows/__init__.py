"""Flows: the document model, its validation, the pure engine, and the preset base flows."""
