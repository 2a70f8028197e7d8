"""Channels: each parses what arrives (inbound), runs the one conversation turn, and renders the answer.

The web channel (the widget) is the first; WhatsApp plugs in beside it with the same shape
(appliance.channels.base), so both speak through one engine.
"""
