"""Database sessions written once per request (see accounts.session_backends)."""

from accounts.session_backends import ConflictFreeInsertMixin, SingleWriteMixin


class SessionStore(SingleWriteMixin, ConflictFreeInsertMixin):
    """Named SessionStore like Django's: the class name is part of the signing salt
    (SessionBase.key_salt), so rows stay readable by Session.get_decoded() and by
    Django's own engines (and existing sessions survive the switch)."""


__all__ = ["SessionStore"]
