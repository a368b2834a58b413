"""A row's fingerprint: a short hash of the cells a sync reads from a source row.

The sync stores it on the record it wrote from that row. The next run hashes the same
cells again; when the hash is the one stored, the row says what it said when the record
was written, so the row's checks (names, addresses, numbers, usernames) need not run
again: comparing one number per row is what keeps a no-change run near the time it
takes to read the files.

The hash is keyed by everything besides the cells that decides what a row becomes
(the settings that turn a number into a username, and ``RULES_VERSION``): change one
and every stored fingerprint stops matching, so the next run checks every row again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from hashlib import blake2b
from typing import Any

from django.db import models

from directory.sync.plan import EntityPlan, Existing
from directory.sync.writes import update_rows

# Raise when the way rows are read changes what a record holds: stored fingerprints
# then no longer vouch for their records.
RULES_VERSION = "1"
# Stored where no fingerprint vouches for the record (written before fingerprints, or
# from a row that needed a warning): such a row is always checked in full.
NO_FINGERPRINT = 0
# A unit separator cannot occur in a cell the csv module hands back unquoted, and
# quoted ones are rare enough that a collision there only costs a full check.
_SEPARATOR = "\x1f"


def fingerprinter(*rules: object) -> Callable[[Iterable[str]], int]:
    """Hashes a row's cells, keyed by the reading ``rules`` in force, into a signed
    64-bit number (it fits a BigIntegerField), never NO_FINGERPRINT."""
    seed = repr((RULES_VERSION, *rules)).encode()
    # BLAKE2's personalization takes the rules at no cost per row (a key would cost
    # one more block of hashing for every row). Each row's hash starts as a copy of
    # this one: cheaper than setting up the parameters again for every row, and the
    # same hash.
    empty = blake2b(digest_size=8, person=blake2b(seed, digest_size=16).digest())
    start, join, to_int = empty.copy, _SEPARATOR.join, int.from_bytes

    def fingerprint(cells: Iterable[str]) -> int:
        digest = start()
        digest.update(join(cells).encode())
        return to_int(digest.digest(), "big", signed=True) or 1

    return fingerprint


@dataclass
class StoredFingerprints:
    """The fingerprints of a table's active records, one number each."""

    matchable: set[int]
    # Never matched by a row: NO_FINGERPRINT, and any value two records share (a row
    # matching it would stand for both, and one of them may be gone).
    unmatchable: set[int]
    active: int

    @classmethod
    def of(cls, fingerprints: Sequence[int]) -> StoredFingerprints:
        matchable = set(fingerprints)
        unmatchable = {NO_FINGERPRINT} & matchable
        if len(matchable) < len(fingerprints):
            # A value two records share vouches for neither.
            unmatchable.update(f for f, n in Counter(fingerprints).items() if n > 1)
        return cls(matchable - unmatchable, unmatchable, len(fingerprints))

    def unmatched(self) -> set[int]:
        """Once a bulk file is read (its matches removed from ``matchable``): the
        fingerprints of the active records no row vouched for."""
        return self.matchable | self.unmatchable


def refresh_fingerprints(
    model: type[models.Model],
    plan: EntityPlan[Any],
    existing: Mapping[str, Existing[Any]],
    read: Mapping[str, int],
    stored: Mapping[str, int],
    rows: Iterable[str],
) -> None:
    """Store the fingerprint of unchanged ``rows`` whose source row hashes differently
    from the one stored (written before fingerprints, a cell now spaced differently,
    changed reading rules), so that the next run can skip them; and clear it where the
    row now needs a warning. No write when nothing changed."""
    written = plan.create.keys() | plan.update.keys()
    stale = [
        (existing[sid].pk, read.get(sid, NO_FINGERPRINT))
        for sid in rows
        if sid not in written and stored.get(sid, NO_FINGERPRINT) != read.get(sid, NO_FINGERPRINT)
    ]
    update_rows(
        model,
        [(pk, {"source_fingerprint": fingerprint}) for pk, fingerprint in stale],
        ["source_fingerprint"],
    )
