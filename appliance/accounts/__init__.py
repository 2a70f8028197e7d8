"""People who sign in: passwords with lockout, two-factor codes, and the stores they work for.

The panels (store and operator) call these; nothing here knows about HTTP or cookies."""
