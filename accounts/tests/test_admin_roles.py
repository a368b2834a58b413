"""The admin's roles: a technician cannot raise anyone's privileges, their own
included, nor act on staff accounts; an IT administrator can, audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from accounts.models import Account
from accounts.privileges import ActionRefused
from accounts.resetting import do_disable_account, do_reset_account
from accounts.roles import IT_ADMINISTRATOR, TECHNICIAN, is_it_administrator
from accounts.tests.builders import make_claimed_account, make_staff_account
from audit.models import AuditEvent, EventType, Outcome
from common.tests.client import FormClient

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_account_changelist")


def _change_url(account: Account) -> str:
    return reverse("admin:accounts_account_change", args=[account.pk])


def _group_url(group: Group) -> str:
    return reverse("admin:auth_group_change", args=[group.pk])


def _client(account: Account) -> Client:
    client = FormClient()
    client.force_login(account)
    return client


def _act(client: Client, action: str, *accounts: Account) -> Any:
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [a.pk for a in accounts], "post": "yes"},
        follow=True,
    )


def _refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=EventType.PRIVILEGES_REFUSED))


@pytest.fixture
def technician() -> Account:
    return make_staff_account(TECHNICIAN, given_name="Tomas", family_name="Reyes")


@pytest.fixture
def tech_client(technician: Account) -> Client:
    return _client(technician)


@pytest.fixture
def it_administrator() -> Account:
    # A member of the group, not a superuser: the role is the group's.
    return make_staff_account(IT_ADMINISTRATOR, given_name="Ana", family_name="Ibarra")


@pytest.fixture
def superuser() -> Account:
    return Account.objects.create_superuser("itadmin", "an IT password 42")


@pytest.fixture
def student() -> Account:
    return make_claimed_account(given_name="Imani", family_name="Walker")


# --- What a technician may not do: refused and audited -------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("is_superuser", "on"),
        ("groups", "it-administrator-group"),
        ("user_permissions", "change-group-permission"),
    ],
)
def test_a_technician_cannot_raise_their_own_privileges(tech_client, technician, field, value):
    posted = {
        "it-administrator-group": Group.objects.get(name=IT_ADMINISTRATOR).pk,
        "change-group-permission": Permission.objects.get(codename="change_group").pk,
    }.get(value, value)

    response = tech_client.post(_change_url(technician), {"language": "en", field: posted})

    assert response.status_code == 403
    technician = Account.objects.get(pk=technician.pk)
    assert not technician.is_superuser
    assert technician.group_names == {TECHNICIAN}
    assert not technician.user_permissions.exists()
    [refusal] = _refusals()
    assert (refusal.actor_id, refusal.account_id) == (technician.pk, technician.pk)
    assert refusal.outcome == Outcome.BLOCKED
    assert refusal.details == {"action": "change", "fields": [field]}


def test_a_technician_cannot_make_a_student_staff(tech_client, technician, student):
    response = tech_client.post(_change_url(student), {"language": "en", "is_staff": "on"})

    assert response.status_code == 403
    assert not Account.objects.get(pk=student.pk).is_staff
    [refusal] = _refusals()
    assert (refusal.actor_id, refusal.account_id) == (technician.pk, student.pk)
    assert refusal.details == {"action": "change", "fields": ["is_staff"]}


def test_a_technician_sees_the_superusers_change_page_but_cannot_post_it(
    tech_client, technician, superuser
):
    page = tech_client.get(_change_url(superuser))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert 'name="language"' not in page.content.decode()

    response = tech_client.post(_change_url(superuser), {"language": "es"})

    assert response.status_code == 403
    assert Account.objects.get(pk=superuser.pk).language == ""
    [refusal] = _refusals()
    assert (refusal.actor_id, refusal.account_id) == (technician.pk, superuser.pk)
    assert refusal.details == {"action": "change"}


def _employee_superuser() -> Account:
    """Superuser status without staff status: every permission, though not the admin."""
    account = make_claimed_account(role="staff")
    Account.objects.filter(pk=account.pk).update(is_superuser=True)
    return Account.objects.get(pk=account.pk)


def _employee_in_group(name: str) -> Callable[[], Account]:
    """A role held without staff status: an IT administrator's every permission."""

    def build() -> Account:
        account = make_claimed_account(role="staff")
        account.groups.add(Group.objects.get(name=name))
        return account

    return build


def _employee_with_a_permission() -> Account:
    account = make_claimed_account(role="staff")
    account.user_permissions.add(Permission.objects.get(codename="change_account"))
    return account


@pytest.mark.parametrize("action", ["reset_accounts", "disable_accounts", "enable_accounts"])
@pytest.mark.parametrize(
    "target",
    ["superuser", "staff employee", "employee superuser", "technician itself",
     "employee IT administrator", "employee technician", "employee with a permission"],
)
def test_a_technician_cannot_reset_disable_or_enable_staff_accounts(
    tech_client, technician, superuser, action, target
):
    builders: dict[str, Callable[[], Account]] = {
        "superuser": lambda: superuser,
        "staff employee": make_staff_account,
        "employee superuser": _employee_superuser,
        "technician itself": lambda: technician,
        "employee IT administrator": _employee_in_group(IT_ADMINISTRATOR),
        "employee technician": _employee_in_group(TECHNICIAN),
        "employee with a permission": _employee_with_a_permission,
    }
    account = builders[target]()
    if action == "enable_accounts" and account != technician:
        Account.objects.filter(pk=account.pk).update(is_active=False)

    body = _act(tech_client, action, account).content.decode()

    assert "1 account was left unchanged: only an IT administrator can act on the " in body
    after = Account.objects.get(pk=account.pk)
    assert after.is_active == (action != "enable_accounts" or account == technician)
    assert after.password == account.password and after.claimed_at == account.claimed_at
    assert not AuditEvent.objects.filter(
        event_type__in=[EventType.ACCOUNT_RESET, EventType.ACCOUNT_DISABLED,
                        EventType.ACCOUNT_ENABLED]
    ).exists()
    [refusal] = _refusals()
    assert (refusal.actor_id, refusal.account_id) == (technician.pk, account.pk)
    assert refusal.details == {"action": action.removesuffix("_accounts")}


def test_a_technician_cannot_act_on_an_account_without_a_directory_person(
    tech_client, technician
):
    service = Account.objects.create_user("kiosk", "a kiosk password 42")

    _act(tech_client, "disable_accounts", service)

    assert Account.objects.get(pk=service.pk).is_active
    assert [r.account_id for r in _refusals()] == [service.pk]


def test_the_actions_refuse_the_staff_account_and_act_on_the_others(
    tech_client, technician, superuser, student
):
    body = _act(tech_client, "disable_accounts", student, superuser).content.decode()

    assert "1 account was disabled." in body
    assert "1 account was left unchanged" in body
    assert not Account.objects.get(pk=student.pk).is_active
    assert Account.objects.get(pk=superuser.pk).is_active
    assert [r.account_id for r in _refusals()] == [superuser.pk]


def test_the_services_refuse_a_technician_whoever_calls_them(technician, superuser):
    with pytest.raises(ActionRefused):
        do_disable_account(superuser, actor=technician)
    with pytest.raises(ActionRefused):
        do_reset_account(make_staff_account(), actor=technician)

    assert Account.objects.get(pk=superuser.pk).is_active
    assert [r.details["action"] for r in _refusals()] == ["reset", "disable"]


def test_a_technician_cannot_change_a_groups_permissions(tech_client, technician):
    group = Group.objects.get(name=TECHNICIAN)
    before = set(group.permissions.all())
    everything = list(Permission.objects.values_list("pk", flat=True))

    response = tech_client.post(
        _group_url(group), {"name": TECHNICIAN, "permissions": everything}
    )

    assert response.status_code == 403
    assert set(group.permissions.all()) == before
    [refusal] = _refusals()
    assert refusal.actor_id == technician.pk
    assert refusal.details == {"action": "change group", "group": TECHNICIAN}


def test_a_technician_cannot_add_or_delete_groups(tech_client, technician):
    group = Group.objects.get(name=TECHNICIAN)
    add = tech_client.post(reverse("admin:auth_group_add"), {"name": "Helpers"})
    delete = tech_client.post(
        reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"}
    )

    assert (add.status_code, delete.status_code) == (403, 403)
    assert set(Group.objects.values_list("name", flat=True)) == {TECHNICIAN, IT_ADMINISTRATOR}
    assert [r.details["action"] for r in _refusals()] == ["delete group", "add group"]
    assert {r.actor_id for r in _refusals()} == {technician.pk}


def test_a_technician_has_no_access_to_groups_or_apps(tech_client):
    assert tech_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert tech_client.get(reverse("admin:sso_app_changelist")).status_code == 403


# --- What a technician may do ----------------------------------------------------------


def test_a_technician_resets_disables_and_enables_a_student(tech_client, technician, student):
    assert "1 account was disabled." in _act(
        tech_client, "disable_accounts", student
    ).content.decode()
    assert "1 account was enabled." in _act(
        tech_client, "enable_accounts", student
    ).content.decode()
    assert "1 account was reset" in _act(tech_client, "reset_accounts", student).content.decode()

    student = Account.objects.get(pk=student.pk)
    assert student.is_active and not student.is_claimed
    events = AuditEvent.objects.filter(actor=technician).order_by("id")
    assert [e.event_type for e in events] == [
        EventType.ACCOUNT_DISABLED, EventType.ACCOUNT_ENABLED, EventType.ACCOUNT_RESET
    ]
    assert not _refusals()


def test_a_technician_changes_a_students_page_with_the_privileges_read_only(
    tech_client, student
):
    page = tech_client.get(_change_url(student)).content.decode()
    assert 'name="language"' in page
    for field in ("is_staff", "is_superuser", "groups", "user_permissions"):
        assert f'name="{field}"' not in page

    response = tech_client.post(_change_url(student), {"language": "vi"})

    assert response.status_code == 302
    assert Account.objects.get(pk=student.pk).language == "vi"
    assert not _refusals()


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:accounts_account_changelist",
        "admin:accounts_challengequestion_changelist",
        "admin:directory_person_changelist",
        "admin:directory_org_changelist",
        "admin:directory_class_changelist",
        "admin:directory_syncrun_changelist",
        "admin:audit_auditevent_changelist",
    ],
)
def test_a_technician_views_the_lists_they_need(tech_client, student, url_name):
    assert tech_client.get(reverse(url_name)).status_code == 200


# --- What an IT administrator does: audited with old and new values ---------------------


def test_an_it_administrator_makes_an_employee_a_technician(it_administrator):
    employee = make_claimed_account(given_name="Lan", family_name="Tran", role="staff")
    technicians = Group.objects.get(name=TECHNICIAN)

    response = _client(it_administrator).post(
        _change_url(employee),
        {"language": "", "is_staff": "on", "groups": [technicians.pk]},
    )

    assert response.status_code == 302
    employee = Account.objects.get(pk=employee.pk)
    assert employee.is_staff and employee.group_names == {TECHNICIAN}
    event = AuditEvent.objects.get(event_type=EventType.PRIVILEGES_CHANGED)
    assert (event.actor_id, event.account_id) == (it_administrator.pk, employee.pk)
    assert event.details == {
        "old": {"is_staff": False, "groups": []},
        "new": {"is_staff": True, "groups": [TECHNICIAN]},
    }
    assert _client(employee).get(CHANGELIST).status_code == 200


def test_an_it_administrator_saving_without_a_change_writes_no_privilege_event(
    it_administrator,
):
    technician = make_staff_account(TECHNICIAN)
    technicians = Group.objects.get(name=TECHNICIAN)

    response = _client(it_administrator).post(
        _change_url(technician),
        {"language": "es", "is_staff": "on", "groups": [technicians.pk]},
    )

    assert response.status_code == 302
    assert Account.objects.get(pk=technician.pk).language == "es"
    assert not AuditEvent.objects.filter(event_type=EventType.PRIVILEGES_CHANGED).exists()


def test_an_it_administrator_changes_a_groups_permissions_audited(it_administrator):
    group = Group.objects.get(name=TECHNICIAN)
    before = sorted(
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()
    )
    view_apps = Permission.objects.get(codename="view_app", content_type__app_label="sso")
    wanted = [*group.permissions.values_list("pk", flat=True), view_apps.pk]

    response = _client(it_administrator).post(
        _group_url(group), {"name": "Renamed", "permissions": wanted}
    )

    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == TECHNICIAN  # the role's name is kept
    assert group.permissions.filter(pk=view_apps.pk).exists()
    event = AuditEvent.objects.get(event_type=EventType.PRIVILEGES_CHANGED)
    assert event.actor_id == it_administrator.pk
    assert event.details == {
        "group": TECHNICIAN,
        "old": {"permissions": before},
        "new": {"permissions": sorted([*before, "sso.view_app"])},
    }


def test_an_it_administrator_deletes_a_group_audited_but_not_a_roles(it_administrator):
    client = _client(it_administrator)
    helpers = Group.objects.create(name="Helpers")
    helpers.permissions.add(
        Permission.objects.get(codename="view_app", content_type__app_label="sso")
    )
    member = make_staff_account()
    member.groups.add(helpers)
    role = Group.objects.get(name=TECHNICIAN)

    refused = client.post(reverse("admin:auth_group_delete", args=[role.pk]), {"post": "yes"})
    deleted = client.post(reverse("admin:auth_group_delete", args=[helpers.pk]), {"post": "yes"})

    bulk = client.post(
        reverse("admin:auth_group_changelist"),
        {"action": "delete_selected", "_selected_action": [role.pk], "post": "yes"},
    )

    assert (refused.status_code, deleted.status_code, bulk.status_code) == (403, 302, 403)
    assert set(Group.objects.values_list("name", flat=True)) == {TECHNICIAN, IT_ADMINISTRATOR}
    event = AuditEvent.objects.get(event_type=EventType.PRIVILEGES_CHANGED)
    assert event.actor_id == it_administrator.pk
    assert event.details == {
        "group": "Helpers",
        "deleted": True,
        "old": {"permissions": ["sso.view_app"], "members": [member.username]},
        "new": {"permissions": [], "members": []},
    }


def test_an_it_administrator_acts_on_staff_accounts(it_administrator, superuser):
    staff = make_staff_account(TECHNICIAN)

    body = _act(_client(it_administrator), "disable_accounts", staff, superuser).content
    assert "2 accounts were disabled." in body.decode()
    assert not _refusals()


def test_members_of_the_it_administrator_group_hold_every_permission(it_administrator):
    technician = make_staff_account(TECHNICIAN)
    client = _client(it_administrator)

    assert is_it_administrator(it_administrator)
    assert it_administrator.has_perm("sso.change_app")
    assert it_administrator.has_module_perms("sso")
    assert client.get(reverse("admin:sso_app_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 200
    assert not is_it_administrator(technician)
    assert not technician.has_perm("sso.change_app")
    assert not technician.has_perm("auth.change_group")


def test_a_disabled_member_of_the_it_administrator_group_holds_nothing(it_administrator):
    Account.objects.filter(pk=it_administrator.pk).update(is_active=False)
    disabled = Account.objects.get(pk=it_administrator.pk)

    assert not is_it_administrator(disabled)
    assert not disabled.has_perm("sso.change_app")


def test_superusers_are_it_administrators(superuser):
    assert is_it_administrator(superuser)


# --- The admin's password change is the portal's ---------------------------------------


@pytest.mark.parametrize("url", ["/admin/password_change/", "/admin/password_change/done/"])
def test_the_admins_password_change_goes_to_the_portals(superuser, url):
    client = _client(superuser)
    old_hash = superuser.password

    page = client.get(url)
    posted = client.post(
        url,
        {
            "old_password": "an IT password 42",
            "new_password1": "a new IT password 43",
            "new_password2": "a new IT password 43",
        },
    )

    assert page.status_code == posted.status_code == 302
    assert page["Location"] == posted["Location"] == reverse("accounts:change-password")
    assert Account.objects.get(pk=superuser.pk).password == old_hash
    assert reverse("admin:password_change") == "/admin/password_change/"
