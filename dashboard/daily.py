"""Claims completed and successful sign-ins per day, from the audit log.

The audit log is only ever appended to, each row stamped with the time it is
written, so a day that has ended keeps its counts: they are counted once a day per
scope (the district, or a school administrator's schools) and kept in the cache;
only today is counted on every view. A school's counts follow its people as the
directory has them now, and a sync may move a student to another school: every
applied sync run starts a new generation of the kept counts (forget_kept_counts)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import time_ns

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Value
from django.utils import timezone

from audit.models import AuditEvent, EventType
from directory.sync.hooks import SyncChanges

# How many days the claims and sign-ins charts show, today included.
DAYS_SHOWN = 30
# A day's counts are kept only once it has been over this long: a row stamped just
# before midnight may commit a moment after.
SETTLED_AFTER = timedelta(minutes=5)
# Long enough to serve the whole day; a new day asks under a new key.
KEPT_SECONDS = 26 * 3600
# Which generation of kept counts is current (a number, 0 before any sync).
GENERATION_KEY = "dashboard-daily:generation"
COUNTED = (EventType.CLAIM_COMPLETED, EventType.LOGIN_SUCCEEDED)

# (event type, day) -> how many.
Counts = dict[tuple[str, date], int]


@dataclass(frozen=True)
class DailyCount:
    day: date
    count: int


@dataclass(frozen=True)
class DailyActivity:
    """Claims completed and successful sign-ins, each day shown."""

    claims: list[DailyCount]
    sign_ins: list[DailyCount]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _count(school_ids: Collection[int] | None, days: Sequence[date]) -> Counts:
    """One range count per day for both event types, sent as one UNION ALL: each
    count reads only the (event type, time) index, where grouping by a computed day
    would convert every row's time (a Python function per row on SQLite). Asking for
    both types in each count halves the queries to build."""
    events = AuditEvent.objects.filter(event_type__in=COUNTED)
    if school_ids is not None:
        events = events.filter(person__primary_org_id__in=school_ids)
    per_type = events.order_by().values("event_type")
    counts = [
        per_type.filter(
            occurred_at__gte=_start_of(day), occurred_at__lt=_start_of(day + timedelta(days=1))
        )
        # COUNT(*): the index alone answers it (PostgreSQL's index-only scan).
        .annotate(day=Value(index), n=Count("*"))
        for index, day in enumerate(days)
    ]
    return {
        (row["event_type"], days[row["day"]]): row["n"]
        for row in counts[0].union(*counts[1:], all=True)
    }


def _ended_days(school_ids: Collection[int] | None, days: Sequence[date], now: datetime) -> Counts:
    """The counts of days that have ended, from the cache when counted before."""
    scope = "all" if school_ids is None else ",".join(str(pk) for pk in sorted(school_ids))
    generation = cache.get(GENERATION_KEY, 0)
    key = (
        f"dashboard-daily:{generation}:{timezone.get_current_timezone_name()}:{scope}:"
        f"{days[0]}:{days[-1]}"
    )
    kept: Counts | None = cache.get(key)
    if kept is not None:
        return kept
    counted = _count(school_ids, days)
    if now - _start_of(days[-1] + timedelta(days=1)) >= SETTLED_AFTER:
        cache.set(key, counted, KEPT_SECONDS)
    return counted


def daily_activity(school_ids: Collection[int] | None, now: datetime) -> DailyActivity:
    """Claims completed (an account reset and claimed again counts again) and
    successful sign-ins per day of the district's time zone, the last DAYS_SHOWN
    days to today."""
    today = timezone.localdate(now)
    days = [today - timedelta(days=back) for back in range(DAYS_SHOWN - 1, -1, -1)]
    found = {**_ended_days(school_ids, days[:-1], now), **_count(school_ids, [today])}

    def series(event_type: EventType) -> list[DailyCount]:
        return [DailyCount(day, found.get((event_type.value, day), 0)) for day in days]

    return DailyActivity(series(EventType.CLAIM_COMPLETED), series(EventType.LOGIN_SUCCEEDED))


def forget_kept_counts(changes: SyncChanges) -> None:
    """A directory sync hook: once the run commits, the counts kept so far are not
    used again (a student may have moved school), and expire on their own."""
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, time_ns(), None))
