"""Database sessions written once per request (see accounts.session_backends)."""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.utils.crypto import get_random_string


class SessionStore(DBStore):
    """Named SessionStore like Django's: the class name is part of the signing salt
    (SessionBase.key_salt), so rows stay readable by Session.get_decoded() and by
    Django's own engines (and existing sessions survive the switch)."""

    _persisted: tuple[str, bytes] | None = None

    def _get_new_session_key(self) -> str:
        # No SELECT for a clash first: the session key is the table's primary key,
        # so a clash fails the INSERT (CreateError) and create() draws another key.
        # With 32 characters of [a-z0-9] (165 bits) that retry is theoretical.
        return get_random_string(32, VALID_KEY_CHARS)

    def cycle_key(self) -> None:
        """A new key for the same data (session fixation), written by the next save
        instead of at once: the old row is deleted now, the new one inserted later."""
        data = dict(self.items())
        old_key = self.session_key
        self._session_key = None
        self._session_cache = data
        self.modified = True
        if old_key:
            self.delete(old_key)

    def _snapshot(self) -> tuple[str, bytes] | None:
        data = getattr(self, "_session_cache", None)
        if self.session_key is None or data is None:
            return None
        return self.session_key, self.serializer().dumps(data)

    def save(self, must_create: bool = False) -> None:
        if not must_create and self._persisted and self._snapshot() == self._persisted:
            # Saved earlier in this request with these very data: the row (and its
            # expiry, which a save renews) already holds what this save would write.
            return
        super().save(must_create)
        self._persisted = self._snapshot()

    def delete(self, session_key: str | None = None) -> None:
        self._persisted = None
        super().delete(session_key)
