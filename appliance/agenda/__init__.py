"""The agenda: availability, bookings, reminders and invitations."""
