"""One module per console screen; base.py holds what they share."""
