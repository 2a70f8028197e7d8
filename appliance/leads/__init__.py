"""A store's leads as staff see them: search and paging, details, changes, transcript, CSV, PDF summary."""
