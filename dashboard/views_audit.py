"""The audit viewer: filters, newest first, keyset pages, CSV.

Keyset pagination: each page asks for the events just older than the last one
shown (its time and id), which the (time) index answers at once however deep the
page; an OFFSET would read and skip every earlier row of a million-row log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account
from audit.models import AuditEvent, EventType, Outcome
from common.csv_export import csv_response
from dashboard.scope import require_viewer
from dashboard.services import record_records_viewed
from directory.models import Person

EVENTS_PER_PAGE = 50
# A download holds at most this many events (newest first); narrow the filters for more.
EXPORT_LIMIT = 10_000


class AuditFilterForm(forms.Form):
    person = forms.CharField(
        label=gettext_lazy("Person (username or ID)"), required=False, max_length=150
    )
    event = forms.ChoiceField(
        label=gettext_lazy("Event"), required=False,
        choices=[("", gettext_lazy("Any event")), *EventType.choices],
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), required=False,
        choices=[("", gettext_lazy("Any outcome")), *Outcome.choices],
    )
    address = forms.CharField(label=gettext_lazy("Address"), required=False, max_length=64)
    since = forms.DateField(
        label=gettext_lazy("From (day)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=gettext_lazy("To (day, included)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def filtered(self) -> QuerySet[AuditEvent]:
        """The events the valid filters select (every event when none is set)."""
        events = AuditEvent.objects.all()
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        if data["person"]:
            events = events.filter(_person_filter(data["person"]))
        if data["event"]:
            events = events.filter(event_type=data["event"])
        if data["outcome"]:
            events = events.filter(outcome=data["outcome"])
        if data["address"]:
            events = events.filter(ip_address=data["address"].strip())
        if data["since"]:
            events = events.filter(occurred_at__gte=_start_of(data["since"]))
        if data["until"]:
            events = events.filter(occurred_at__lt=_start_of(data["until"] + timedelta(days=1)))
        return events


def _start_of(day: object) -> datetime:
    assert hasattr(day, "year")
    return timezone.make_aware(datetime.combine(day, time.min))  # type: ignore[arg-type]


def _person_filter(typed: str) -> Q:
    """Events of the person with this username or directory ID, or of the account
    with this username (staff without a directory person)."""
    text = typed.strip()
    people = list(
        Person.objects.filter(Q(username=text.casefold()) | Q(identifier=text))
        .values_list("pk", flat=True)
    )
    accounts = list(Account.objects.filter(username=text.casefold()).values_list("pk", flat=True))
    return Q(person_id__in=people) | Q(account_id__in=accounts)


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: just older than this event."""

    occurred_at: datetime
    pk: int

    def token(self) -> str:
        return f"{self.occurred_at.isoformat()}_{self.pk}"

    @classmethod
    def parse(cls, token: str) -> Cursor | None:
        when, _sep, pk = token.rpartition("_")
        try:
            occurred_at = datetime.fromisoformat(when)
        except ValueError:
            return None
        if not pk.isdigit() or occurred_at.tzinfo is None:
            return None
        return cls(occurred_at, int(pk))

    def older(self) -> Q:
        return Q(occurred_at__lt=self.occurred_at) | Q(occurred_at=self.occurred_at, pk__lt=self.pk)


def _shown(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    return events.select_related("account", "actor").order_by("-occurred_at", "-pk")


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    viewer = require_viewer(request)
    if not viewer.sees_audit_log:
        raise Http404
    form = AuditFilterForm(request.GET)
    events = form.filtered()
    if request.GET.get("csv") == "events":
        rows = list(_shown(events)[:EXPORT_LIMIT])
        record_records_viewed(viewer, request, view="audit-log.csv",
                              people=[e.person_id for e in rows if e.person_id])
        return audit_csv(rows)
    cursor = Cursor.parse(request.GET.get("before", ""))
    if cursor is not None:
        events = events.filter(cursor.older())
    rows = list(_shown(events)[: EVENTS_PER_PAGE + 1])
    page, more = rows[:EVENTS_PER_PAGE], len(rows) > EVENTS_PER_PAGE
    record_records_viewed(viewer, request, view="audit-log",
                          people=[e.person_id for e in page if e.person_id])
    query = request.GET.copy()
    query.pop("before", None)
    query.pop("csv", None)
    next_token = Cursor(page[-1].occurred_at, page[-1].pk).token() if more else ""
    return render(request, "dashboard/audit.html", {
        "viewer": viewer, "form": form, "events": page, "query": query.urlencode(),
        "next_token": next_token, "first_page": cursor is None, "export_limit": EXPORT_LIMIT,
    })


def audit_csv(events: list[AuditEvent]) -> HttpResponse:
    header = [
        _("Time"), _("Event"), _("Outcome"), _("Account"), _("Person"), _("By"), _("Address"),
        _("Browser"), _("Details"),
    ]
    return csv_response("audit-log.csv", header, (
        [
            timezone.localtime(event.occurred_at).isoformat(timespec="seconds"),
            event.event_type, event.outcome,
            event.account.username if event.account else "",
            event.person_id, event.actor.username if event.actor else "",
            event.ip_address, event.user_agent,
            json.dumps(event.details, ensure_ascii=False, sort_keys=True) if event.details else "",
        ]
        for event in events
    ))
