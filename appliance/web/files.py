"""One way to send a stored file back: the right type, its name, and headers that keep it inert."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Response

IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})


def file_response(data: bytes, content_type: str, name: str, *, cross_origin: bool = False) -> Response:
    """Return ``data`` as a response: images inline, anything else as a download named ``name``.

    The files come from visitors, so the browser is told to run nothing in them (a sandboxing CSP,
    no sniffing); ``cross_origin`` lets the store's own page show an image in its widget.
    """
    image = content_type in IMAGE_TYPES
    response = Response(
        data, mimetype=content_type if image or content_type == "application/pdf" else "application/octet-stream"
    )
    response.headers["Content-Disposition"] = f"{'inline' if image else 'attachment'}; {_filename(name)}"
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600" if cross_origin else "private, no-store"
    if cross_origin:
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _filename(name: str) -> str:
    """Return the filename parameters: plain ASCII for old clients, the real name in UTF-8 for the rest."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    plain = "".join(c if c.isalnum() or c in "._- " else "_" for c in plain).strip() or "file"
    return f"filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"
