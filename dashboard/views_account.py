"""A person's account page for technicians and administrators in scope: where the
account stands, the person's equipment, tickets and audit events, and the actions
the viewer's role allows (accounts.resetting's services, which audit each one and
refuse, audited, what the role does not allow). Opening the page is audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_stubs_ext import StrOrPromise

from accounts.acceptable_use import accepted_policy
from accounts.login import account_counter
from accounts.models import Account, PasswordHistory
from accounts.privileges import ActionRefused, Actor, may_act_on
from accounts.resetting import (
    NotResettable,
    do_disable_account,
    do_enable_account,
    do_reset_account,
    do_unlock_recovery,
)
from audit.models import AuditEvent
from common import throttle
from dashboard.scope import Viewer, access_person_by_viewer, require_viewer
from dashboard.services import record_records_viewed
from directory.models import Person
from support.models import HandedOut, Ticket

EVENTS_SHOWN = 25
TICKETS_SHOWN = 25


@dataclass(frozen=True)
class AccountAction:
    """An action on an account: its question, its button, and when it applies."""

    name: str
    title: StrOrPromise
    explanation: StrOrPromise
    done: StrOrPromise
    applies: Callable[[Account], bool]
    perform: Callable[..., object]


ACTIONS = {
    action.name: action
    for action in (
        AccountAction(
            "reset", gettext_lazy("Reset the account"),
            gettext_lazy("The password, the challenge answers and every session are removed. "
                         "The person must claim the account again."),
            gettext_lazy("The account is reset. The person must claim it again."),
            lambda account: account.is_claimed, do_reset_account,
        ),
        AccountAction(
            "disable", gettext_lazy("Disable the account"),
            gettext_lazy("The person cannot sign in until the account is enabled again; "
                         "their sessions end now."),
            gettext_lazy("The account is disabled."),
            lambda account: account.is_active, do_disable_account,
        ),
        AccountAction(
            "enable", gettext_lazy("Enable the account"),
            gettext_lazy("The person can sign in again."),
            gettext_lazy("The account is enabled."),
            lambda account: not account.is_active, do_enable_account,
        ),
        AccountAction(
            "unlock-recovery", gettext_lazy("Unlock self-service recovery"),
            gettext_lazy("The person can answer the challenge questions again to reset a "
                         "forgotten password."),
            gettext_lazy("Self-service recovery is unlocked."),
            lambda account: account.recovery_locked_at is not None, do_unlock_recovery,
        ),
    )
}


def allowed_actions(actor: Actor, account: Account | None) -> list[AccountAction]:
    if account is None or not may_act_on(actor, account):
        return []
    return [action for action in ACTIONS.values() if action.applies(account)]


@dataclass(frozen=True)
class AccountState:
    account: Account | None
    sign_in_locked: bool
    password_changed_at: datetime | None


def account_state(person: Person) -> AccountState:
    account = Account.objects.filter(person=person).first()
    if account is None:
        return AccountState(None, False, None)
    changed = None
    if account.has_usable_password():
        changed = (
            PasswordHistory.objects.filter(account=account)
            .values_list("created_at", flat=True)
            .first()
        )
    locked = throttle.is_blocked(account_counter(account.username))
    return AccountState(account, locked, changed)


def _person_and_account(
    request: HttpRequest, person_pk: int
) -> tuple[Viewer, Person, AccountState]:
    viewer = require_viewer(request)
    person = access_person_by_viewer(person_pk, viewer)
    return viewer, person, account_state(person)


@login_required
def account_page(request: HttpRequest, person_pk: int) -> HttpResponse:
    viewer, person, state = _person_and_account(request, person_pk)
    record_records_viewed(viewer, request, view="account", person_id=person.pk)
    events = Q(person_id=person.pk)
    if state.account is not None:
        events |= Q(account_id=state.account.pk)
    return render(request, "dashboard/account.html", {
        "viewer": viewer,
        "person": person,
        "state": state,
        "actions": allowed_actions(viewer.account, state.account),
        "accepted_policy": accepted_policy(state.account) if state.account else None,
        "equipment": HandedOut.objects.filter(person=person).select_related("item"),
        "tickets": Ticket.objects.filter(requester=person)
        .select_related("category").order_by("-created_at")[:TICKETS_SHOWN],
        "events": AuditEvent.objects.filter(events)
        .select_related("account", "actor")[:EVENTS_SHOWN],
    })


@login_required
@require_http_methods(["GET", "POST"])
def account_action(request: HttpRequest, person_pk: int, action: str) -> HttpResponse:
    """Confirm (GET) and do (POST) one action; an action that does not apply, or
    that the role does not allow, answers 404 before anything happens."""
    viewer, person, state = _person_and_account(request, person_pk)
    chosen = ACTIONS.get(action)
    if chosen is None or chosen not in allowed_actions(viewer.account, state.account):
        raise Http404
    assert state.account is not None
    if request.method == "POST":
        try:
            chosen.perform(state.account, actor=viewer.account, request=request)
        except (ActionRefused, NotResettable):
            messages.error(request, _("Your role does not allow this on this account."))
        else:
            messages.success(request, str(chosen.done))
        return redirect("dashboard:account", person_pk=person.pk)
    record_records_viewed(viewer, request, view="account-action", person_id=person.pk)
    return render(request, "dashboard/account_action.html", {
        "viewer": viewer, "person": person, "action": chosen,
    })
