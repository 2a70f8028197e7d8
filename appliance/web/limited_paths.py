"""Which paths the rate limiter looks at: one rule, read by the limiter and by the API document."""

from __future__ import annotations

LIMITED_PREFIXES = ("/v1/", "/panel/", "/admin/")
LIMITED_PATHS = ("/panel", "/admin")
EXEMPT_PREFIXES = ("/v1/health", "/v1/docs", "/v1/swagger", "/v1/static", "/v1/openapi.json", "/v1/oauth2-redirect")
# Meta delivers every store's events from a few addresses: an address limit would drop real
# deliveries, and each one must carry its store's signature anyway (appliance.whatsapp.webhook).
EXEMPT_PREFIXES += ("/v1/channels/whatsapp/webhook",)
# Stripe likewise: every delivery is signed with the endpoint secret (appliance.billing.webhook).
EXEMPT_PREFIXES += ("/v1/billing/stripe/webhook",)


def is_limited(path: str) -> bool:
    """Tell whether requests to ``path`` are rate limited."""
    if path in LIMITED_PATHS:
        return True
    return path.startswith(LIMITED_PREFIXES) and not path.startswith(EXEMPT_PREFIXES)
