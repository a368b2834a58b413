"""Timing a page through Django's test client: the whole request (middleware,
session, the view's queries, the template), after one warm-up."""

from __future__ import annotations

import statistics
import time
from typing import Any


def time_page(client: Any, url: str, params: dict[str, str], views: int) -> dict[str, Any]:
    """Median, p95 and worst milliseconds of `views` requests, and the queries of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # warm the caches once
    timings = []
    for _ in range(views):
        begin = time.perf_counter()
        response = client.get(url, params)
        timings.append((time.perf_counter() - begin) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} {params}: answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        "max_ms": round(timings[-1], 1),
        "queries": len(queries),
    }
