"""Directory sync benchmark: a full import and a no-change re-import of a big district.

    .venv/bin/python benchmarks/sync_benchmark.py            # SQLite, and PostgreSQL if reachable
    .venv/bin/python benchmarks/sync_benchmark.py --backends sqlite --students 6000 ...

It writes a district (default 60,000 students, 7,000 staff, 3,000 classes, ~300,000
enrollments) into a temporary folder with the demo generator, then for each database:
a fresh database (a temp SQLite file; a throwaway PostgreSQL database `hallpass_bench`
created and dropped with psycopg, when DATABASE_URL or 127.0.0.1:5432 answers), then
`migrate`, then a full import (OneRoster + HR) in one process and the same files again
in a second process. Separate processes keep Django settings clean per database and
make each phase's peak memory (ru_maxrss) its own.

Row writes are counted by wrapping the connection (`connection.execute_wrapper`):
every INSERT / UPDATE / DELETE statement and the rows it touched, per table. The
"zero writes" target counts every table but the run's own bookkeeping (its SyncRun
row, audit events, the cache row of its one-sync-at-a-time lock), which is counted
and shown apart.

Results: a table on stdout, benchmarks/results/sync.json and benchmarks/results/sync.svg.
`--profile` writes the top functions by cumulative time (cProfile) for each phase.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from bench_servers import postgres_urls, recreate_database

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS_DIR = ROOT / "benchmarks" / "results"
# Targets are multiples of the floor: the time to read and parse the same CSV files
# with Python's csv module, measured in the same run (machines here vary +-50%; the
# ratios much less).
TARGET_FULL_RATIO = 20.0
TARGET_REIMPORT_RATIO = 6.0
TARGET_PEAK_MIB = 400.0
FLOOR_REPEATS = 3
BENCH_DB_NAME = "hallpass_bench"
# What a sync may write for its own record-keeping: its SyncRun row, audit events and
# the cache row of its one-sync-at-a-time lock (settings' DatabaseCache table). Every
# other write counts against "zero writes".
BOOKKEEPING_TABLES = {"directory_syncrun", "audit_auditevent", "hallpass_cache"}


def is_directory_data(table: str) -> bool:
    return table not in BOOKKEEPING_TABLES


_INSERT_COLUMNS = re.compile(r"\(([^()]*)\)\s*VALUES", re.IGNORECASE)
_WRITE_SQL = re.compile(
    r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE
)


# --- Worker: one phase in its own process ---------------------------------------------


def run_floor(district: Path) -> dict[str, Any]:
    """The floor: read and parse every CSV file of the district with Python's csv
    module, doing nothing with the rows; the best of FLOOR_REPEATS."""
    import csv

    files = sorted(district.glob("*.csv"))
    samples = []
    rows = 0
    for _ in range(FLOOR_REPEATS):
        started = time.perf_counter()
        rows = 0
        for path in files:
            with path.open(encoding="utf-8", newline="") as handle:
                for _row in csv.reader(handle):
                    rows += 1
        samples.append(time.perf_counter() - started)
    return {"phase": "floor", "seconds": round(min(samples), 3),
            "samples": [round(x, 3) for x in samples], "rows": rows, "files": len(files)}



def run_phase(district: Path, phase: str, profile: bool) -> dict[str, Any]:
    import resource

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallpass.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if phase == "full":
        call_command("migrate", interactive=False, verbosity=0)
        # As on a real install: the sync takes its one-at-a-time lock in this cache.
        call_command("createcachetable", verbosity=0)
    from directory.models import Class, Enrollment, Person
    from directory.sync import sync_hr, sync_oneroster
    from directory.sync.progress import TerminalProgress

    statements: Counter[str] = Counter()
    rows: Counter[str] = Counter()

    def count_writes(execute: Callable[..., Any], sql: str, params: Any, many: bool,
                     context: dict[str, Any]) -> Any:
        result = execute(sql, params, many, context)
        match = _WRITE_SQL.match(sql)
        if match:
            table = match.group(2).lower()
            statements[table] += 1
            rows[table] += _rows_written(match.group(1), sql, params, many, context)
        return result

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    timings: dict[str, float] = {}
    reports: dict[str, Any] = {}
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    with connection.execute_wrapper(count_writes):
        for label, sync, path in (
            ("oneroster", sync_oneroster, district),
            ("hr", sync_hr, district / "hr_employees.csv"),
        ):
            bar = TerminalProgress(f"{phase} {label}", sys.stderr.isatty())
            started = time.perf_counter()
            try:
                if profiler is not None:
                    profiler.enable()
                report = sync(path, progress=bar)
            finally:
                if profiler is not None:
                    profiler.disable()
                bar.close()
            timings[label] = time.perf_counter() - started
            reports[label] = {
                "result": report.result,
                "timings": report.to_json()["timings"],
                "counts": report.to_json()["counts"],
                "problems": [str(p) for p in report.problems[:20]],
                "problem_count": len(report.problems),
            }
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    data_rows = sum(n for t, n in rows.items() if is_directory_data(t))
    data_statements = sum(n for t, n in statements.items() if is_directory_data(t))
    result: dict[str, Any] = {
        "phase": phase,
        "vendor": connection.vendor,
        "seconds": round(sum(timings.values()), 2),
        "seconds_by_sync": {k: round(v, 2) for k, v in timings.items()},
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "rss_before_sync_mib": round(rss_before / 1024, 1),
        "write_statements": dict(statements),
        "written_rows": dict(rows),
        "data_write_statements": data_statements,
        "data_written_rows": data_rows,
        "reports": reports,
        "database_rows": {
            "people": Person.objects.count(),
            "classes": Class.objects.count(),
            "enrollments": Enrollment.objects.count(),
        },
    }
    if profiler is not None:
        import io
        import pstats

        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(15)
        result["profile_cumulative"] = buffer.getvalue()
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(15)
        result["profile_tottime"] = buffer.getvalue()
    return result


def _rows_written(verb: str, sql: str, params: Any, many: bool,
                  context: dict[str, Any]) -> int:
    """Rows one write statement touched.

    INSERT ... RETURNING leaves rowcount unset on SQLite until the rows are fetched,
    so inserts are counted from their parameters: one row per column-list's worth.
    """
    if verb.upper().startswith("INSERT"):
        columns = _INSERT_COLUMNS.search(sql)
        width = columns.group(1).count(",") + 1 if columns else 1
        if many:
            return sum(len(p) // width for p in params)
        return max(1, len(params or ()) // width)
    rowcount = getattr(context["cursor"], "rowcount", -1)
    return rowcount if rowcount and rowcount > 0 else 0


# --- Driver ------------------------------------------------------------------------------


def run_worker(district: Path, phase: str, database_url: str, work: Path,
               profile: bool) -> dict[str, Any]:
    out = work / f"result-{phase}.json"
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "hallpass.settings",
        "HALLPASS_ENV": "demo",
        "HALLPASS_VAR_DIR": str(work / "var"),
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",  # DEBUG keeps every query in memory: not what production does
    })
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", phase,
               "--district", str(district), "--result-json", str(out)]
    if profile:
        command.append("--profile")
    completed = subprocess.run(command, env=env, cwd=ROOT, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"The {phase} phase failed (exit {completed.returncode}).")
    return dict(json.loads(out.read_text()))


def bench_backend(name: str, database_url: str, district: Path, work: Path,
                  profile: bool) -> dict[str, Any]:
    print(f"\n== {name} ==", flush=True)
    floors = [run_worker(district, "floor", database_url, work, False)["seconds"]]
    full = run_worker(district, "full", database_url, work, profile)
    print(f"full import: {full['seconds']} s, peak {full['peak_rss_mib']} MiB", flush=True)
    floors.append(run_worker(district, "floor", database_url, work, False)["seconds"])
    again = run_worker(district, "reimport", database_url, work, profile)
    print(f"re-import:   {again['seconds']} s, peak {again['peak_rss_mib']} MiB, "
          f"{again['data_written_rows']} data rows written", flush=True)
    floors.append(run_worker(district, "floor", database_url, work, False)["seconds"])
    # The machine's load drifts: each phase is set against the floors measured just
    # before and just after it.
    full["floor_seconds"] = round((floors[0] + floors[1]) / 2, 3)
    again["floor_seconds"] = round((floors[1] + floors[2]) / 2, 3)
    return {"backend": name, "full": full, "reimport": again, "floor_samples": floors}


def with_floor(runs: list[dict[str, Any]]) -> float:
    """Each phase as a multiple of its own floor (the mean of the floors measured just
    before and after it); returns the median of every floor of the run, for the table."""
    samples = sorted(x for run in runs for x in run["floor_samples"])
    floor = float(samples[len(samples) // 2])
    for run in runs:
        run["floor_seconds"] = floor
        for phase in ("full", "reimport"):
            result = run[phase]
            result["floor_ratio"] = round(result["seconds"] / result["floor_seconds"], 1)
    return floor


def breakdown(result: dict[str, Any]) -> dict[str, float]:
    """Seconds per step (load, read, compare, write), summed over OneRoster and HR."""
    steps: dict[str, float] = {}
    for report in result["reports"].values():
        for step, seconds in report.get("timings", {}).items():
            steps[step] = round(steps.get(step, 0.0) + seconds, 2)
    return steps


def verdicts(run: dict[str, Any]) -> list[tuple[str, str, bool]]:
    full, again = run["full"], run["reimport"]
    applied = all(r["result"] == "applied" for r in full["reports"].values())
    return [
        ("full import applied", ", ".join(r["result"] for r in full["reports"].values()),
         applied),
        (f"full import <= {TARGET_FULL_RATIO:g}x floor",
         f"{full['floor_ratio']}x ({full['seconds']} s)",
         full["floor_ratio"] <= TARGET_FULL_RATIO),
        (f"no-change re-import <= {TARGET_REIMPORT_RATIO:g}x floor",
         f"{again['floor_ratio']}x ({again['seconds']} s)",
         again["floor_ratio"] <= TARGET_REIMPORT_RATIO),
        ("no-change re-import writes no directory row",
         f"{again['data_written_rows']} rows / {again['data_write_statements']} statements",
         again["data_write_statements"] == 0),
        (f"peak memory <= {TARGET_PEAK_MIB:g} MiB",
         f"{max(full['peak_rss_mib'], again['peak_rss_mib'])} MiB",
         max(full["peak_rss_mib"], again["peak_rss_mib"]) <= TARGET_PEAK_MIB),
    ]


def print_table(runs: list[dict[str, Any]], dataset: dict[str, Any]) -> bool:
    print("\nDataset: " + ", ".join(f"{k} {v}" for k, v in dataset.items()))
    if runs:
        print(f"Floor (read and parse every CSV file with Python's csv; each phase against "
              f"the mean of the floors just before and after it; median of all "
              f"{sum(len(r['floor_samples']) for r in runs)}): {runs[0]['floor_seconds']:.2f} s")
    header = f"{'database':<12} {'phase':<10} {'seconds':>8} {'floor':>6} {'x floor':>8} " \
             f"{'OneRoster':>10} {'HR':>6} {'peak MiB':>9} {'data rows written':>18} " \
             f"{'load':>6} {'read':>6} {'compare':>8} {'write':>6}"
    print(header)
    print("-" * len(header))
    for run in runs:
        for phase in ("full", "reimport"):
            r = run[phase]
            steps = breakdown(r)
            print(f"{run['backend']:<12} {phase:<10} {r['seconds']:>8.2f} "
                  f"{r['floor_seconds']:>6.2f} {r['floor_ratio']:>8.1f} "
                  f"{r['seconds_by_sync']['oneroster']:>10.2f} {r['seconds_by_sync']['hr']:>6.2f} "
                  f"{r['peak_rss_mib']:>9.1f} {r['data_written_rows']:>18} "
                  f"{steps.get('load', 0):>6.2f} {steps.get('read', 0):>6.2f} "
                  f"{steps.get('compare', 0):>8.2f} {steps.get('write', 0):>6.2f}")
    all_pass = True
    print()
    for run in runs:
        for label, figure, ok in verdicts(run):
            all_pass &= ok
            print(f"{'PASS' if ok else 'FAIL'}  {run['backend']:<11} {label:<48} {figure}")
    return all_pass


def write_svg(runs: list[dict[str, Any]], path: Path) -> None:
    """A horizontal bar chart of each phase as a multiple of the floor, with targets."""
    bars: list[tuple[str, float, float, float]] = []
    for run in runs:
        bars.append((f"{run['backend']} full import", run["full"]["floor_ratio"],
                     TARGET_FULL_RATIO, run["full"]["seconds"]))
        bars.append((f"{run['backend']} no-change re-import", run["reimport"]["floor_ratio"],
                     TARGET_REIMPORT_RATIO, run["reimport"]["seconds"]))
    label_w, chart_w, bar_h, gap, top = 250, 460, 26, 14, 50
    scale_max = max([TARGET_FULL_RATIO, *(b[1] for b in bars)]) * 1.1
    height = top + len(bars) * (bar_h + gap) + 40
    width = label_w + chart_w + 150

    def x(ratio: float) -> float:
        return label_w + chart_w * ratio / scale_max

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="t d" '
        'font-family="sans-serif" font-size="13">',
        '<title id="t">Hallpass directory sync benchmark: time as a multiple of reading '
        'and parsing the files</title>',
        '<desc id="d">' + escape("; ".join(
            f"{name}: {value:.1f}x the floor, {seconds:.1f} s (target {target:g}x)"
            for name, value, target, seconds in bars
        )) + "</desc>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{label_w}" y="24" font-size="15" font-weight="bold" fill="#1a1a1a">'
        "Sync time as a multiple of the floor; dashed line = target</text>",
    ]
    for i, (name, value, target, seconds) in enumerate(bars):
        y = top + i * (bar_h + gap)
        colour = "#0b5394" if value <= target else "#b10e1e"
        parts += [
            f'<text x="{label_w - 10}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" '
            f'fill="#1a1a1a">{escape(name)}</text>',
            f'<rect x="{label_w}" y="{y}" width="{max(1.0, x(value) - label_w):.1f}" '
            f'height="{bar_h}" fill="{colour}"/>',
            f'<line x1="{x(target):.1f}" x2="{x(target):.1f}" y1="{y - 4}" '
            f'y2="{y + bar_h + 4}" stroke="#1a1a1a" stroke-width="2" stroke-dasharray="4 3"/>',
            f'<text x="{x(value) + 6:.1f}" y="{y + bar_h * 0.7:.1f}" fill="#1a1a1a">'
            f'{value:.1f}x ({seconds:.1f} s){"" if value <= target else " over target"}</text>',
        ]
    axis_y = top + len(bars) * (bar_h + gap)
    parts.append(f'<line x1="{label_w}" x2="{label_w + chart_w}" y1="{axis_y}" '
                 f'y2="{axis_y}" stroke="#1a1a1a"/>')
    step = 5 if scale_max <= 60 else 20
    tick = 0
    while tick <= scale_max:
        parts.append(f'<text x="{x(tick):.1f}" y="{axis_y + 18}" text-anchor="middle" '
                     f'fill="#1a1a1a">{tick}x</text>')
        tick += step
    parts.append("</svg>")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=60_000)
    parser.add_argument("--staff", type=int, default=7_000)
    parser.add_argument("--classes", type=int, default=3_000)
    parser.add_argument("--schools", type=int, default=8)
    parser.add_argument("--backends", default="sqlite,postgresql",
                        help="Comma-separated: sqlite, postgresql (skipped when unreachable).")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    parser.add_argument("--pg-database", default=BENCH_DB_NAME,
                        help="Name of the throwaway PostgreSQL database (dropped after).")
    parser.add_argument("--profile", action="store_true", help="cProfile each phase.")
    parser.add_argument("--strict", action="store_true", help="Exit 1 when a target fails.")
    # Internal: one phase in a child process.
    parser.add_argument("--worker", choices=["full", "reimport", "floor"], help=argparse.SUPPRESS)
    parser.add_argument("--district", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result-json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        result = (run_floor(args.district) if args.worker == "floor"
                  else run_phase(args.district, args.worker, args.profile))
        args.result_json.write_text(json.dumps(result, indent=2))
        return 0

    from demo.generator import write_demo_district

    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    work = Path(tempfile.mkdtemp(prefix="hallpass-sync-bench-"))
    runs: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    try:
        started = time.perf_counter()
        made = write_demo_district(
            work / "district", students=args.students, staff=args.staff,
            schools=args.schools, classes=args.classes, email_domain="example.org",
            district_name="Benchmark School District",
        )
        generated_in = time.perf_counter() - started
        dataset = {
            "students": made.students, "employees": made.employees,
            "oneroster_users": made.oneroster_users, "classes": made.classes,
            "enrollments": made.enrollments, "schools": made.schools,
            "generated_in_seconds": round(generated_in, 2),
        }
        print(f"Generated the district in {generated_in:.1f} s: {dataset}", flush=True)

        if "sqlite" in backends:
            db = work / "bench.sqlite3"
            runs.append(bench_backend("SQLite", f"sqlite:///{db}", work / "district", work,
                                      args.profile))
        if "postgresql" in backends:
            urls = postgres_urls(os.environ.get("DATABASE_URL"), args.pg_database)
            if urls is None:
                skipped["PostgreSQL"] = "not reachable (DATABASE_URL or 127.0.0.1:5432)"
                print("\nPostgreSQL: not reachable, skipped.", flush=True)
            else:
                maintenance, bench_url = urls
                recreate_database(maintenance, args.pg_database)
                try:
                    runs.append(bench_backend("PostgreSQL", bench_url, work / "district",
                                              work, args.profile))
                finally:
                    recreate_database(maintenance, args.pg_database, create=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    floor = with_floor(runs) if runs else 0.0
    all_pass = print_table(runs, dataset)
    for name, why in skipped.items():
        print(f"SKIP  {name}: {why}")
    args.results.mkdir(parents=True, exist_ok=True)
    summary = {
        "command": "python benchmarks/sync_benchmark.py " + " ".join(argv or sys.argv[1:]),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "dataset": dataset,
        "floor_seconds": floor,
        "targets": {"full_import_floor_ratio": TARGET_FULL_RATIO,
                    "reimport_floor_ratio": TARGET_REIMPORT_RATIO, "reimport_data_writes": 0,
                    "peak_rss_mib": TARGET_PEAK_MIB},
        "runs": [
            {**run, "breakdown": {p: breakdown(run[p]) for p in ("full", "reimport")},
             "verdicts": [{"target": label, "figure": figure, "pass": ok}
                                 for label, figure, ok in verdicts(run)]}
            for run in runs
        ],
        "skipped": skipped,
        "all_pass": all_pass,
    }
    (args.results / "sync.json").write_text(json.dumps(summary, indent=2) + "\n")
    write_svg(runs, args.results / "sync.svg")
    print(f"\nWrote {args.results / 'sync.json'} and {args.results / 'sync.svg'}")
    if args.profile:
        for run in runs:
            for phase in ("full", "reimport"):
                print(f"\n--- profile: {run['backend']} {phase} (cumulative) ---")
                print(run[phase].get("profile_cumulative", ""))
                print(f"--- profile: {run['backend']} {phase} (tottime) ---")
                print(run[phase].get("profile_tottime", ""))
    return 1 if args.strict and not all_pass else 0


if __name__ == "__main__":
    sys.exit(main())
