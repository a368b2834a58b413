"""Session engines that write a new session once per request, with one statement.

Django's database engines write a new session twice at sign-in: cycle_key()
inserts the new row at once (after a SELECT looking for a key clash, and inside a
savepoint so that a clash can be retried), then SessionMiddleware updates the same
row again at response time because the session was modified. The engines here
insert the row once, at the first save, with one INSERT ... ON CONFLICT DO NOTHING
(a clash shows as no row inserted, so no SELECT and no savepoint are needed), and
skip a later save in the same request when nothing has changed since. Everything
else (key cycling, reset ending sessions, the signing salt) is Django's.

Every save stamps the session with its time (RENEWED_AT_KEY), so that
accounts.middleware.SessionRenewalMiddleware can renew an idle timeout at most
once every SESSION_RENEW_AFTER_SECONDS instead of writing on every page view.
"""

from __future__ import annotations

import base64
import secrets
import time
from typing import Any

from django.contrib.sessions.backends.base import CreateError
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.db import connections, router

# When the session was last written (Unix time); a key of the engine's own.
RENEWED_AT_KEY = "_hallpass_renewed_at"


class SingleWriteMixin(DBStore):
    """Defers the new key's row to the next save and skips unchanged saves."""

    _persisted: tuple[str, bytes] | None = None

    def _get_new_session_key(self) -> str:
        # No SELECT for a clash first: the INSERT reports a clash itself
        # (CreateError) and create() draws another key; with 160 random bits that
        # retry is theoretical. One urandom read, base32 in lower case: 32 characters
        # of [a-z2-7], within Django's key alphabet. get_random_string() reads
        # urandom once per character (32 system calls on every sign-in).
        return base64.b32encode(secrets.token_bytes(20)).decode("ascii").lower()

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
        if self.session_key is None:
            # create() saves the new key's row (and cached_db's cache entry) through
            # save(must_create=True); going on would write the cache a second time.
            self.create()
            return
        # The data this save writes (Django's save reads them the same way).
        data: dict[str, Any] = self._get_session(no_load=must_create)  # type: ignore[attr-defined]
        data[RENEWED_AT_KEY] = time.time()
        super().save(must_create)
        self._persisted = self._snapshot()

    def renewed_at(self) -> float | None:
        """When this session was last written (Unix time), if one of these engines
        wrote it."""
        stamp = self.get(RENEWED_AT_KEY)
        return float(stamp) if isinstance(stamp, int | float) else None

    def delete(self, session_key: str | None = None) -> None:
        self._persisted = None
        super().delete(session_key)


class ConflictFreeInsertMixin(DBStore):
    """Creates the row with one INSERT ... ON CONFLICT DO NOTHING (SQLite, PostgreSQL)."""

    def save(self, must_create: bool = False) -> None:
        using = router.db_for_write(self.model)
        connection = connections[using]
        if not must_create or connection.vendor not in ("sqlite", "postgresql"):
            super().save(must_create)
            return
        if self.session_key is None:
            self.create()
            return
        data: dict[str, Any] | None = getattr(self, "_session_cache", None)
        if data is None:
            # Django's save(must_create=True) does not load a new key's data either.
            data = {}
            self._session_cache = data
        obj = self.create_model_instance(data)
        fields = self.model._meta.local_concrete_fields
        quote = connection.ops.quote_name
        # Only quoted identifiers from the model are interpolated; values are parameters.
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(f.column) for f in fields)
        values = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT DO NOTHING"  # noqa: S608
        params = [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            inserted = cursor.rowcount
        if inserted != 1:
            raise CreateError
