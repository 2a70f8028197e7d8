"""Making a visitor's file safe to keep and to show: images re-encoded, PDFs checked by structure.

A photo straight from a phone carries EXIF data, often with the GPS position of the visitor's
home; re-encoding the pixels with Pillow keeps the picture and drops everything else (EXIF, XMP,
text chunks, trailing bytes). A PDF cannot be rewritten as simply, so it is read for the shape
every PDF has and refused if it carries script or launch actions, which a plan never needs.
"""

from __future__ import annotations

import io
import re
import warnings
import zlib
from dataclasses import dataclass

from PIL import Image, ImageOps

THUMBNAIL_PX = 320
# A 5 MB file can still decode to gigabytes (a "decompression bomb"); 40 megapixels is more than
# any phone camera takes.
MAX_PIXELS = 40_000_000
PDF_TAIL = 2048
# Names a PDF uses to run code or open other programs; a plan needs none of them.
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA|SubmitForm|ImportData)\b")
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
MAX_INFLATED = 20 * 1024 * 1024


class UnsafeFile(Exception):
    """The file is not the image or document it claims to be, or carries something active."""


@dataclass(frozen=True)
class Cleaned:
    """A file as it will be kept: its (re-encoded) bytes and, for images, a small JPEG thumbnail."""

    data: bytes
    thumbnail: bytes | None


def clean(data: bytes, content_type: str) -> Cleaned:
    """Return the safe form of a JPG, PNG or PDF of ``content_type``; raise UnsafeFile otherwise."""
    if content_type == "application/pdf":
        check_pdf(data)
        return Cleaned(data, None)
    image = _open_image(data)
    return Cleaned(_reencode(image, content_type), _thumbnail(image))


def _open_image(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise UnsafeFile("image too large")
            image.load()
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UnsafeFile("not a readable image") from None
    # The photo is turned upright first: the EXIF orientation that said how is about to be dropped.
    return ImageOps.exif_transpose(image)


def _reencode(image: Image.Image, content_type: str) -> bytes:
    out = io.BytesIO()
    if content_type == "image/png":
        keep = image if image.mode in ("RGB", "RGBA", "L", "LA", "P") else image.convert("RGBA")
        keep.save(out, format="PNG", optimize=True)
    else:
        _rgb(image).save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    small = _rgb(image)
    small.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=80, optimize=True)
    return out.getvalue()


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        # Transparent parts go white, as on a page, not black.
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image if image.mode in ("RGB", "L") else image.convert("RGB")


def check_pdf(data: bytes) -> None:
    """Raise UnsafeFile unless ``data`` has a PDF's header and end, and no active content."""
    if not re.match(rb"%PDF-[12]\.\d", data):
        raise UnsafeFile("no PDF header")
    tail = data[-PDF_TAIL:]
    if b"%%EOF" not in tail or b"startxref" not in tail:
        raise UnsafeFile("no PDF trailer")
    for part in [data, *_inflated_streams(data)]:
        # "#4A" in a name is "J": decode name escapes so /#4AavaScript is seen as /JavaScript.
        if PDF_ACTIVE.search(PDF_NAME_ESCAPE.sub(lambda m: bytes.fromhex(m.group(1).decode()), part)):
            raise UnsafeFile("active PDF content")


def _inflated_streams(data: bytes) -> list[bytes]:
    """Return the decompressed streams: object streams can hide the dictionaries looked for."""
    found: list[bytes] = []
    total = 0
    for match in PDF_STREAM.finditer(data):
        try:
            inflater = zlib.decompressobj()
            chunk = inflater.decompress(match.group(1), MAX_INFLATED - total)
        except zlib.error:
            continue
        total += len(chunk)
        found.append(chunk)
        if total >= MAX_INFLATED:
            raise UnsafeFile("PDF streams too large")
    return found
