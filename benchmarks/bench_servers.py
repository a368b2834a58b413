"""Throwaway PostgreSQL databases and Redis keys for the benchmarks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote


def postgres_urls(explicit: str | None, database: str) -> tuple[str, str] | None:
    """(maintenance conninfo, DATABASE_URL of `database`) on the server DATABASE_URL
    names when it is a PostgreSQL URL, else on 127.0.0.1:5432; None if none answers."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    if explicit and explicit.startswith(("postgres://", "postgresql://")):
        base = explicit
    else:
        base = "postgresql://postgres@127.0.0.1:5432/postgres"
    maintenance = make_conninfo(base, dbname="postgres", connect_timeout=3)
    try:
        psycopg.connect(maintenance).close()
    except psycopg.Error:
        return None
    params = conninfo_to_dict(base)
    user, password = str(params.get("user") or ""), str(params.get("password") or "")
    auth = quote(user) + (":" + quote(password) if password else "") + "@" if user else ""
    host, port = params.get("host") or "127.0.0.1", params.get("port") or 5432
    return maintenance, f"postgresql://{auth}{host}:{port}/{database}"


def recreate_database(maintenance: str, database: str, *, create: bool = True) -> None:
    """Drop `database` (closing its connections) and, unless create is False, make it
    anew and empty."""
    import psycopg

    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{database}"')


@contextmanager
def throwaway_postgres(database: str) -> Iterator[str | None]:
    """The DATABASE_URL of `database`, made anew and empty and dropped afterwards, on
    the server postgres_urls finds; None when no server answers."""
    urls = postgres_urls(os.environ.get("DATABASE_URL"), database)
    if urls is None:
        yield None
        return
    maintenance, url = urls
    recreate_database(maintenance, database)
    try:
        yield url
    finally:
        recreate_database(maintenance, database, create=False)


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=3).ping())
    except redis.RedisError:
        return False


def drop_redis_keys(url: str, prefix: str) -> None:
    """Delete the keys a cache with KEY_PREFIX `prefix` wrote (Django's keys are
    prefix:version:key), leaving the rest of the Redis database alone."""
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
