"""Ebanista: the assistant that answers a furniture studio's visitors, day and night.

This package holds nothing but this docstring, so that importing its pure core loads no web framework;
the application is built by ``appliance.app.create_app``.
"""
