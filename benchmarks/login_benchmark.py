"""Logins per second through the real login view vs the raw Argon2id verify rate.

    .venv/bin/python benchmarks/login_benchmark.py [--logins 300] [--backends sqlite,postgresql]

Each backend runs in its own process on this machine (Django settings are per process),
with DEBUG off as in production:
- sqlite: a throwaway SQLite file, DatabaseCache, database sessions (the defaults);
- postgresql: a throwaway PostgreSQL database plus Redis (cache and cached_db sessions),
  skipped when either is unreachable (DATABASE_URL / REDIS_URL name the servers;
  default postgres://postgres@127.0.0.1:5432 and redis://127.0.0.1:6379/14).
In each:
(a) raw verify: argon2-cffi's PasswordHasher at the configured parameters
    (settings ARGON2_TIME_COST / ARGON2_MEMORY_COST_KIB / ARGON2_PARALLELISM),
    single thread. One raw verification is timed right before each login, so
    both sides see the same load on a shared machine (interleaved pairs).
(b) logins: migrated database, cache table, ~50 claimed accounts; then N logins
    round-robin, each by a new visitor calling hallpass.wsgi.application (the
    production entry point) as a WSGI server does, with a browser's headers: a GET
    of the login page for the CSRF cookie and token (untimed), then the POST of
    the credentials (timed): real middleware, real sessions, real cache for the
    throttles, real audit rows, the response closed (request_finished: database
    connection handling as on a server). The "with GET" rate times both requests.
    Not included: the WSGI server's HTTP parsing, which is not Hallpass's code.
    Headline: POST logins/s over raw verifies/s (means, i.e. throughput; target
    >= 90%); the ratio of medians is reported too, and the CPU time of this process
    per POST vs per raw verify (the web tier's share when the database and Redis
    run elsewhere). Below the target, a cProfile of the POSTs shows where the
    rest of the time goes.
(c) at the server's concurrency (--workers, default 2 = the cores): that many
    processes each doing raw verifies, then that many each doing login POSTs
    (CSRF tokens fetched beforehand), alternated over rounds; ops/s of wall time.
(d) enumeration by timing: failed login POSTs for an unknown username, a wrong
    password, a disabled account, a person who left and an unclaimed account,
    interleaved round by round (throttles raised out of the way for this run).
(e) diagnosis (--no-diagnosis skips it): the same sign-ins again in a fresh process
    with a trivial Argon2id (8 KiB, 1 pass), timing only the phases before and after
    the hash: what the rest of the path costs when the hash has not just evicted it
    from the CPU caches.
(f) round trips (PostgreSQL + Redis only; --probe-rounds 0 skips them): one SELECT 1
    and one cache get, back-to-back, after spinning the CPU for a hash's length and
    after a raw verification: what a server that sat idle through the hash adds.
(g) the sign-in work issue 3 itself asks for (--required-work-rounds 0 skips it):
    pairs of sign-ins, one as it is and one with the throttle counters' read, the
    audit row and the last_login UPDATE switched off in this process (each pair
    after its own raw verify, the order alternating): what that work costs, and
    what the ratio of the rest of the sign-in (session, CSRF, the account lookup,
    the hash) would be. A measurement only: such a sign-in would be unsafe.
Results: a table on stdout, benchmarks/results/login.json and login.svg (a chart).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from bench_postgres import postgres_urls, recreate_database

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = 50
PASSWORD = "Benchmark Passphrase 2026"
BENCH_DB_NAME = "hallpass_login_bench"
TARGET = 0.90
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def make_raw_verifier(settings: Any) -> Any:
    """A zero-argument function doing one raw Argon2id verification."""
    from argon2 import PasswordHasher, Type

    hasher = PasswordHasher(
        time_cost=settings.ARGON2_TIME_COST,
        memory_cost=settings.ARGON2_MEMORY_COST_KIB,
        parallelism=settings.ARGON2_PARALLELISM,
        type=Type.ID,
    )
    encoded = hasher.hash(PASSWORD)

    def verify() -> None:
        hasher.verify(encoded, PASSWORD)

    return verify


def make_accounts() -> list[str]:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import Account
    from directory.models import Person, SourceSystem

    usernames = []
    now = timezone.now()
    for n in range(ACCOUNTS):
        identifier = f"{500000 + n}"
        person = Person.objects.create(
            sourced_id=f"bench-{identifier}", source_system=SourceSystem.ONEROSTER,
            role=Person.Role.STUDENT, given_name="Bench", family_name=f"Student{n}",
            identifier=identifier, username=f"s0{identifier}",
            email=f"bench{n}@example.org", claimable_at=now,
        )
        Account.objects.create(
            username=person.username, person=person, claimed_at=now,
            password=make_password(PASSWORD),
        )
        usernames.append(person.username.upper() if n % 2 else person.username)
    return usernames


BROWSER_HEADERS = {
    "HTTP_USER_AGENT": "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 "
                       "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9,es;q=0.8",
    "HTTP_ACCEPT_ENCODING": "gzip, deflate",
}
SERVER = ("127.0.0.1", "8000")


class Response:
    def __init__(self, status: str, headers: list[tuple[str, str]], content: bytes) -> None:
        self.status_code = int(status.split()[0])
        self.headers = headers
        self.content = content

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")


class Visitor:
    """One browser (its own cookies and address) calling the portal's WSGI application,
    hallpass.wsgi.application, as a WSGI server calls it: an environ with a browser's
    headers, the response iterated and closed (close() sends request_finished, which
    is where Django closes or keeps database connections, as on a real server).
    django.test.Client is not used: it adds test instrumentation (template and
    exception signal receivers per request, response decoration, redirect handling)
    and disconnects the request_started/request_finished connection handling."""

    def __init__(self, remote_addr: str) -> None:
        self.remote_addr = remote_addr
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes = b"") -> Response:
        from hallpass.wsgi import application

        host, port = SERVER
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "",
            "QUERY_STRING": "", "SERVER_NAME": host, "SERVER_PORT": port,
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": self.remote_addr,
            "HTTP_HOST": f"{host}:{port}", **BROWSER_HEADERS,
            "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            environ.update({
                "CONTENT_TYPE": "application/x-www-form-urlencoded",
                "CONTENT_LENGTH": str(len(body)),
                "HTTP_ORIGIN": f"http://{host}:{port}",
                "HTTP_REFERER": f"http://{host}:{port}/account/login/",
            })
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def start_response(status: str, headers: list[tuple[str, str]],
                           exc_info: Any = None) -> Any:
            started.append((status, headers))
            return None

        result = application(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        status, headers = started[0]
        return Response(status, headers, content)

    def remember_cookies(self, response: Response) -> None:
        """What the browser does with Set-Cookie (outside any timed span)."""
        for name, value in response.headers:
            if name.lower() == "set-cookie":
                jar: SimpleCookie = SimpleCookie()
                jar.load(value)
                self.cookies.update({m.key: m.value for m in jar.values()})


def login_form(visitor: Visitor, username: str, password: str) -> bytes:
    """GET the sign-in page as the visitor (cookie and CSRF token); the POST body."""
    page = visitor.request("GET", "/account/login/")
    visitor.remember_cookies(page)
    match = TOKEN.search(page.content.decode())
    assert match, "no CSRF token on the login page"
    # Browsers post a login form urlencoded.
    return urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)}
    ).encode()


def post_login(visitor: Visitor, body: bytes) -> Response:
    return visitor.request("POST", "/account/login/", body)


# (start, end) of each Argon2id verification, so that a sign-in's time splits into
# before the hash, the hash and after it. Two perf_counter() calls per hash.
HASH_SPANS: list[tuple[float, float]] = []


def time_every_argon2_verify() -> None:
    """Wrap argon2.PasswordHasher.verify (Django's Argon2PasswordHasher calls it)."""
    from argon2 import PasswordHasher

    verify = PasswordHasher.verify

    def timed_verify(self: Any, hash: Any, password: Any) -> Any:
        start = time.perf_counter()
        try:
            return verify(self, hash, password)
        finally:
            HASH_SPANS.append((start, time.perf_counter()))

    PasswordHasher.verify = timed_verify  # type: ignore[method-assign]


@dataclass
class LoginTimes:
    post: float  # seconds for the POST
    with_get: float  # seconds for GET + POST
    cpu: float  # CPU seconds of this process for the POST
    before_hash: float  # the POST's phases (seconds)
    hash: float
    after_hash: float


def login_once(username: str, profiler: cProfile.Profile | None = None) -> LoginTimes:
    """Times of one new visitor's sign-in."""
    visitor = Visitor("10.0.0.1")
    t0 = time.perf_counter()
    body = login_form(visitor, username, PASSWORD)
    HASH_SPANS.clear()
    t1 = time.perf_counter()
    c1 = time.process_time()
    if profiler is not None:
        profiler.enable()
    response = post_login(visitor, body)
    if profiler is not None:
        profiler.disable()
    t2 = time.perf_counter()
    c2 = time.process_time()
    if response.status_code != 302 or response.header("Location") != "/":
        raise SystemExit(f"login of {username} failed: {response.status_code}")
    (hash_start, hash_end), = HASH_SPANS
    return LoginTimes(post=t2 - t1, with_get=t2 - t0, cpu=c2 - c1,
                      before_hash=hash_start - t1, hash=hash_end - hash_start,
                      after_hash=t2 - hash_end)


def failure_timings(usernames: list[str], rounds: int) -> dict[str, dict[str, float]]:
    """Median and p90 ms of a failed login POST per kind of failure, interleaved
    round by round so machine noise hits every kind alike."""
    from django.utils import timezone

    from accounts.models import Account
    from directory.models import Status

    disabled, left, unclaimed, wrong = usernames[-4:]
    Account.objects.filter(username=disabled.lower()).update(is_active=False)
    Account.objects.filter(username=unclaimed.lower()).update(claimed_at=None)
    person = Account.objects.get(username=left.lower()).person
    assert person is not None
    person.status = Status.INACTIVE
    person.left_at = timezone.now()
    person.save()
    kinds = {
        "wrong password": (wrong, "Not The Password 1"),
        "unknown username": ("s0999999", PASSWORD),
        "disabled account": (disabled, PASSWORD),
        "person left": (left, PASSWORD),
        "unclaimed account": (unclaimed, PASSWORD),
    }
    samples: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(rounds):
        for kind, (username, password) in kinds.items():
            samples[kind].append(failed_login_seconds(username, password))
    return {
        kind: {
            "median_ms": round(statistics.median(times) * 1000, 2),
            "p90_ms": round(statistics.quantiles(times, n=10)[-1] * 1000, 2),
        }
        for kind, times in samples.items()
    }


def failed_login_seconds(username: str, password: str) -> float:
    visitor = Visitor("10.0.0.2")
    body = login_form(visitor, username, password)
    t = time.perf_counter()
    response = post_login(visitor, body)
    elapsed = time.perf_counter() - t
    assert response.status_code == 200 and b"Authentication Failed" in response.content
    return elapsed


def queries_per_login(username: str) -> list[str]:
    """The SQL statements one successful login POST runs (first words only)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        login_once(username)
    statements = [" ".join(q["sql"].split()[:4]) for q in captured.captured_queries]
    # The GET of the login page runs none; everything captured is the POST's.
    return statements


def where_the_time_goes(usernames: list[str], n: int) -> str:
    """cProfile of n login POSTs, restricted to the layers a login passes through."""
    profiler = cProfile.Profile()
    for i in range(n):
        login_once(usernames[i % len(usernames)], profiler)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(
        r"argon2|accounts/|audit/|common/|contrib/sessions/backends|contrib/auth/__init__"
        r"|core/cache/backends|middleware|sql/compiler.py:\d+\(execute_sql\)",
        30,
    )
    out.write("Top entries by own time (the hash first; the rest is spread thin):\n")
    stats.sort_stats("tottime").print_stats(15)
    return out.getvalue()


def round_trip_probe(verify: Any, rounds: int) -> dict[str, dict[str, float]]:
    """Median microseconds of one round trip to PostgreSQL (SELECT 1 through Django's
    connection) and to Redis (a cache get through Django's cache), as this process
    makes them: back-to-back; right after spinning the CPU for as long as a hash
    takes, touching almost no memory (the servers sat idle that long); and right after
    a raw verification (idle servers, and the CPU caches flushed too: this process's,
    and the servers' where they share the machine). A sign-in meets each server twice
    after such a pause: the throttle counters and the account before its hash, the
    transaction and the session's cache copy after it."""
    from django.core.cache import cache
    from django.db import connection

    def database() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    def redis() -> None:
        cache.get("login-benchmark-probe")

    hash_seconds = statistics.median(timed(verify) for _ in range(5))

    def spin() -> None:
        end = time.perf_counter() + hash_seconds
        while time.perf_counter() < end:
            pass

    pauses = ("back_to_back", "after_spin", "after_hash")
    samples: dict[str, dict[str, list[float]]] = {
        server: {pause: [] for pause in pauses} for server in ("postgresql", "redis")
    }
    for _ in range(rounds):  # interleaved, so machine noise hits every column alike
        for server, trip in (("postgresql", database), ("redis", redis)):
            for pause, before in zip(pauses, (trip, spin, verify), strict=True):
                before()  # back-to-back: the same round trip just before
                samples[server][pause].append(timed(trip))
    return {
        server: {pause: round(statistics.median(times) * 1e6, 1) for pause, times in by.items()}
        for server, by in samples.items()
    }


def required_work_switch() -> tuple[Any, Any]:
    """(on, off) for the sign-in's own throttle read, audit row and last_login UPDATE,
    switched in this benchmark process only (diagnosis (g))."""
    import importlib

    from django.contrib.auth.signals import user_logged_in

    sign_in: Any = importlib.import_module("accounts.login")
    throttle: Any = importlib.import_module("common.throttle")
    record, failures_of = sign_in.record, throttle.failures_of

    def on() -> None:
        sign_in.record, throttle.failures_of = record, failures_of
        user_logged_in.connect(sign_in.record_last_login, dispatch_uid="update_last_login")

    def off() -> None:
        sign_in.record = lambda *args, **kwargs: None
        throttle.failures_of = lambda *checks: [0] * len(checks)
        user_logged_in.disconnect(dispatch_uid="update_last_login")

    return on, off


def required_work_cost(usernames: list[str], verify: Any, rounds: int) -> dict[str, Any]:
    """Diagnosis (g): paired sign-ins with and without the work the issue requires."""
    on, off = required_work_switch()
    samples: dict[str, list[float]] = {"with": [], "without": []}
    raws: list[float] = []
    try:
        for i in range(rounds):
            order = (("with", on), ("without", off))
            for kind, switch in order if i % 2 == 0 else reversed(order):
                switch()
                raws.append(timed(verify))
                samples[kind].append(login_once(usernames[i % len(usernames)]).post)
    finally:
        on()
    raw, with_work, without = (statistics.mean(x) for x in (raws, *samples.values()))
    return {
        "pairs": rounds,
        "raw_verify_mean_ms": round(raw * 1000, 2),
        "login_post_mean_ms": round(with_work * 1000, 2),
        "login_post_without_required_work_mean_ms": round(without * 1000, 2),
        "required_work_ms": round((with_work - without) * 1000, 3),
        "required_work_median_ms": round(
            (statistics.median(samples["with"]) - statistics.median(samples["without"]))
            * 1000, 3),
        "ratio": round(raw / with_work, 4),
        "ratio_without_required_work": round(raw / without, 4),
    }


def timed(operation: Any) -> float:
    start = time.perf_counter()
    operation()
    return time.perf_counter() - start


def _prepared_logins(usernames: list[str], worker: int) -> list[tuple[Visitor, bytes]]:
    """New visitors that have fetched the login page (CSRF cookie and token), each
    with the urlencoded body of its login POST."""
    prepared = []
    for i, username in enumerate(usernames):
        visitor = Visitor(f"10.1.{worker}.{i % 250 + 1}")
        prepared.append((visitor, login_form(visitor, username, PASSWORD)))
    return prepared


def _raw_worker(count: int, barrier: Any, queue: Any) -> None:
    from django.conf import settings

    verify = make_raw_verifier(settings)
    verify()
    barrier.wait()
    start = time.perf_counter()
    for _ in range(count):
        verify()
    queue.put((start, time.perf_counter()))


def _login_worker(usernames: list[str], worker: int, barrier: Any, queue: Any) -> None:
    from django.db import connections

    prepared = _prepared_logins(usernames, worker)
    barrier.wait()
    start = time.perf_counter()
    for visitor, body in prepared:
        response = post_login(visitor, body)
        if response.status_code != 302:
            raise SystemExit(f"login failed in worker {worker}: {response.status_code}")
    queue.put((start, time.perf_counter()))
    connections.close_all()


def _run_parallel(target: Any, arguments: list[tuple[Any, ...]]) -> float:
    """Seconds of wall time from the first worker's start to the last one's end
    (set-up before the barrier, such as fetching CSRF tokens, is not timed)."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # each forked worker opens its own connection
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(arguments))
    queue = context.Queue()
    processes = [
        context.Process(target=target, args=(*a, barrier, queue)) for a in arguments
    ]
    for process in processes:
        process.start()
    spans = [queue.get() for _ in processes]
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise SystemExit(f"a benchmark worker failed (exit {process.exitcode})")
    return float(max(end for _, end in spans) - min(start for start, _ in spans))


def concurrent_rates(usernames: list[str], workers: int, per_worker: int,
                     rounds: int) -> dict[str, Any]:
    """Raw verifies/s and login POSTs/s with `workers` processes at once, the two
    alternated round by round so machine noise hits both."""
    raw_ops = login_ops = 0
    raw_seconds = login_seconds = 0.0
    for _ in range(rounds):
        raw_seconds += _run_parallel(_raw_worker, [(per_worker,)] * workers)
        raw_ops += per_worker * workers
        batches = [
            ([usernames[(w + workers * i) % len(usernames)] for i in range(per_worker)], w)
            for w in range(workers)
        ]
        login_seconds += _run_parallel(_login_worker, batches)
        login_ops += per_worker * workers
    raw_rate, login_rate = raw_ops / raw_seconds, login_ops / login_seconds
    return {
        "workers": workers,
        "operations_per_side": raw_ops,
        "raw_verify_per_second": round(raw_rate, 2),
        "login_post_per_second": round(login_rate, 2),
        "ratio_login_to_raw_verify": round(login_rate / raw_rate, 4),
    }


def run_backend(args: argparse.Namespace) -> dict[str, Any]:
    """One backend, in this process (the parent set DATABASE_URL, REDIS_URL...)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    usernames = make_accounts()
    # The last four accounts are spoiled for the failure timings; keep them out.
    good = usernames[:-4]

    time_every_argon2_verify()
    verify = make_raw_verifier(settings)
    for username in good[:5]:  # warm up templates, connections, imports
        verify()
        login_once(username)
    raws, posts, fulls = [], [], []
    logins: list[LoginTimes] = []
    raw_cpu = 0.0
    for i in range(args.logins):
        t, c = time.perf_counter(), time.process_time()
        verify()
        raws.append(time.perf_counter() - t)
        raw_cpu += time.process_time() - c
        times = login_once(good[i % len(good)])
        logins.append(times)
        posts.append(times.post)
        fulls.append(times.with_get)
    post_cpu = sum(times.cpu for times in logins)
    phases_ms = {
        phase: round(statistics.mean(getattr(t, phase) for t in logins) * 1000, 3)
        for phase in ("before_hash", "hash", "after_hash")
    }
    if args.phases_only:
        return {"phases_ms": phases_ms, "logins": len(logins)}

    raw_rate = len(raws) / sum(raws)
    login_rate = len(posts) / sum(posts)
    full_rate = len(fulls) / sum(fulls)
    ratio = login_rate / raw_rate
    median_ratio = statistics.median(raws) / statistics.median(posts)

    concurrent = (
        concurrent_rates(good, args.workers, args.per_worker, args.rounds)
        if args.workers > 1 else None
    )
    statements = queries_per_login(good[0])
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    round_trips = (
        round_trip_probe(verify, args.probe_rounds)
        if database == "postgresql" and args.probe_rounds else None
    )
    required_work = (
        required_work_cost(good, verify, args.required_work_rounds)
        if args.required_work_rounds else None
    )
    failures = failure_timings(usernames, args.failure_rounds) if args.failure_rounds else {}
    profile_text = ""
    if ratio < TARGET and args.profile_logins:
        profile_text = where_the_time_goes(good, args.profile_logins)

    return {
        "database": database,
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "session_engine": settings.SESSION_ENGINE,
        "debug": settings.DEBUG,
        "argon2": {"time_cost": settings.ARGON2_TIME_COST,
                   "memory_cost_kib": settings.ARGON2_MEMORY_COST_KIB,
                   "parallelism": settings.ARGON2_PARALLELISM, "type": "argon2id"},
        "measurement": "interleaved: one raw verify, then one login, N times",
        "csrf": "enforced (token fetched by a GET, untimed for the POST rate)",
        "logins": len(posts),
        "accounts": ACCOUNTS,
        "raw_verify_per_second": round(raw_rate, 2),
        "raw_verify_mean_ms": round(statistics.mean(raws) * 1000, 2),
        "raw_verify_median_ms": round(statistics.median(raws) * 1000, 2),
        "login_post_per_second": round(login_rate, 2),
        "login_post_mean_ms": round(statistics.mean(posts) * 1000, 2),
        "login_post_median_ms": round(statistics.median(posts) * 1000, 2),
        "login_post_p90_ms": round(statistics.quantiles(posts, n=10)[-1] * 1000, 2),
        "login_with_csrf_get_per_second": round(full_rate, 2),
        "login_with_csrf_get_median_ms": round(statistics.median(fulls) * 1000, 2),
        "ratio_login_to_raw_verify": round(ratio, 4),
        "ratio_of_medians": round(median_ratio, 4),
        "ratio_with_csrf_get": round(full_rate / raw_rate, 4),
        # CPU time of this (the web) process only: what a web server spends per sign-in
        # when the database and Redis are other machines' work.
        "web_process_cpu_ms_per_raw_verify": round(raw_cpu / len(raws) * 1000, 2),
        "web_process_cpu_ms_per_login_post": round(post_cpu / len(posts) * 1000, 2),
        "ratio_web_process_cpu": round(raw_cpu / post_cpu, 4),
        "phases_ms": phases_ms,
        "met_target": ratio >= TARGET,
        "concurrent": concurrent,
        "sql_statements_per_login_post": statements,
        "round_trip_us": round_trips,
        "required_work": required_work,
        "failed_login_post_ms_by_kind": failures,
        "profile_below_target": profile_text,
    }


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=3).ping())
    except redis.RedisError:
        return False


def drop_redis_keys(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def run_child(backend: str, args: argparse.Namespace, env: dict[str, str],
              work: Path, phases_only: bool = False) -> dict[str, Any]:
    out = work / f"result-{backend}{'-phases' if phases_only else ''}.json"
    command = [
        sys.executable, str(Path(__file__).resolve()), "--worker", "--result-json", str(out),
        "--logins", str(args.logins), "--profile-logins", str(args.profile_logins),
        "--failure-rounds", str(args.failure_rounds), "--workers", str(args.workers),
        "--per-worker", str(args.per_worker), "--rounds", str(args.rounds),
        "--probe-rounds", str(args.probe_rounds),
        "--required-work-rounds", str(0 if phases_only else args.required_work_rounds),
        *(["--phases-only"] if phases_only else []),
    ]
    completed = subprocess.run(command, env=env, cwd=ROOT, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"The {backend} run failed (exit {completed.returncode}).")
    return dict(json.loads(out.read_text()))


def run_backend_with_diagnosis(backend: str, args: argparse.Namespace, env: dict[str, str],
                               work: Path, fresh_database: Any) -> dict[str, Any]:
    """The measured run; then, unless --no-diagnosis, the same sign-ins with a trivial
    Argon2id (8 KiB, 1 pass) to show what the path outside the hash costs when the
    hash has not just pushed everything else out of the CPU caches."""
    fresh_database()
    run = run_child(backend, args, env, work)
    if args.diagnosis:
        fresh_database()
        trivial = dict(env, ARGON2_TIME_COST="1", ARGON2_MEMORY_COST_KIB="8")
        run["same_path_trivial_hash"] = run_child(backend, args, trivial, work,
                                                  phases_only=True)
    return run


def write_svg(runs: dict[str, Any], path: Path) -> None:
    """Per backend: the raw verify and the sign-in POST split into before the hash, the
    hash and after it (means, ms), with the 90 % budget (raw / 0.9) dashed; and, from
    diagnosis (g), the sign-in without the throttle read, audit row and last_login."""
    label_w, chart_w, bar_h, gap, group_gap, top = 300, 520, 24, 8, 26, 56
    rows = sum(3 if run.get("required_work") else 2 for run in runs.values())
    scale_max = max(
        [max(run["login_post_mean_ms"], run["raw_verify_mean_ms"] / TARGET) for run in
         runs.values()] or [1.0]
    ) * 1.08
    height = top + rows * (bar_h + gap) + len(runs) * group_gap + 56
    width = label_w + chart_w + 140
    colours = {"before_hash": "#6b6b6b", "hash": "#0b5394", "after_hash": "#b45f06"}

    def x(ms: float) -> float:
        return float(label_w + chart_w * ms / scale_max)

    summary = "; ".join(
        f"{backend}: raw verify {run['raw_verify_mean_ms']:.2f} ms, sign-in "
        f"{run['login_post_mean_ms']:.2f} ms (before the hash "
        f"{run['phases_ms']['before_hash']:.2f}, hash {run['phases_ms']['hash']:.2f}, after "
        f"{run['phases_ms']['after_hash']:.2f}), ratio "
        f"{run['ratio_login_to_raw_verify'] * 100:.1f} %"
        for backend, run in runs.items()
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="t d" '
        'font-family="sans-serif" font-size="13">',
        "<title id=\"t\">Hallpass sign-in benchmark: milliseconds per sign-in POST vs "
        "one raw Argon2id verification</title>",
        f'<desc id="d">{escape(summary)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{label_w}" y="22" font-size="15" font-weight="bold" fill="#1a1a1a">'
        "Milliseconds per sign-in (means); dashed: the 90 % budget</text>",
    ]
    legend_x = label_w
    for phase, label in (("before_hash", "before the hash"), ("hash", "Argon2id hash"),
                         ("after_hash", "after the hash")):
        parts += [f'<rect x="{legend_x}" y="32" width="12" height="12" '
                  f'fill="{colours[phase]}"/>',
                  f'<text x="{legend_x + 16}" y="43" fill="#1a1a1a">{label}</text>']
        legend_x += 150
    y = top
    for backend, run in runs.items():
        budget = run["raw_verify_mean_ms"] / TARGET
        group_top = y
        parts += [
            f'<text x="{label_w - 10}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" '
            f'fill="#1a1a1a">{escape(backend)}: raw verify</text>',
            f'<rect x="{label_w}" y="{y}" width="{x(run["raw_verify_mean_ms"]) - label_w:.1f}" '
            f'height="{bar_h}" fill="{colours["hash"]}"/>',
            # Inside the bar: the budget line would cross a label after it.
            f'<text x="{x(run["raw_verify_mean_ms"]) - 6:.1f}" y="{y + bar_h * 0.7:.1f}" '
            f'text-anchor="end" fill="#ffffff">{run["raw_verify_mean_ms"]:.1f} ms</text>',
        ]
        y += bar_h + gap
        parts.append(f'<text x="{label_w - 10}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" '
                     f'fill="#1a1a1a">{escape(backend)}: sign-in POST</text>')
        start = 0.0
        for phase in ("before_hash", "hash", "after_hash"):
            ms = run["phases_ms"][phase]
            parts.append(f'<rect x="{x(start):.1f}" y="{y}" '
                         f'width="{max(0.5, x(start + ms) - x(start)):.1f}" height="{bar_h}" '
                         f'fill="{colours[phase]}"/>')
            start += ms
        ratio = run["ratio_login_to_raw_verify"] * 100
        parts.append(f'<text x="{x(start) + 6:.1f}" y="{y + bar_h * 0.7:.1f}" '
                     f'fill="#1a1a1a">{start:.1f} ms ({ratio:.1f} %)</text>')
        y += bar_h + gap
        work = run.get("required_work")
        if work:
            # Scaled to this run's raw verify, so that the budget line applies.
            ms = run["raw_verify_mean_ms"] / work["ratio_without_required_work"]
            parts += [
                f'<text x="{label_w - 10}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" '
                f'fill="#1a1a1a">{escape(backend)}: without throttle, audit, last_login</text>',
                f'<rect x="{label_w}" y="{y}" width="{x(ms) - label_w:.1f}" height="{bar_h}" '
                f'fill="#9a9a9a"/>',
                f'<text x="{x(ms) + 6:.1f}" y="{y + bar_h * 0.7:.1f}" fill="#1a1a1a">'
                f'{work["ratio_without_required_work"] * 100:.1f} % (diagnosis g)</text>',
            ]
            y += bar_h + gap
        parts.append(f'<line x1="{x(budget):.1f}" x2="{x(budget):.1f}" y1="{group_top - 4}" '
                     f'y2="{y}" stroke="#1a1a1a" stroke-width="2" stroke-dasharray="4 3"/>')
        y += group_gap
    parts.append(f'<line x1="{label_w}" x2="{label_w + chart_w}" y1="{y}" y2="{y}" '
                 'stroke="#1a1a1a"/>')
    for tick in range(0, int(scale_max) + 1, 5):
        parts.append(f'<text x="{x(tick):.1f}" y="{y + 18}" text-anchor="middle" '
                     f'fill="#1a1a1a">{tick}</text>')
    parts.append(f'<text x="{label_w + chart_w / 2:.0f}" y="{y + 38}" text-anchor="middle" '
                 'fill="#1a1a1a">ms</text>')
    parts.append("</svg>")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


def print_run(backend: str, run: dict[str, Any]) -> None:
    a = run["argon2"]
    verdict = "PASS" if run["met_target"] else "FAIL"
    rows = [
        (f"Argon2id raw verify (m={a['memory_cost_kib']} KiB, t={a['time_cost']}, "
         f"p={a['parallelism']})", f"{run['raw_verify_per_second']:8.1f} /s",
         f"{run['raw_verify_mean_ms']:7.2f}", f"{run['raw_verify_median_ms']:7.2f}"),
        ("Login POST through the view", f"{run['login_post_per_second']:8.1f} /s",
         f"{run['login_post_mean_ms']:7.2f}", f"{run['login_post_median_ms']:7.2f}"),
        ("Login GET (CSRF) + POST", f"{run['login_with_csrf_get_per_second']:8.1f} /s", "",
         f"{run['login_with_csrf_get_median_ms']:7.2f}"),
        ("Ratio login POST / raw verify (means)",
         f"{run['ratio_login_to_raw_verify'] * 100:8.1f} %", "", f"{verdict} (>= 90 %)"),
        ("Ratio login POST / raw verify (medians)", f"{run['ratio_of_medians'] * 100:8.1f} %",
         "", ""),
        ("Ratio login GET + POST / raw verify", f"{run['ratio_with_csrf_get'] * 100:8.1f} %",
         "", ""),
        ("Web process CPU: raw verify / login POST",
         f"{run['ratio_web_process_cpu'] * 100:8.1f} %",
         f"{run['web_process_cpu_ms_per_login_post']:7.2f}",
         f"(raw {run['web_process_cpu_ms_per_raw_verify']:.2f} ms CPU)"),
    ]
    phases = run["phases_ms"]
    rows.append(("  POST: before the hash / hash / after it", "",
                 f"{phases['hash']:7.2f}",
                 f"{phases['before_hash']:.2f} / {phases['hash']:.2f} / "
                 f"{phases['after_hash']:.2f} (means)"))
    trivial = run.get("same_path_trivial_hash")
    if trivial:
        t = trivial["phases_ms"]
        rows.append(("  same POST, trivial hash: before / after", "", "",
                     f"{t['before_hash']:.2f} / {t['after_hash']:.2f} (means)"))
    trips = run.get("round_trip_us")
    if trips:
        for server, by in trips.items():
            rows.append((f"  one round trip to {server}, median us", "", "",
                         f"back-to-back {by['back_to_back']:.0f}, after a spin "
                         f"{by['after_spin']:.0f}, after a hash {by['after_hash']:.0f}"))
    work = run.get("required_work")
    if work:
        rows += [
            ("  throttle read, audit row, last_login: cost", "",
             f"{work['required_work_ms']:7.2f}",
             f"(median {work['required_work_median_ms']:.2f}; {work['pairs']} pairs)"),
            ("  ratio with them / without them", "", "",
             f"{work['ratio'] * 100:.1f} % / {work['ratio_without_required_work'] * 100:.1f} %"),
        ]
    concurrent = run.get("concurrent")
    if concurrent:
        n = concurrent["workers"]
        raw, logins = concurrent["raw_verify_per_second"], concurrent["login_post_per_second"]
        rows += [
            (f"{n} processes: raw verify", f"{raw:8.1f} /s", "", ""),
            (f"{n} processes: login POST", f"{logins:8.1f} /s", "", ""),
            (f"{n} processes: ratio", f"{logins / raw * 100:8.1f} %", "", ""),
        ]
    width = max(len(r[0]) for r in rows)
    print(f"\n== {backend}: {run['database']}, cache {run['cache']}, "
          f"sessions {run['session_engine']}, DEBUG {run['debug']} ==")
    print(f"{'measure'.ljust(width)}  {'rate':>11}  {'mean ms':>7}  median ms")
    for name, rate, mean, median in rows:
        print(f"{name.ljust(width)}  {rate:>11}  {mean:>7}  {median}")
    statements = run["sql_statements_per_login_post"]
    print(f"{run['logins']} logins over {run['accounts']} accounts, each paired with one raw "
          f"verify. SQL statements per login POST: {len(statements)}: " + "; ".join(statements))
    failures = run["failed_login_post_ms_by_kind"]
    if failures:
        print("Failed login POST by kind (same page for all; interleaved rounds):")
        for kind, figures in failures.items():
            print(f"  {kind:<20} median {figures['median_ms']:7.2f} ms   "
                  f"p90 {figures['p90_ms']:7.2f} ms")
    if run["profile_below_target"]:
        print("Where the rest of the time goes (cProfile of login POSTs, cumulative):")
        print(run["profile_below_target"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--logins", type=int, default=300)
    parser.add_argument("--profile-logins", type=int, default=100)
    parser.add_argument("--failure-rounds", type=int, default=100)
    parser.add_argument("--backends", default="sqlite,postgresql",
                        help="Comma-separated: sqlite, postgresql (skipped when unreachable).")
    parser.add_argument("--workers", type=int, default=2,
                        help="Processes for the concurrent figures (0 or 1 skips them).")
    parser.add_argument("--per-worker", type=int, default=50,
                        help="Operations per process per round in the concurrent figures.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--probe-rounds", type=int, default=100,
                        help="Round-trip probes to PostgreSQL and Redis (0 skips them).")
    parser.add_argument("--required-work-rounds", type=int, default=300,
                        help="Pairs of sign-ins with and without the throttle read, audit "
                             "row and last_login (0 skips them).")
    parser.add_argument("--no-diagnosis", dest="diagnosis", action="store_false",
                        help="Skip the second run with a trivial hash (phases only).")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--phases-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result-json", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        Path(args.result_json).write_text(json.dumps(run_backend(args)))
        return

    work = Path(tempfile.mkdtemp(prefix="hallpass-login-bench-"))
    base_env = dict(os.environ)
    base_env.update({
        "DJANGO_SETTINGS_MODULE": "hallpass.settings",
        "HALLPASS_ENV": "demo",
        "DEBUG": "false",  # DEBUG keeps every query in memory: not what production does
        "LOG_LEVEL": "WARNING",
        "TASKS_BACKEND": "immediate",
        # Failed-login timing rounds must not trip the throttles.
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": "1000000",
        "LOGIN_MAX_FAILURES_PER_IP": "1000000",
    })
    runs: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        env = dict(base_env, HALLPASS_VAR_DIR=str(work / backend))
        if backend == "sqlite":
            database = work / "bench.sqlite3"
            env["DATABASE_URL"] = f"sqlite:///{database}"
            env.pop("REDIS_URL", None)

            def fresh_sqlite(database: Path = database) -> None:
                for path in database.parent.glob(database.name + "*"):
                    path.unlink()

            runs[backend] = run_backend_with_diagnosis(backend, args, env, work, fresh_sqlite)
        elif backend == "postgresql":
            urls = postgres_urls(os.environ.get("DATABASE_URL"), BENCH_DB_NAME)
            redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"
            if urls is None or not redis_reachable(redis_url):
                skipped[backend] = "PostgreSQL or Redis unreachable"
                print(f"Skipping {backend}: {skipped[backend]}.")
                continue
            prefix = f"hallpass-login-bench-{os.getpid()}"
            maintenance_url, bench_url = urls
            env.update({"DATABASE_URL": bench_url, "REDIS_URL": redis_url,
                        "CACHE_KEY_PREFIX": prefix})

            def fresh_postgresql(maintenance: str = maintenance_url, redis_url: str = redis_url,
                                 prefix: str = prefix) -> None:
                recreate_database(maintenance, BENCH_DB_NAME)
                drop_redis_keys(redis_url, prefix)

            try:
                runs[backend] = run_backend_with_diagnosis(backend, args, env, work,
                                                           fresh_postgresql)
            finally:
                recreate_database(maintenance_url, BENCH_DB_NAME, create=False)
                drop_redis_keys(redis_url, prefix)
        else:
            raise SystemExit(f"Unknown backend {backend!r}")

    met = bool(runs) and all(run["met_target"] for run in runs.values())
    results = {
        "command": "python benchmarks/login_benchmark.py " + " ".join(sys.argv[1:]),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "target_ratio": TARGET,
        "headline": "login POSTs/s through the view over raw Argon2id verifies/s, "
                    "single process, means (throughput)",
        "met_target": met,
        "runs": runs,
        "skipped": skipped,
    }
    out_dir = ROOT / "benchmarks" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "login.json").write_text(json.dumps(results, indent=2) + "\n")
    if runs:
        write_svg(runs, out_dir / "login.svg")
    for backend, run in runs.items():
        print_run(backend, run)
    print(f"\nOverall: {'PASS' if met else 'FAIL'} (login POST rate >= 90 % of the raw "
          f"Argon2id verify rate on every backend run). Results in {out_dir / 'login.json'}")


if __name__ == "__main__":
    main()
