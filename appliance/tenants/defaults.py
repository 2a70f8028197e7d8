"""What a new store starts with, so it can go live at once and change everything later."""

from __future__ import annotations

from typing import Any

from appliance.infra.db import Tenant

GREETINGS = {
    "es": "¡Hola! ¿Pensando en una cocina o un armario a medida? Te ayudo en un momento.",
    "ca": "Hola! Estàs pensant en una cuina o un armari a mida? T'ajudo en un moment.",
    "pt": "Olá! Está a pensar numa cozinha ou num roupeiro por medida? Ajudo já.",
    "en": "Hi! Thinking about a made-to-measure kitchen or wardrobe? I can help right away.",
}

SERVICES = [
    {
        "id": "showroom_visit",
        "duration_minutes": 60,
        "capacity": 1,
        "name": {
            "es": "Visita a exposición",
            "ca": "Visita a l'exposició",
            "pt": "Visita ao showroom",
            "en": "Showroom visit",
        },
    },
    {
        "id": "measuring_visit",
        "duration_minutes": 90,
        "capacity": 1,
        "location": "home",
        "travel_buffer_minutes": 30,
        "name": {
            "es": "Visita de medición a domicilio",
            "ca": "Visita d'amidament a domicili",
            "pt": "Visita de medição ao domicílio",
            "en": "Home measuring visit",
        },
    },
]

WEEKDAY_HOURS = [["09:30", "14:00"], ["16:30", "20:00"]]


def branding(store_name: str) -> dict[str, Any]:
    """Return the starting look of a store's widget and documents."""
    return {
        "store_name": store_name,
        "colors": {"primary": "#0f766e", "text": "#ffffff"},
        "logo_url": None,
        "greeting": dict(GREETINGS),
        "position": "right",
    }


def agenda(timezone: str) -> dict[str, Any]:
    """Return opening hours and services a typical studio in Spain or Portugal keeps."""
    weekly = {day: [list(span) for span in WEEKDAY_HOURS] for day in ("mon", "tue", "wed", "thu", "fri")}
    weekly |= {"sat": [["10:00", "14:00"]], "sun": []}
    return {
        "timezone": timezone,
        "slot_minutes": 30,
        "min_notice_minutes": 120,
        "max_days_ahead": 60,
        "services": [dict(s) for s in SERVICES],
        "weekly": weekly,
        "holidays": [],
        "closures": [],
    }


def scoring() -> dict[str, Any]:
    """Return the default scoring weights in percent (they add up to 100)."""
    return {"weights": {"budget": 40, "urgency": 25, "area": 20, "style": 10, "origin": 5}}


def retention() -> dict[str, Any]:
    """Return how long personal data is kept by default (days)."""
    return {
        "conversations_days": 90,
        "leads_days": 730,
        "appointments_days": 730,
        "attachments_days": 30,
        "lead_files_days": 180,
    }


def configs(tenant: Tenant) -> dict[str, dict[str, Any]]:
    """Return the first version of each configuration kind for ``tenant``."""
    return {
        "branding": dict(tenant.branding),
        "agenda": agenda(tenant.timezone),
        "scoring": scoring(),
        "retention": retention(),
    }
