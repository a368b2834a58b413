"""Timing a page through Django's test client: the whole request (middleware,
session, the view's queries, the template), after one warm-up; and running a page
benchmark again as a child process, once per database."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def child_env(**extra: str) -> dict[str, str]:
    """The environment a measuring child runs in: the demo's settings without
    debugging, Redis or chatty logs, plus `extra` (the database's address)."""
    return {**os.environ, "DEBUG": "false", "HALLPASS_ENV": "demo", "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "hallpass.settings", "REDIS_URL": "", **extra}


def measure_in_child(script: str, arguments: list[str], env: dict[str, str]) -> Any:
    """Run `script --child ARGUMENTS` in `env` and read the JSON its last line prints."""
    output = subprocess.run(
        [sys.executable, script, "--child", *arguments],
        env=env, check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def time_page(
    client: Any,
    url: str,
    params: dict[str, str],
    views: int,
    before_each: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Median, p95 and worst milliseconds of `views` requests, and the queries of one;
    `before_each` runs before every request, untimed (to empty a cache)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # warm the caches once
    timings = []
    for _ in range(views):
        if before_each is not None:
            before_each()
        begin = time.perf_counter()
        response = client.get(url, params)
        timings.append((time.perf_counter() - begin) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} {params}: answered {response.status_code}")
    if before_each is not None:
        before_each()
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        "max_ms": round(timings[-1], 1),
        "queries": len(queries),
    }
