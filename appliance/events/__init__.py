"""Domain events and what they set off: an outbox of events, signed outbound webhooks, staff notifications."""
