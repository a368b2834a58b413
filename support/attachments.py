"""What a ticket's attachment really is, and whether it may be kept.

The type is read from the file's first bytes, never from the name or the browser's
Content-Type, which the uploader chooses; a file whose content does not match its
extension is refused. Only these types are known, and SUPPORT_ATTACHMENT_TYPES
(extensions) chooses among them. SVG and HTML are not: a browser runs their
scripts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# extension -> content type
KNOWN_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "txt": "text/plain",
    "log": "text/plain",
    "csv": "text/plain",
}

SNIFF_BYTES = 4096


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    content_type: str
    size: int


def sniff(head: bytes) -> str | None:
    """The content type the bytes show, or None when they are none we accept."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if _is_plain_text(head):
        return "text/plain"
    return None


def _is_plain_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The sample may end inside a character.
        if error.start < len(head) - 3:
            return False
        text = head[: error.start].decode("utf-8")
    lowered = text.lstrip().lower()
    # Markup a browser would render (and run) is not plain text, whatever its name.
    return not lowered.startswith(("<!doctype", "<html", "<svg", "<?xml", "<script"))


def clean_name(name: str) -> str:
    """The uploaded name without folders or control characters, for display only."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[:255] or "file"


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Refuse a file over the size limit, of a type not allowed, or whose content is
    not what its extension says."""
    name = clean_name(upload.name or "")
    size = upload.size or 0
    if size > settings.SUPPORT_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s. Attach a smaller file."),
            code="too_large",
            params={"name": name, "limit": filesizeformat(settings.SUPPORT_ATTACHMENT_MAX_BYTES)},
        )
    if size == 0:
        raise ValidationError(_("%(name)s is empty."), code="empty", params={"name": name})
    extension = PurePath(name).suffix.lower().lstrip(".")
    allowed = {ext.lower() for ext in settings.SUPPORT_ATTACHMENT_TYPES if ext in KNOWN_TYPES}
    if extension not in allowed:
        raise ValidationError(
            _("%(name)s cannot be attached. Allowed types: %(types)s."),
            code="type_not_allowed",
            params={"name": name, "types": ", ".join(sorted(allowed))},
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    content_type = sniff(head)
    if content_type != KNOWN_TYPES[extension]:
        raise ValidationError(
            _("%(name)s is not the kind of file its name says. Attach the original file."),
            code="type_mismatch",
            params={"name": name},
        )
    return CheckedFile(upload=upload, name=name, content_type=content_type, size=size)
