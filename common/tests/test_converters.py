"""Value converters found once per connection: the ORM's own, per thread's connection."""

from __future__ import annotations

import threading
from typing import Any

from django.db import connection, connections, models

from common.converters import value_converters

EXPIRES = models.Expression(output_field=models.DateTimeField())
FLAG = models.Expression(output_field=models.BooleanField())


def djangos(conn: Any, expression: Any) -> list[Any]:
    found: list[Any] = conn.ops.get_db_converters(expression) + expression.get_db_converters(conn)
    return found


def test_they_are_the_converters_django_finds() -> None:
    for expression in (EXPIRES, FLAG):
        assert value_converters(connection, expression) == djangos(connection, expression)


def test_they_are_found_once_per_connection_and_expression() -> None:
    first = value_converters(connection, EXPIRES)
    assert value_converters(connection, EXPIRES) is first
    assert value_converters(connection, FLAG) is not first


def test_another_threads_connection_gets_its_own() -> None:
    here = value_converters(connection, EXPIRES)
    there: dict[str, Any] = {}

    def in_a_thread() -> None:
        own = connections["default"]
        there["connection"] = own
        there["converters"] = value_converters(own, EXPIRES)

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert there["connection"] is not connection
    assert there["converters"] is not here
    assert there["converters"] == djangos(there["connection"], EXPIRES)
    # Bound to that connection's operations, not to this thread's.
    bound = [getattr(c, "__self__", None) for c in there["converters"]]
    assert connection.ops not in bound
