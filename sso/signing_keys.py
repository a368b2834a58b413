"""The RSA keys that sign ID tokens, kept as PEM files in one folder.

Each file is named for the moment it was made (signing-key-20260901T080000Z.pem).
The newest key signs; an older key stays published in the JWKS, so that relying
parties can still verify the ID tokens it signed, until its successor has been
signing for longer than an ID token lives plus a grace period (for processes
restarted late after a rotation, and for relying parties' clocks). After that no
token it signed can still be valid, and the key is neither published nor kept.

This module reads only files and the clock: hallpass/settings.py calls it at
start-up, before Django is set up. Keys are made by jwcrypto (the library Django
OAuth Toolkit signs with), never by hand.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

PREFIX = "signing-key-"
SUFFIX = ".pem"
STAMP = "%Y%m%dT%H%M%SZ"
DEMO_KEY_PATH = Path(__file__).resolve().parent / "demo_signing_key.pem"


@dataclass(frozen=True)
class StoredKey:
    path: Path
    created_at: datetime

    def read(self) -> str:
        return self.path.read_text()


@dataclass(frozen=True)
class SigningKeys:
    """The key that signs now, and the retired keys still published (newest first)."""

    active: str
    retired: tuple[str, ...] = ()


@dataclass(frozen=True)
class KeyPlan:
    """What a folder holds at a given moment: the signing key, the retired keys
    still published, and those whose tokens have all expired."""

    active: StoredKey | None
    published: tuple[StoredKey, ...]
    expired: tuple[StoredKey, ...]


def stored_keys(folder: Path) -> list[StoredKey]:
    """The folder's keys, newest first; files not named like keys are ignored."""
    keys = []
    for path in folder.glob(f"{PREFIX}*{SUFFIX}"):
        stamp = path.name[len(PREFIX) : -len(SUFFIX)]
        try:
            created_at = datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
        keys.append(StoredKey(path, created_at))
    return sorted(keys, key=lambda key: key.created_at, reverse=True)


def plan(folder: Path, *, now: datetime, keep_retired: timedelta) -> KeyPlan:
    """Which keys sign, stay published and have expired at `now`. A retired key is
    kept for `keep_retired` after its successor was made (the ID token lifetime
    plus the grace period)."""
    keys = [key for key in stored_keys(folder) if key.created_at <= now]
    if not keys:
        return KeyPlan(None, (), ())
    published: list[StoredKey] = []
    expired: list[StoredKey] = []
    for successor, key in itertools.pairwise(keys):
        (published if now - successor.created_at < keep_retired else expired).append(key)
    return KeyPlan(keys[0], tuple(published), tuple(expired))


def load(folder: Path | None, *, now: datetime, keep_retired: timedelta) -> SigningKeys:
    """The keys to sign and publish with; the demo key when no folder is set or
    the folder holds no key yet."""
    if folder is None:
        return SigningKeys(DEMO_KEY_PATH.read_text())
    current = plan(folder, now=now, keep_retired=keep_retired)
    if current.active is None:
        return SigningKeys(DEMO_KEY_PATH.read_text())
    return SigningKeys(current.active.read(), tuple(key.read() for key in current.published))


def is_demo_key(pem: str) -> bool:
    return pem.strip() == DEMO_KEY_PATH.read_text().strip()


def write_new_key(folder: Path, *, now: datetime) -> StoredKey:
    """Make a 2048-bit RSA key and store it readable by its owner only."""
    from jwcrypto import jwk

    folder.mkdir(parents=True, exist_ok=True)
    created_at = now.astimezone(UTC).replace(microsecond=0)
    newest = stored_keys(folder)
    if newest and newest[0].created_at >= created_at:
        # Two rotations within a second: keep names, and so the order, distinct.
        created_at = newest[0].created_at + timedelta(seconds=1)
    path = folder / f"{PREFIX}{created_at.strftime(STAMP)}{SUFFIX}"
    key = jwk.JWK.generate(kty="RSA", size=2048)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key.export_to_pem(private_key=True, password=None))
    return StoredKey(path, created_at)
