"""The value converters of ORM expressions, found once per database connection.

For hot reads that run precompiled SQL (the sign-in lookup, the cache's reads) and
convert the values as the ORM would. Finding an expression's converters builds lists
and resolves its field's internal type each time, which costs about as much as
running such a read on SQLite; the answer never changes for a connection.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

# Kept on the connection object itself: the converters are methods of its operations,
# so they live and die with it (a thread's connection, under a threaded server), and
# one thread's are never used with another's.
_ATTRIBUTE = "_hallpass_value_converters"


def value_converters(connection: BaseDatabaseWrapper, expression: Any) -> list[Any]:
    """The functions the ORM applies to `expression`'s values read through
    `connection`, in its order (the backend's, then the field's, as
    SQLCompiler.get_converters finds them). Meant for expressions that live as long
    as the process (compiled once), since each is remembered by identity."""
    found: dict[int, tuple[Any, list[Any]]] | None = connection.__dict__.get(_ATTRIBUTE)
    if found is None:
        found = {}
        connection.__dict__[_ATTRIBUTE] = found
    entry = found.get(id(expression))
    if entry is None or entry[0] is not expression:
        converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        # The expression is kept with its converters, so its id cannot be reused
        # by another object while the entry exists.
        entry = (expression, converters)
        found[id(expression)] = entry
    return entry[1]
