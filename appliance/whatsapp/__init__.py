"""WhatsApp as a service: the store's channel settings, webhook events, contacts and their 24-hour
window, the outbox that sends (and retries) messages, inbound media, template reminders, and the
usage ledger. The channel (appliance.channels.whatsapp) parses and renders; this package stores and sends.
"""
