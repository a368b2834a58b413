from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from accounts.models import Account
from common.tests.client import FormClient
from directory.models import Person
from directory.sync import sync_oneroster
from directory.tests.sync_helpers import FIXTURES

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def admin_client() -> FormClient:
    sync_oneroster(FIXTURES / "oneroster11", now=NOW)
    client = FormClient()
    client.force_login(Account.objects.create_superuser("tech", "pw-not-used-here-123"))
    return client


@pytest.mark.parametrize(
    "model", ["org", "academicsession", "person", "class", "enrollment", "syncrun"]
)
def test_every_directory_model_has_a_changelist_without_add(admin_client, model):
    response = admin_client.get(reverse(f"admin:directory_{model}_changelist"))

    assert response.status_code == 200
    add = admin_client.get(reverse(f"admin:directory_{model}_add"))
    assert add.status_code == 403


def test_people_can_be_searched_by_username_and_filtered(admin_client):
    url = reverse("admin:directory_person_changelist")

    by_username = admin_client.get(url, {"q": "S0123456"})
    by_name = admin_client.get(url, {"q": "Whitfield"})
    teachers = admin_client.get(url, {"role__exact": "teacher", "status__exact": "active"})

    assert list(by_username.context["cl"].result_list) == [Person.objects.get(username="s0123456")]
    assert [p.username for p in by_name.context["cl"].result_list] == ["e077777"]
    assert [p.username for p in teachers.context["cl"].result_list] == ["e077777"]


def test_synced_fields_are_read_only_and_people_cannot_be_deleted(admin_client):
    student = Person.objects.get(username="s0123456")
    url = reverse("admin:directory_person_change", args=[student.pk])

    admin_client.post(
        url,
        {
            "given_name": "Hacked",
            "family_name": "X",
            "claimable_at_0": "2025-08-01",
            "claimable_at_1": "12:00:00",
        },
    )

    student.refresh_from_db()
    assert student.given_name == "Maria"
    delete = admin_client.get(reverse("admin:directory_person_delete", args=[student.pk]))
    assert delete.status_code == 403


@pytest.mark.parametrize(
    ("model", "sid"),
    [("person", "u-t1"), ("class", "cl-alg-1"), ("org", "org-hs"), ("enrollment", "e-1")],
)
def test_change_pages_show_synced_fields_read_only(admin_client, model, sid):
    from django.apps import apps

    obj = apps.get_model("directory", model).objects.get(sourced_id=sid)

    response = admin_client.get(reverse(f"admin:directory_{model}_change", args=[obj.pk]))

    assert response.status_code == 200
    assert 'name="sourced_id"' not in response.content.decode()
