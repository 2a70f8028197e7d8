"""Opening hours, free slots and calendar files, computed from plain data."""
