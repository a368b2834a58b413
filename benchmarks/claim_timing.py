"""Claim step 1: does the response time tell the failure kinds apart?

    .venv/bin/python benchmarks/claim_timing.py [--rounds 300]

Uses a throwaway SQLite database in a temporary folder, migrates it, creates one
person per failure kind (and one claimable person), then posts step 1 through the
real view with Django's test client, interleaving the kinds round by round so
machine noise hits all of them alike. Throttles are raised out of the way. Prints
the median and 90th percentile per kind in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    tmp = tempfile.mkdtemp(prefix="hallpass-claim-timing-")
    os.environ["HALLPASS_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["CLAIM_MAX_FAILURES_PER_IP"] = "1000000"
    os.environ["CLAIM_MAX_FAILURES_PER_IDENTITY"] = "1000000"
    os.environ["CLAIM_MAX_FAILURES_PER_NAME_PER_IP"] = "1000000"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallpass.settings")

    import django

    django.setup()
    from django.core.management import call_command

    from common.tests.client import FormClient

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)

    from accounts.resetting import do_disable_account, do_reset_account
    from accounts.tests.builders import make_claimed_account, make_person

    def person(identifier: str, **kw: Any) -> None:
        make_person(identifier=identifier, family_name="Okafor", given_name="Chidi", **kw)

    person("100001")  # claimable: the success path, for reference
    person("100002", claimable=False)
    make_claimed_account(make_person(identifier="100003", family_name="Okafor", given_name="Chidi"))
    person("100004", active=False)
    disabled = make_claimed_account(
        make_person(identifier="100005", family_name="Okafor", given_name="Chidi")
    )
    do_reset_account(disabled, actor=None)
    do_disable_account(disabled, actor=None)

    kinds = {
        "success (redirect to step 2)": ("Chidi", "100001"),
        "no such ID": ("Chidi", "199999"),
        "ID right, first name wrong": ("Chiddi", "100001"),
        "inside the waiting period": ("Chidi", "100002"),
        "already claimed": ("Chidi", "100003"),
        "left the district": ("Chidi", "100004"),
        "account disabled": ("Chidi", "100005"),
    }
    timings: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(args.rounds):
        for kind, (given, identifier) in kinds.items():
            client = FormClient()
            data = {"family_name": "Okafor", "given_name": given, "identifier": identifier}
            start = time.perf_counter()
            client.post("/account/claim/", data)
            timings[kind].append((time.perf_counter() - start) * 1000)

    print(f"claim step 1, {args.rounds} rounds, SQLite, ms per request")
    print(f"{'case':32} {'median':>8} {'p90':>8}")
    for kind, values in timings.items():
        values.sort()
        p90 = values[int(len(values) * 0.9)]
        print(f"{kind:32} {statistics.median(values):8.2f} {p90:8.2f}")


if __name__ == "__main__":
    main()
