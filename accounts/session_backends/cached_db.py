"""Cached database sessions written once per request (see accounts.session_backends)."""

from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from accounts.session_backends import ConflictFreeInsertMixin, SingleWriteMixin


class SessionStore(SingleWriteMixin, CachedDBStore, ConflictFreeInsertMixin):
    """Writes go to the database, then to the cache (Django's cached_db order).
    Named SessionStore like Django's, for the signing salt (see db.SessionStore)."""


__all__ = ["KEY_PREFIX", "SessionStore"]
