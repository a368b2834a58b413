"""Logins per second through the real login view vs the raw Argon2id verify rate.

    .venv/bin/python benchmarks/login_benchmark.py [--logins 300]

One run, one process, this machine:
(a) raw verify: argon2-cffi's PasswordHasher at the configured parameters
    (settings ARGON2_TIME_COST / ARGON2_MEMORY_COST_KIB / ARGON2_PARALLELISM),
    single thread. One raw verification is timed right before each login, so
    both sides see the same load on a shared machine (interleaved pairs).
(b) logins: a throwaway SQLite database in a temporary folder (DATABASE_URL),
    migrated, its cache table created, ~50 claimed accounts; then N logins
    round-robin, each with a fresh django.test.Client(enforce_csrf_checks=True):
    a GET of the login page for the CSRF token (untimed), then the POST of the
    credentials (timed): real middleware, real sessions (db), real cache
    (DatabaseCache) for the throttles, real audit rows. The "with GET" rate times
    both requests.
The ratio is POST logins/s over raw verifies/s (target >= 90%). Below the target,
a cProfile of the POSTs shows where the rest of the time goes.
(c) enumeration by timing: failed login POSTs for an unknown username, a wrong
    password, a disabled account, a person who left and an unclaimed account,
    interleaved round by round (throttles raised out of the way for this run).
Results: a table on stdout and benchmarks/results/login.json.
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
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = 50
PASSWORD = "Benchmark Passphrase 2026"
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


def login_once(username: str, profiler: cProfile.Profile | None = None) -> tuple[float, float]:
    """(seconds for the POST, seconds for GET + POST) of one fresh visitor."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.0.1")
    t0 = time.perf_counter()
    page = client.get("/account/login/")
    match = TOKEN.search(page.content.decode())
    assert match, "no CSRF token on the login page"
    t1 = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    # Browsers post a login form urlencoded (the test client defaults to multipart).
    body = urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": match.group(1)}
    )
    response = client.post(
        "/account/login/", body, content_type="application/x-www-form-urlencoded"
    )
    if profiler is not None:
        profiler.disable()
    t2 = time.perf_counter()
    if response.status_code != 302 or response["Location"] != "/":
        raise SystemExit(f"login of {username} failed: {response.status_code}")
    return t2 - t1, t2 - t0


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
    from django.test import Client

    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.0.2")
    page = client.get("/account/login/")
    match = TOKEN.search(page.content.decode())
    assert match
    body = urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)}
    )
    t = time.perf_counter()
    response = client.post(
        "/account/login/", body, content_type="application/x-www-form-urlencoded"
    )
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
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--logins", type=int, default=300)
    parser.add_argument("--profile-logins", type=int, default=100)
    parser.add_argument("--failure-rounds", type=int, default=100)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    tmp = tempfile.mkdtemp(prefix="hallpass-login-bench-")
    os.environ["HALLPASS_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.pop("REDIS_URL", None)
    os.environ["TASKS_BACKEND"] = "immediate"
    # Failed-login timing rounds below must not trip the throttles.
    os.environ["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = "1000000"
    os.environ["LOGIN_MAX_FAILURES_PER_IP"] = "1000000"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallpass.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    usernames = make_accounts()

    verify = make_raw_verifier(settings)
    for username in usernames[:5]:  # warm up templates, connections, imports
        verify()
        login_once(username)
    raws, posts, fulls = [], [], []
    for i in range(args.logins):
        t = time.perf_counter()
        verify()
        raws.append(time.perf_counter() - t)
        post, full = login_once(usernames[i % len(usernames)])
        posts.append(post)
        fulls.append(full)

    raw_rate = len(raws) / sum(raws)
    raw_ms = statistics.median(raws) * 1000
    login_rate = len(posts) / sum(posts)
    full_rate = len(fulls) / sum(fulls)
    ratio = login_rate / raw_rate

    profile_text = ""
    statements = queries_per_login(usernames[0])
    failures = failure_timings(usernames, args.failure_rounds) if args.failure_rounds else {}
    if ratio < 0.90 and args.profile_logins:
        profile_text = where_the_time_goes(usernames[:-4], args.profile_logins)

    results = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "argon2": {"time_cost": settings.ARGON2_TIME_COST,
                   "memory_cost_kib": settings.ARGON2_MEMORY_COST_KIB,
                   "parallelism": settings.ARGON2_PARALLELISM, "type": "argon2id"},
        "raw_verify_per_second": round(raw_rate, 2),
        "measurement": "interleaved: one raw verify, then one login, N times",
        "raw_verify_median_ms": round(raw_ms, 2),
        "logins": len(posts),
        "accounts": ACCOUNTS,
        "login_post_per_second": round(login_rate, 2),
        "login_post_median_ms": round(statistics.median(posts) * 1000, 2),
        "login_post_p90_ms": round(statistics.quantiles(posts, n=10)[-1] * 1000, 2),
        "login_with_csrf_get_per_second": round(full_rate, 2),
        "ratio_login_to_raw_verify": round(ratio, 4),
        "target_ratio": 0.90,
        "met_target": ratio >= 0.90,
        "database": "sqlite (temp file)",
        "cache": "DatabaseCache",
        "session_engine": settings.SESSION_ENGINE,
        "csrf": "enforced (token fetched by an untimed GET)",
        "sql_statements_per_login_post": statements,
        "failed_login_post_ms_by_kind": failures,
    }
    out_dir = ROOT / "benchmarks" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "login.json").write_text(json.dumps(results, indent=2) + "\n")

    rows = [
        (f"Argon2id raw verify (m={settings.ARGON2_MEMORY_COST_KIB} KiB, "
         f"t={settings.ARGON2_TIME_COST}, p={settings.ARGON2_PARALLELISM})",
         f"{raw_rate:8.1f} /s", f"{raw_ms:7.2f} ms"),
        ("Login POST through the view", f"{login_rate:8.1f} /s",
         f"{results['login_post_median_ms']:7.2f} ms"),
        ("Login GET (CSRF) + POST", f"{full_rate:8.1f} /s", ""),
        ("Ratio login POST / raw verify", f"{ratio * 100:8.1f} %",
         "target >= 90 %: " + ("met" if ratio >= 0.90 else "NOT met")),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure'.ljust(width)}  {'rate':>10}  median")
    for name, rate, extra in rows:
        print(f"{name.ljust(width)}  {rate:>10}  {extra}")
    print(f"\n{len(posts)} logins over {ACCOUNTS} accounts, each paired with one raw verify.")
    print(f"Results written to {out_dir / 'login.json'}")
    if failures:
        print("\nFailed login POST by kind (same page for all; interleaved rounds):")
        for kind, figures in failures.items():
            print(f"  {kind:<20} median {figures['median_ms']:7.2f} ms   "
                  f"p90 {figures['p90_ms']:7.2f} ms")
    print(f"SQL statements per login POST: {len(statements)}: " + "; ".join(statements))
    if profile_text:
        print("\nWhere the rest of the time goes (cProfile of login POSTs, cumulative):")
        print(profile_text)


if __name__ == "__main__":
    main()
