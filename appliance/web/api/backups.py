"""The operator's backups under /v1/admin/backups (appliance only: on the platform, 409 appliance_only).

The admin guard (admin.guard_admin_surface) lets only platform staff reach these addresses, and
only a SUPER_ADMIN take a backup; the logic lives in appliance.backups.
"""

from __future__ import annotations

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel

from appliance.backups import shelf
from appliance.infra.runtime import current_runtime
from appliance.web.api.admin import ERRORS, OPERATOR
from appliance.web.errors import ErrorEnvelope

api = APIBlueprint("backups", __name__, abp_tags=[Tag(name="admin")])


class BackupOut(BaseModel):
    """One backup archive in the appliance's backup folder."""

    name: str
    size_bytes: int
    created_at: str
    sha256: str


class ScheduleOut(BaseModel):
    """The nightly backups: on or off, how many are kept, the next run (UTC) or null when off."""

    enabled: bool
    keep: int
    next_run: str | None


class BackupsOut(BaseModel):
    """The backups, newest first, and the nightly schedule."""

    backups: list[BackupOut]
    schedule: ScheduleOut


class NewBackupOut(BaseModel):
    """The backup just taken."""

    backup: BackupOut


@api.get("/admin/backups", responses={200: BackupsOut, 409: ErrorEnvelope, **ERRORS}, security=OPERATOR)
def list_backups() -> Response:
    """List the appliance's backups, newest first, with the nightly schedule."""
    return jsonify(shelf.list_backups(current_runtime()))


@api.post("/admin/backups", responses={201: NewBackupOut, 409: ErrorEnvelope, **ERRORS}, security=OPERATOR)
def create_backup() -> tuple[Response, int]:
    """Take a backup now (database, files and keys in one checksummed archive); it is audited."""
    return jsonify({"backup": shelf.take_backup(current_runtime())}), 201
