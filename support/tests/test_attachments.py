"""Attachments: limits, types read from the content, private storage under random
names, and serving only to those who may see the ticket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.tests.builders import make_claimed_account
from support.models import Attachment, Ticket
from support.services import TicketUpdate, do_update_ticket
from support.tests.builders import PNG, category, open_ticket, png, signed_in

pytestmark = pytest.mark.django_db

NEW = reverse("support:ticket-new")


def post_ticket(client: Client, *files: SimpleUploadedFile) -> Any:
    return client.post(
        NEW,
        {
            "category": category().pk,
            "subject": "Screen flickers",
            "description": "See the attached.",
            "priority": "normal",
            "attachments": list(files),
        },
    )


def test_an_attachment_is_stored_outside_the_code_under_a_random_name(requester, attachment_root):
    post_ticket(signed_in(requester), png("my screen.png"))
    attachment = Attachment.objects.get()
    stored = Path(attachment.file.path)
    assert attachment_root in stored.parents
    assert "screen" not in stored.name and stored.suffix == ""
    assert Path(django_settings.BASE_DIR) not in stored.parents
    assert (attachment.name, attachment.content_type, attachment.size) == (
        "my screen.png", "image/png", len(PNG)
    )


def test_the_default_folder_is_not_served_as_static_files():
    root = Path(django_settings.BASE_DIR, "var", "attachments")
    assert Path(django_settings.STATIC_ROOT) not in root.parents
    assert all(Path(folder) not in root.parents for folder in django_settings.STATICFILES_DIRS)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 10), "cannot be attached"),
        (SimpleUploadedFile("page.html", b"<html><script>alert(1)</script>"), "cannot be attached"),
        (SimpleUploadedFile("drawing.svg", b"<svg onload=alert(1)>"), "cannot be attached"),
        # Files whose content is not what their name says.
        (SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script></html>"),
         "is not the kind of file its name says"),
        (SimpleUploadedFile("notes.txt", b"<!DOCTYPE html><script>alert(1)</script>"),
         "is not the kind of file its name says"),
        (SimpleUploadedFile("report.pdf", PNG), "is not the kind of file its name says"),
        (SimpleUploadedFile("empty.txt", b""), "is empty"),
    ],
)
def test_a_forbidden_or_lying_file_is_refused_with_a_clear_message(requester, upload, message):
    response = post_ticket(signed_in(requester), upload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_an_oversized_file_is_refused(requester, settings):
    settings.SUPPORT_ATTACHMENT_MAX_BYTES = 1024
    response = post_ticket(signed_in(requester), SimpleUploadedFile("big.txt", b"a" * 1025))
    assert response.status_code == 200
    assert "is larger than 1.0\xa0KB" in response.content.decode()
    assert not Ticket.objects.exists()


def test_too_many_files_are_refused(requester, settings):
    settings.SUPPORT_ATTACHMENT_MAX_FILES = 2
    response = post_ticket(signed_in(requester), png("a.png"), png("b.png"), png("c.png"))
    assert "Attach at most 2 files." in response.content.decode()
    assert not Ticket.objects.exists()


def test_an_attachment_downloads_with_safe_headers(requester):
    post_ticket(signed_in(requester), SimpleUploadedFile("log.txt", b"error 42\n"))
    attachment = Attachment.objects.get()
    response = signed_in(requester).get(reverse("support:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="log.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert response.getvalue() == b"error 42\n"


def test_only_a_real_image_is_shown_inline(requester):
    client = signed_in(requester)
    post_ticket(client, png(), SimpleUploadedFile("log.txt", b"plain words"))
    image = Attachment.objects.get(name="screen.png")
    text = Attachment.objects.get(name="log.txt")
    response = client.get(reverse("support:attachment-inline", args=[image.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(reverse("support:attachment-inline", args=[text.pk])).status_code == 404


def test_attachments_of_a_ticket_you_may_not_see_answer_404(requester, technician):
    ticket = open_ticket(requester)
    do_update_ticket(
        ticket, TicketUpdate(body="internal", internal=True, files=[]), actor=technician
    )
    signed_in(requester).post(
        reverse("support:ticket-detail", args=[ticket.pk]), {"body": "x", "attachments": [png()]}
    )
    public = Attachment.objects.get()
    stranger = signed_in(make_claimed_account())
    for name in ("support:attachment", "support:attachment-inline"):
        assert stranger.get(reverse(name, args=[public.pk])).status_code == 404
        assert signed_in(technician).get(reverse(name, args=[public.pk])).status_code == 200


def test_an_internal_notes_attachment_is_the_technicians_only(requester, technician):
    from support.forms import AttachmentsField

    ticket = open_ticket(requester)
    checked = AttachmentsField().clean([png("diagnosis.png")])
    do_update_ticket(
        ticket, TicketUpdate(body="internal", internal=True, files=checked), actor=technician
    )
    attachment = Attachment.objects.get()
    url = reverse("support:attachment", args=[attachment.pk])
    assert signed_in(requester).get(url).status_code == 404
    assert signed_in(technician).get(url).status_code == 200


@pytest.mark.parametrize(
    "root", ["relative/attachments", "{base}", "{base}/support", "{base}/static/uploads"]
)
def test_an_attachment_folder_inside_the_code_or_static_files_refuses_to_start(
    root: str,
) -> None:
    from hallpass.tests.test_settings import load_settings

    base = str(django_settings.BASE_DIR)
    result = load_settings(
        {"HALLPASS_SUPPORT_ATTACHMENT_ROOT": root.format(base=base)}, "import hallpass.settings"
    )
    assert result.returncode != 0
    assert "HALLPASS_SUPPORT_ATTACHMENT_ROOT" in result.stderr


def test_the_attachment_folder_may_be_under_var_or_anywhere_else(tmp_path: Path) -> None:
    from hallpass.tests.test_settings import load_settings

    for root in (str(tmp_path / "files"), f"{django_settings.BASE_DIR}/var/attachments"):
        result = load_settings(
            {"HALLPASS_SUPPORT_ATTACHMENT_ROOT": root},
            "import hallpass.settings as s; print(s.SUPPORT_ATTACHMENT_ROOT)",
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == root
