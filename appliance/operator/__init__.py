"""The platform operator's services: tenants, maintenance, keys, impersonation, overview, errors, audit.

The admin API (appliance/web/api/admin.py) and the admin panel (webui) both call these functions;
they take the runtime or a session and plain values, and know nothing about HTTP."""
