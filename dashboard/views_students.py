"""A teacher's "My students": one page for the claim campaign and the support
center's reset requests. Each student's claim status and last sign-in, the
reset-request button (support's form), and printable claim letters for the students
who have not claimed, each in the language the teacher picks for that family.

The support center's old address (/support/students/) redirects here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation

from common.context_processors import district_settings
from dashboard import stats
from dashboard.scope import Viewer, require_viewer
from dashboard.services import record_records_viewed
from dashboard.stats import ClaimState
from dashboard.views import state_annotation
from directory.models import Person
from support.roster import students_of

LETTER_STATES = (ClaimState.UNCLAIMED.value, ClaimState.WAITING.value)
LETTER_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def _teacher_viewer(request: HttpRequest) -> tuple[Viewer, Person]:
    viewer = require_viewer(request)
    if not viewer.is_teacher or viewer.account.person is None:
        raise Http404
    return viewer, viewer.account.person


def roster(teacher: Person) -> QuerySet[Person]:
    """The teacher's students with their claim state and account dates."""
    return (
        students_of(teacher)
        .annotate(
            claim_state=state_annotation(),
            claimed_at=F("account__claimed_at"),
            last_sign_in=F("account__last_login"),
            language=F("account__language"),
        )
        .order_by("family_name", "given_name", "pk")
    )


@login_required
def my_students(request: HttpRequest) -> HttpResponse:
    viewer, teacher = _teacher_viewer(request)
    students = list(roster(teacher))
    record_records_viewed(viewer, request, view="my-students", people=[s.pk for s in students])
    default_language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return render(request, "dashboard/students.html", {
        "viewer": viewer,
        "students": students,
        "letter_states": LETTER_STATES,
        "languages": settings.LANGUAGES,
        "default_language": default_language,
        "has_letters": any(s.claim_state in LETTER_STATES for s in students),  # type: ignore[attr-defined]
    })


@dataclass(frozen=True)
class ClaimLetter:
    """One printed page: a student who has not claimed, in the family's language."""

    student: Person
    language: str
    waiting: bool
    district: dict[str, Any]


@login_required
def claim_letters(request: HttpRequest) -> HttpResponse:
    """The chosen students' letters, one page each. Only the teacher's students who
    have not claimed get one; asking for anyone else gives no letter."""
    viewer, teacher = _teacher_viewer(request)
    wanted = {int(pk) for pk in request.GET.getlist("student") if pk.isdigit()}
    students = [
        student for student in roster(teacher).filter(pk__in=wanted)
        if student.claim_state in LETTER_STATES  # type: ignore[attr-defined]
    ]
    if not students:
        raise Http404
    letters = []
    for student in students:
        language = request.GET.get(f"language-{student.pk}", "")
        if language not in LETTER_LANGUAGES:
            language = settings.LANGUAGE_CODE[:2]
        with translation.override(language):
            names = district_settings(language)
        letters.append(ClaimLetter(
            student=student,
            language=language,
            waiting=student.claim_state == ClaimState.WAITING.value,  # type: ignore[attr-defined]
            district=names,
        ))
    record_records_viewed(viewer, request, view="claim-letters", people=[s.pk for s in students])
    portal = str(settings.DISTRICT.get("portal_url") or request.build_absolute_uri("/")).rstrip("/")
    return render(request, "dashboard/claim_letters.html", {
        "viewer": viewer,
        "letters": letters,
        "portal_url": portal,
        "claim_url": portal + reverse("accounts:claim"),
        "deadline": stats.deadline(timezone.localdate()),
    })

