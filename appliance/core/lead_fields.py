"""The names of what a lead holds, so the chat that fills a lead and the views that show it agree."""

from __future__ import annotations

# What the bot learns about the project, in the order API.md documents a lead's fields.
PROJECT_FIELDS = ("project_type", "budget_min_eur", "budget_max_eur", "area_m2", "style", "urgency")
# The conversation variables a lead keeps as its fields: the project, then the base flow's other answers.
LEAD_FIELDS = (*PROJECT_FIELDS, "postal_code", "contact_method", "appointment", "photos")
# The conversation variables a lead keeps as its contact, which is encrypted at rest.
CONTACT_FIELDS = ("name", "email", "phone", "address")
