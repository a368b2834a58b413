"""No form of the portal takes a file: a multipart body (what a browser sends only
for a form that takes one) is refused before it is read; forms posted as browsers
post them, the admin's included, work as before."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse

from accounts.models import Account, ChallengeQuestion
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account, make_person
from audit.models import AuditEvent
from common.tests.client import MULTIPART_CONTENT, FormClient
from common.tests.upload_recorder import HANDLERS, RecordingUploadHandler
from common.uploads import takes_files

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
CLAIM = reverse("accounts:claim")
STAFF_PASSWORD = "Tech-Pass-Long-1"


@pytest.fixture(autouse=True)
def _recorded_uploads(settings):
    settings.FILE_UPLOAD_HANDLERS = HANDLERS
    RecordingUploadHandler.started.clear()
    yield
    RecordingUploadHandler.started.clear()


def big_file() -> SimpleUploadedFile:
    # Over FILE_UPLOAD_MAX_MEMORY_SIZE: Django would write it to a temporary file.
    return SimpleUploadedFile("big.bin", b"\0" * (3 * 1024 * 1024), "application/octet-stream")


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        (LOGIN, {"username": "s0123456", "password": DEFAULT_PASSWORD}),
        (CLAIM, {"family_name": "Lopez", "given_name": "Maria", "identifier": "123456"}),
    ],
    ids=["sign-in", "claim"],
)
def test_a_file_sent_to_a_form_is_refused_unread(url, fields):
    # With the CSRF check on, as for a browser: the check reads the body's fields.
    response = FormClient(enforce_csrf_checks=True).post(
        url, {**fields, "attachment": big_file()}, content_type=MULTIPART_CONTENT
    )
    assert response.status_code == 415
    assert RecordingUploadHandler.started == []
    # Refused before the form: no sign-in or claim was attempted, nothing audited.
    assert not AuditEvent.objects.exists()


def test_a_sign_in_posted_as_a_browser_posts_it_works():
    account = make_claimed_account()
    response = FormClient().post(
        LOGIN, {"username": account.username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response.wsgi_request.user == account


def test_a_claim_posted_as_a_browser_posts_it_works():
    person = make_person(given_name="Maria", family_name="Lopez")
    response = FormClient().post(
        CLAIM,
        {
            "family_name": person.family_name,
            "given_name": person.given_name,
            "identifier": person.identifier,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:claim-password")


@pytest.fixture
def staff_client() -> FormClient:
    client = FormClient()
    client.force_login(Account.objects.create_superuser("tech1", STAFF_PASSWORD))
    return client


def test_an_admin_change_posted_as_the_admin_posts_it_works(staff_client):
    question = ChallengeQuestion.objects.order_by("pk").first()
    assert question is not None
    url = reverse("admin:accounts_challengequestion_change", args=[question.pk])
    form = staff_client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' not in form
    response = staff_client.post(
        url,
        {
            "text_en": "What was the name of your first pet, really?",
            "text_es": question.text_es,
            "text_vi": question.text_vi,
            "is_active": "on",
            "position": question.position,
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text_en == "What was the name of your first pet, really?"


def test_every_admin_form_that_posts_files_is_let_through(staff_client):
    """Django's admin posts multipart for a model with a file field (an app's icon):
    its view must be marked @accepts_file_uploads, and no other is."""
    index = staff_client.get(reverse("admin:index")).content.decode()
    add_pages = set(re.findall(r'href="(/admin/[^"]+/add/)"', index))
    assert reverse("admin:accounts_challengequestion_add") in add_pages
    for url in add_pages:
        page = staff_client.get(url).content.decode()
        assert ("multipart/form-data" in page) == takes_files(resolve(url).func), url
