"""Comparing what a source says with what the database holds, and applying the difference.

Everything is compared in memory, keyed by sourcedId, with foreign keys expressed as
sourcedIds too: a re-run of the same files therefore produces an empty plan and writes
no row. Applying uses bulk statements only (no per-row queries).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from django.db import models

from directory.models import Status
from directory.sync.report import Counts, IgnoredReason
from directory.sync.tables import select_sql, stream
from directory.sync.writes import (
    in_batches,
    insert_rows,
    insert_values,
    update_rows,
)

# One entity's compared values: a NamedTuple per entity (foreign keys as sourcedIds).
R = TypeVar("R")


@dataclass(slots=True)
class Existing(Generic[R]):
    """A row the directory holds: its key, whether it is active and its values."""

    pk: int
    active: bool
    values: R


@dataclass(frozen=True)
class NewRows(Generic[R]):
    """A plan's new rows as value tuples in the order of ``columns`` (attribute names,
    ``*_id`` for foreign keys; the fields not named take their default): for the
    biggest tables, where a mapping per row is a good part of the cost of writing."""

    columns: Sequence[str]
    values: Callable[[str, R], Sequence[Any]]


@dataclass
class EntityPlan(Generic[R]):
    create: dict[str, R] = field(default_factory=dict)
    update: dict[str, R] = field(default_factory=dict)  # includes reactivations
    reactivate: set[str] = field(default_factory=set)
    deactivate: set[str] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not (self.create or self.update or self.deactivate)


def plan_entity(
    counts: Counts,
    existing: Mapping[str, Existing[R]],
    desired: Mapping[str, R],
    removed: Iterable[str],
    *,
    bulk: bool,
    held: Collection[str] = (),
) -> EntityPlan[R]:
    """Sort rows into create / update / reactivate / deactivate / unchanged.

    ``removed`` are rows the source says are gone (delta ``tobedeleted``, a disabled
    user, a terminated employee). In ``bulk`` mode every active existing row missing
    from ``desired`` is deactivated too, except the ``held`` ones: a row held back for
    an error is not a missing row. ``existing`` must hold only rows the source owns.
    """
    plan: EntityPlan[R] = EntityPlan()
    for sid, values in desired.items():
        current = existing.get(sid)
        if current is None:
            plan.create[sid] = values
            counts.created += 1
        elif not current.active:
            plan.update[sid] = values
            plan.reactivate.add(sid)
            counts.reactivated += 1
        elif current.values != values:
            plan.update[sid] = values
            counts.updated += 1
        else:
            counts.unchanged += 1
    removed_set = set(removed)
    for sid in removed_set:
        current = existing.get(sid)
        if current is None:
            counts.ignore(IgnoredReason.REMOVED_BEFORE_IMPORT)
        elif current.active:
            plan.deactivate.add(sid)
            counts.deactivated += 1
        else:
            counts.unchanged += 1
    if bulk:
        for sid, current in existing.items():
            kept = sid in desired or sid in removed_set or sid in held
            if current.active and not kept:
                plan.deactivate.add(sid)
                counts.deactivated += 1
    return plan


class HasUsername(Protocol):
    @property
    def username(self) -> str: ...


P = TypeVar("P", bound=HasUsername)


def username_changes(
    plan: EntityPlan[P], existing: Mapping[str, Existing[P]]
) -> list[tuple[int, str, str]]:
    """(person pk, old username, new username) for updated rows whose username
    changes; created rows have no account yet."""
    return [
        (existing[sid].pk, existing[sid].values.username, values.username)
        for sid, values in plan.update.items()
        if existing[sid].values.username != values.username
    ]


def apply_entity(
    model: type[models.Model],
    plan: EntityPlan[R],
    existing: Mapping[str, Existing[R]],
    to_fields: Callable[[R], dict[str, Any]],
    update_fields: Sequence[str],
    *,
    now: datetime,
    create_extra: Callable[[str], dict[str, Any]] | None = None,
    written_extra: Callable[[str], dict[str, Any]] | None = None,
    tracks_leaving: bool = False,
    pk_map: dict[str, int] | None = None,
    new_rows: NewRows[R] | None = None,
) -> dict[str, int]:
    """Write a plan; returns the new rows' primary keys by sourcedId.

    ``to_fields`` turns compared values into model attributes (foreign keys as ``*_id``).
    ``create_extra`` gives new rows more attributes, ``written_extra`` new and updated
    rows alike (name its fields in ``update_fields``), both by sourcedId.
    ``tracks_leaving`` models (Person) also get ``left_at`` set and cleared.
    ``pk_map`` (sourcedId -> pk) gets the new rows before updates are built, so updated
    rows may point at rows created in the same call.
    """
    manager = model._default_manager
    created: dict[str, int] = {}
    if plan.create and new_rows is not None:
        insert_values(
            model,
            new_rows.columns,
            map(new_rows.values, plan.create.keys(), plan.create.values()),
            len(plan.create),
        )
    elif plan.create:

        def rows() -> Iterator[dict[str, Any]]:
            for sid, values in plan.create.items():
                attrs = to_fields(values)
                if create_extra is not None:
                    attrs.update(create_extra(sid))
                if written_extra is not None:
                    attrs.update(written_extra(sid))
                attrs["sourced_id"] = sid
                attrs["status"] = Status.ACTIVE
                yield attrs

        insert_rows(model, rows(), len(plan.create))
    if plan.create and pk_map is not None:
        wanted = plan.create.keys()
        created = {
            sid: pk for sid, pk in stream(select_sql(model, ("sourced_id", "id"))) if sid in wanted
        }
        pk_map.update(created)
    if plan.update:
        changes = []
        for sid, values in plan.update.items():
            attrs = to_fields(values)
            if written_extra is not None:
                attrs.update(written_extra(sid))
            attrs["status"] = Status.ACTIVE
            if tracks_leaving:
                attrs["left_at"] = None
            changes.append((existing[sid].pk, attrs))
        fields = [*update_fields, "status", *(["left_at"] if tracks_leaving else [])]
        update_rows(model, changes, fields)
    if plan.deactivate:
        pks = sorted(existing[sid].pk for sid in plan.deactivate)
        change: dict[str, Any] = {"status": Status.INACTIVE}
        if tracks_leaving:
            change["left_at"] = now
        for batch in in_batches(pks):
            manager.filter(pk__in=batch).update(**change)
    return created


def sync_m2m(
    through: type[models.Model],
    left: str,
    right: str,
    desired: Mapping[int, frozenset[int]],
    existing: Mapping[int, set[int]],
    through_pks: Mapping[tuple[int, int], int],
) -> None:
    """Make the through table hold ``desired`` for the given left-hand rows only."""
    add: list[tuple[int, int]] = []
    remove: list[int] = []
    for left_pk, wanted in desired.items():
        have = existing.get(left_pk, set())
        add.extend((left_pk, right_pk) for right_pk in wanted - have)
        remove.extend(through_pks[(left_pk, right_pk)] for right_pk in have - wanted)
    if add:
        insert_values(through, (f"{left}_id", f"{right}_id"), add, len(add))
    for batch in in_batches(sorted(remove)):
        through._default_manager.filter(pk__in=batch).delete()
