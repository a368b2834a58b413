"""The claim dashboard: the district (or a school administrator's schools), a school,
and the lists of people behind each number, each list also as CSV.

Figures are grouped queries (dashboard.stats); a list of people is a view of their
records and is audited (dashboard.services). Anything outside the viewer's scope
answers 404 (dashboard.scope)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.csv_export import csv_response
from dashboard import charts, stats
from dashboard.daily import DailyCount, daily_activity
from dashboard.scope import (
    Viewer,
    access_class_by_viewer,
    access_school_by_viewer,
    enrolled_in,
    people_in_scope,
    require_viewer,
    schools_in_scope,
)
from dashboard.services import record_records_viewed
from dashboard.stats import ClaimRow, ClaimState
from directory.models import Class, Org, Person

PEOPLE_PER_PAGE = 100
ALL_STATES = "all"


def _today() -> date:
    return timezone.localdate()


def claim_rows_csv(filename: str, first_column: str, rows: Sequence[ClaimRow]) -> HttpResponse:
    header = [
        first_column, _("Claimed"), _("Not claimed"), _("Not yet claimable"), _("Deactivated"),
        _("Claim rate (%)"),
    ]
    return csv_response(
        filename,
        header,
        (
            [row.label, row.counts.claimed, row.counts.unclaimed, row.counts.waiting,
             row.counts.deactivated, row.counts.percent]
            for row in rows
        ),
    )


def daily_csv(filename: str, column: str, days: Sequence[DailyCount]) -> HttpResponse:
    return csv_response(filename, [_("Day"), column], ([d.day.isoformat(), d.count] for d in days))


class FindAccountForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Username or ID"), max_length=150,
        error_messages={"required": gettext_lazy("Type a username or an ID.")},
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    viewer = require_viewer(request)
    if viewer.is_teacher:
        return redirect("dashboard:students")
    find_form = FindAccountForm(request.GET if "q" in request.GET else None)
    if find_form.is_valid():
        found = _find_person(viewer, find_form.cleaned_data["q"])
        if found is not None:
            return redirect("dashboard:account", person_pk=found)
        find_form.add_error("q", _("No one you may see has this username or ID."))
    context: dict[str, object] = {"viewer": viewer, "find_form": find_form}
    if viewer.sees_claim_rates:
        district_figures = _figures(request, viewer)
        if isinstance(district_figures, HttpResponse):
            return district_figures
        context.update(district_figures)
    return render(request, "dashboard/home.html", context)


def _find_person(viewer: Viewer, typed: str) -> int | None:
    text = typed.strip()
    matches = people_in_scope(viewer).filter(username=text.casefold())
    pk = matches.values_list("pk", flat=True).first()
    if pk is None:
        pk = people_in_scope(viewer).filter(identifier=text).values_list("pk", flat=True).first()
    return pk


def _figures(request: HttpRequest, viewer: Viewer) -> dict[str, object] | HttpResponse:
    now, today = timezone.now(), _today()
    school_ids = None if viewer.sees_district else viewer.school_ids
    people = stats.population(school_ids)
    schools = list(schools_in_scope(viewer).only("pk", "name").order_by("name", "pk"))
    grid = stats.cells(people, now)
    school_rows = stats.by_school(grid, schools)
    role_rows = stats.by_role(grid)
    grade_rows = stats.by_grade(grid)
    activity = daily_activity(school_ids, now)
    claims, sign_ins = activity.claims, activity.sign_ins
    download = request.GET.get("csv")
    if download == "schools":
        return claim_rows_csv("claims-by-school.csv", _("School"), school_rows)
    if download == "roles":
        return claim_rows_csv("claims-by-role.csv", _("Role"), role_rows)
    if download == "grades":
        return claim_rows_csv("claims-by-grade.csv", _("Grade"), grade_rows)
    if download == "claims":
        return daily_csv("claims-per-day.csv", _("Accounts claimed"), claims)
    if download == "sign-ins":
        return daily_csv("sign-ins-per-day.csv", _("Sign-ins"), sign_ins)
    return {
        "totals": stats.totals(grid),
        "deadline": stats.deadline(today),
        "school_rows": school_rows,
        "school_chart": charts.claim_rate_bars(school_rows),
        "role_rows": role_rows,
        "grade_rows": grade_rows,
        "claims": claims,
        "claims_chart": charts.daily_line(claims),
        "sign_ins": sign_ins,
        "sign_ins_chart": charts.daily_line(sign_ins),
    }


@login_required
def school(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = require_viewer(request)
    org = access_school_by_viewer(pk, viewer)
    now, today = timezone.now(), _today()
    grid = stats.cells(stats.population([org.pk]), now)
    grade_rows = stats.by_grade(grid)
    class_rows = stats.by_class(org, now)
    role_rows = stats.by_role(grid)
    download = request.GET.get("csv")
    if download == "grades":
        return claim_rows_csv("claims-by-grade.csv", _("Grade"), grade_rows)
    if download == "classes":
        return claim_rows_csv("claims-by-class.csv", _("Class"), class_rows)
    if download == "roles":
        return claim_rows_csv("claims-by-role.csv", _("Role"), role_rows)
    return render(request, "dashboard/school.html", {
        "viewer": viewer,
        "school": org,
        "totals": stats.totals(grid),
        "deadline": stats.deadline(today),
        "grade_rows": grade_rows,
        "grade_chart": charts.claim_rate_bars(grade_rows),
        "class_rows": class_rows,
        "role_rows": role_rows,
    })


class PeopleFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("Claim status"), required=False,
        choices=[(ALL_STATES, gettext_lazy("Everyone"))]
        + [(state.value, stats.STATE_LABELS[state]) for state in ClaimState],
    )
    grade = forms.CharField(label=gettext_lazy("Grade"), required=False, max_length=40)

    def chosen_state(self) -> ClaimState | None:
        """The state to list: not claimed unless another (or everyone) is chosen."""
        value = self.cleaned_data.get("state") if self.is_valid() else None
        if value == ALL_STATES:
            return None
        return ClaimState(value) if value else ClaimState.UNCLAIMED


def state_annotation() -> Case:
    """Each person's claim state, decided by the database with stats.state_filter."""
    now = timezone.now()
    return Case(
        *[When(stats.state_filter(state, now), then=Value(state.value)) for state in ClaimState],
        output_field=CharField(),
    )


def listed_people(people: QuerySet[Person], state: ClaimState | None) -> QuerySet[Person]:
    """The people of a list with what it shows: school, account dates and claim state."""
    if state is not None:
        people = people.filter(stats.state_filter(state, timezone.now()))
    return (
        people.select_related("primary_org")
        .annotate(
            claim_state=state_annotation(),
            claimed_at=F("account__claimed_at"),
            last_sign_in=F("account__last_login"),
        )
        .order_by("family_name", "given_name", "pk")
    )


def people_csv(filename: str, people: QuerySet[Person]) -> HttpResponse:
    labels = {state.value: state.label for state in ClaimState}
    header = [
        _("Family name"), _("Given name"), _("Username"), _("ID"), _("Role"), _("Grade"),
        _("School"), _("Claim status"), _("Claimed"), _("Last sign-in"),
    ]

    def when(value: datetime | None) -> str:
        return timezone.localtime(value).isoformat(timespec="minutes") if value else ""

    return csv_response(filename, header, (
        [
            person.preferred_family_name or person.family_name,
            person.preferred_given_name or person.given_name,
            person.display_username, person.identifier, person.get_role_display(),
            person.grades, person.primary_org.name if person.primary_org else "",
            labels.get(person.claim_state, ""),  # type: ignore[attr-defined]
            when(person.claimed_at), when(person.last_sign_in),  # type: ignore[attr-defined]
        ]
        for person in people
    ))


def _people_page(
    request: HttpRequest,
    viewer: Viewer,
    *,
    people: QuerySet[Person],
    view: str,
    title: str,
    context: dict[str, object],
) -> HttpResponse:
    form = PeopleFilterForm(request.GET or None)
    state = form.chosen_state() if form.is_bound else ClaimState.UNCLAIMED
    if form.is_bound and form.is_valid() and form.cleaned_data["grade"]:
        people = people.filter(role=Person.Role.STUDENT, grades=form.cleaned_data["grade"])
    listed = listed_people(people, state)
    if request.GET.get("csv") == "people":
        rows = list(listed)
        record_records_viewed(viewer, request, view=f"{view}.csv", people=[p.pk for p in rows])
        return people_csv("people.csv", rows)  # type: ignore[arg-type]
    page = Paginator(listed, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    record_records_viewed(viewer, request, view=view, people=[p.pk for p in page])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "dashboard/people.html", {
        "viewer": viewer, "form": form, "page": page, "title": title, "state": state,
        "query": query.urlencode(), **context,
    })


@login_required
def school_people(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = require_viewer(request)
    org = access_school_by_viewer(pk, viewer)
    grade = request.GET.get("grade", "")
    title = (
        _("%(school)s, grade %(grade)s") % {"school": org.name, "grade": grade}
        if grade else org.name
    )
    return _people_page(
        request, viewer, people=stats.population([org.pk]), view="school-people", title=title,
        context={"school": org, "grade": grade},
    )


@login_required
def class_people(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = require_viewer(request)
    klass = access_class_by_viewer(pk, viewer)
    # Only the students the viewer may see: a class can hold students whose own
    # school is another (a school administrator sees their school's people only).
    people = people_in_scope(viewer).filter(role=Person.Role.STUDENT).filter(
        enrolled_in(Class.objects.filter(pk=klass.pk))
    )
    school_org: Org = klass.school
    return _people_page(
        request, viewer, people=people, view="class-people",
        title=_("%(class)s (%(school)s)") % {"class": klass.title, "school": school_org.name},
        context={"school": school_org, "klass": klass},
    )

