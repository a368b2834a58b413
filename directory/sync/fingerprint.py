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

from collections.abc import Iterable
from hashlib import blake2b

# Raise when the way rows are read changes what a record holds: stored fingerprints
# then no longer vouch for their records.
RULES_VERSION = "1"
# Stored where no fingerprint vouches for the record (written before fingerprints, or
# from a row that needed a warning): such a row is always checked in full.
NO_FINGERPRINT = 0
# A unit separator cannot occur in a cell the csv module hands back unquoted, and
# quoted ones are rare enough that a collision there only costs a full check.
_SEPARATOR = "\x1f"


class Fingerprinter:
    """Hashes rows' cells with a key made of the reading rules in force."""

    __slots__ = ("_empty",)

    def __init__(self, *rules: object) -> None:
        seed = repr((RULES_VERSION, *rules)).encode()
        # BLAKE2's personalization takes the rules at no cost per row (a key would
        # cost one more block of hashing for every row).
        rules_digest = blake2b(seed, digest_size=16).digest()
        # Each row's hash starts as a copy of this one: cheaper than setting up the
        # parameters again for every row, and the same hash.
        self._empty = blake2b(digest_size=8, person=rules_digest)

    def __call__(self, cells: Iterable[str]) -> int:
        """A signed 64-bit number (it fits a BigIntegerField), never NO_FINGERPRINT."""
        digest = self._empty.copy()
        digest.update(_SEPARATOR.join(cells).encode())
        return int.from_bytes(digest.digest(), "big", signed=True) or 1
