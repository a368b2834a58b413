"""App icons uploaded by IT staff: PNG, JPEG or WebP only (never SVG, which can
carry script), no larger than settings.SSO_ICON_MAX_BYTES or SSO_ICON_MAX_PIXELS a
side. Pillow decodes the image and writes it again, so what is stored and served
is an image of the declared type and nothing else rides along (metadata, a
second file appended to the first)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


@dataclass(frozen=True)
class Icon:
    data: bytes
    content_type: str
    version: str


def read_icon(upload: UploadedFile) -> Icon:
    if upload.size is None or upload.size > settings.SSO_ICON_MAX_BYTES:
        raise ValidationError(
            _("The icon must be at most %(size)d KB."),
            code="too_large",
            params={"size": settings.SSO_ICON_MAX_BYTES // 1024},
        )
    raw = upload.read()
    try:
        with Image.open(io.BytesIO(raw), formats=list(CONTENT_TYPES)) as image:
            image.load()
            kind = str(image.format)
            if max(image.size) > settings.SSO_ICON_MAX_PIXELS:
                raise ValidationError(
                    _("The icon must be at most %(pixels)d pixels wide and high."),
                    code="too_many_pixels",
                    params={"pixels": settings.SSO_ICON_MAX_PIXELS},
                )
            clean = io.BytesIO()
            pixels = image.convert("RGB") if kind == "JPEG" and image.mode not in ("RGB", "L") \
                else image
            pixels.save(clean, format=kind)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(
            _("Upload a PNG, JPEG or WebP image."), code="not_an_image"
        ) from None
    data = clean.getvalue()
    # The version names the content, so browsers may cache an icon for good.
    return Icon(data, CONTENT_TYPES[kind], hashlib.sha256(data).hexdigest()[:16])
