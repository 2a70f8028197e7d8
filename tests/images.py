"""Real pictures and plans for upload tests: a phone photo with GPS in its EXIF, a PNG, a clean PDF."""

from __future__ import annotations

import io

from PIL import Image

from appliance.conversations.media import clean

# EXIF tags: GPSInfo (0x8825) with latitude; Make (0x010F); Orientation (0x0112).
GPS_IFD = 0x8825
MAKE = 0x010F
ORIENTATION = 0x0112


def photo(width: int = 1200, height: int = 900, colour: tuple[int, int, int] = (180, 120, 60)) -> bytes:
    """Return a JPEG as a phone takes it: with the camera's make and the GPS position in its EXIF."""
    image = Image.new("RGB", (width, height), colour)
    for x in range(0, width, 50):  # some detail, so it is not a flat colour
        image.paste((20, 20, 20), (x, 0, x + 5, height))
    exif = Image.Exif()
    exif[MAKE] = "PhoneCam"
    exif[ORIENTATION] = 1
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (41.0, 23.0, 12.5), 3: "E", 4: (2.0, 10.0, 30.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def png(width: int = 640, height: int = 480) -> bytes:
    """Return a PNG with transparency and a text chunk (which is metadata too)."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "made at home")
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 200, 30, 128)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def pdf(body: bytes = b"") -> bytes:
    """Return a small, well-formed PDF (header, one page, xref, trailer, %%EOF) with ``body`` in a comment."""
    return (
        b"%PDF-1.4\n%" + body + b"\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"xref\n0 3\n0000000000 65535 f \ntrailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n9\n%%EOF\n"
    )


def stored(data: bytes, content_type: str = "image/jpeg") -> bytes:
    """Return what the server keeps of an upload (images are re-encoded; the same input, the same bytes)."""
    return clean(data, content_type).data


JPEG = photo()
PNG = png()
PDF = pdf()
