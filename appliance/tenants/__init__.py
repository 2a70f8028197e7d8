"""Tenants, users, roles and api tokens."""
