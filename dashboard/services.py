"""The dashboard's one write of its own: every look at people's records is audited.

Who looked (the actor), at whom (the person, or the people of a list), when and from
where (the audit row's time, address and browser), on which page."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from audit.models import EventType, Outcome
from audit.services import record
from dashboard.scope import Viewer


def record_records_viewed(
    viewer: Viewer,
    request: HttpRequest,
    *,
    view: str,
    people: Iterable[int] = (),
    person_id: int | None = None,
) -> None:
    """Audit that `viewer` saw `person_id`'s record, or the records of `people` (a list
    or an export), on the page named `view`."""
    details: dict[str, object] = {"view": view}
    shown = sorted(set(people))
    if shown:
        details["people"] = shown
    record(
        EventType.RECORDS_VIEWED,
        Outcome.SUCCESS,
        request=request,
        actor=viewer.account,
        person_id=person_id,
        details=details,
    )
