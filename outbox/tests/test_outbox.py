"""The demo outbox: a backend that stores mail, and pages only staff can read."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMultiAlternatives, send_mail
from django.urls import reverse
from pytest_django.asserts import assertContains

from accounts.models import Account
from accounts.tests.builders import make_claimed_account
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_backend(settings) -> None:
    settings.EMAIL_BACKEND = "outbox.backends.OutboxEmailBackend"


@pytest.fixture
def message() -> OutboxMessage:
    return OutboxMessage.objects.create(
        from_email="f@example.org", to="a@example.org", subject="Your username",
        body_text="Your username is: s0123456",
    )


@pytest.mark.usefixtures("outbox_backend")
def test_it_stores_each_message():
    sent = send_mail("Hello", "Plain body", "from@example.org", ["a@example.org", "b@x.org"])
    assert sent == 1
    row = OutboxMessage.objects.get()
    assert row.subject == "Hello"
    assert row.to == "a@example.org, b@x.org"
    assert row.body_text == "Plain body"
    assert row.body_html == ""


@pytest.mark.usefixtures("outbox_backend")
def test_it_keeps_the_html_alternative():
    email = EmailMultiAlternatives("Hi", "text", "f@example.org", ["a@example.org"])
    email.attach_alternative("<p>html</p>", "text/html")
    email.send()
    assert OutboxMessage.objects.get().body_html == "<p>html</p>"


def test_staff_read_the_list_and_a_message(client, message):
    client.force_login(
        Account.objects.create_user("itadmin", "staff password 123", is_staff=True)
    )
    listing = client.get(reverse("outbox:list"))
    assertContains(listing, "Your username")
    detail = client.get(reverse("outbox:detail", args=[message.pk]))
    assertContains(detail, "Your username is: s0123456")


def test_anonymous_visitors_are_sent_to_sign_in(client, message):
    for url in [reverse("outbox:list"), reverse("outbox:detail", args=[message.pk])]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "s0123456" not in response.content.decode()


def test_people_who_are_not_staff_cannot_read_it(client, message):
    client.force_login(make_claimed_account())
    response = client.get(reverse("outbox:detail", args=[message.pk]))
    assert response.status_code == 302
    assert "s0123456" not in response.content.decode()
