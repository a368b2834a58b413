"""The portal served by real server processes, for tests of requests that arrive
together (accounts/tests/test_bursts.py).

On SQLite: one threaded server on a database file of its own. On PostgreSQL +
Redis (when the suite runs there): two server processes sharing a new database
and Redis, as a large district's web servers do. Each test speaks from an address
of its own in 127.0.0.0/8, so per-address limits of one test do not touch another.
"""

from __future__ import annotations

import functools
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from threading import Barrier
from typing import Any
from urllib.parse import quote, urlencode

import psycopg
import redis
from django.conf import settings
from psycopg import sql
from psycopg.conninfo import make_conninfo

ROOT = Path(__file__).resolve().parents[2]
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Reply:
    status: int
    body: str
    location: str


@dataclass
class Browser:
    """One visitor: an address of its own and its cookies."""

    ports: list[int]
    address: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, data: dict[str, str] | None = None, server: int = 0
    ) -> Reply:
        port = self.ports[server % len(self.ports)]
        connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=60, source_address=(self.address, 0)
        )
        headers = {"Host": f"127.0.0.1:{port}", "User-Agent": "BurstTest/1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{port}{path}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return Reply(response.status, text, response.headers.get("Location", ""))

    def form_token(self, path: str) -> str:
        match = CSRF_FIELD.search(self.request("GET", path).body)
        assert match, f"no form on {path}"
        return match.group(1)

    def post(self, path: str, data: dict[str, str], token: str, server: int = 0) -> Reply:
        return self.request("POST", path, {**data, "csrfmiddlewaretoken": token}, server)

    def burst(self, path: str, forms: list[dict[str, str]], token: str) -> list[Reply]:
        """Post every form at the same moment, alternating between the servers."""
        return together(
            *(functools.partial(self.post, path, form, token, n) for n, form in enumerate(forms))
        )


def together(*attempts: Callable[[], Reply]) -> list[Reply]:
    """Run the attempts at the same moment, each in its own thread and connection."""
    start = Barrier(len(attempts))

    def run(attempt: Callable[[], Reply]) -> Reply:
        start.wait()
        return attempt()

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(run, attempts))


class PortalServers:
    def __init__(self, env: dict[str, str], ports: list[int]) -> None:
        self.env = env
        self.ports = ports
        self.processes: list[subprocess.Popen[bytes]] = []

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def run(self, code: str) -> Any:
        """Run Python in the servers' Django (their database); it prints JSON."""
        return json.loads(self.manage("shell", "-c", code).strip().splitlines()[-1])

    def start(self) -> None:
        for port in self.ports:
            # Gunicorn, as a district runs the portal: threads serve requests
            # at once, and the backlog takes a whole burst of connections.
            self.processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "hallpass.wsgi:application",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "1",
                        "--threads",
                        "32",
                        "--backlog",
                        "512",
                        "--log-level",
                        "warning",
                    ],
                    cwd=ROOT,
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        for port in self.ports:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, f"the server on {port} did not start"
                    time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=30)

    def browser(self, address: str) -> Browser:
        return Browser(self.ports, address)

    def hashes(self) -> int:
        """Argon2 hashes the servers have computed so far (accounts.tests.noting_hasher)."""
        log = Path(self.env["HALLPASS_TEST_HASH_LOG"])
        return len(log.read_text().splitlines()) if log.exists() else 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_portal(tmp: Path, extra_env: dict[str, str]) -> Iterator[PortalServers]:
    """Migrated, started portal servers for the configuration the suite runs on."""
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DEBUG": "false",
        "HALLPASS_VAR_DIR": str(tmp),
        "DJANGO_SETTINGS_MODULE": "accounts.tests.burst_settings",
        "HALLPASS_TEST_HASH_LOG": str(tmp / "hashes.log"),
        **extra_env,
    }
    on_postgres = database["ENGINE"].endswith("postgresql")
    name = f"hallpass_burst_{uuid.uuid4().hex[:12]}"
    host, port = database.get("HOST") or "127.0.0.1", database.get("PORT") or 5432
    user, password = database.get("USER") or "postgres", database.get("PASSWORD") or ""
    maintenance = make_conninfo(
        host=host, port=port, user=user, password=password or None, dbname="postgres"
    )
    if on_postgres:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        credentials = f"{quote(user)}:{quote(password)}" if password else quote(user)
        env["DATABASE_URL"] = f"postgres://{credentials}@{host}:{port}/{name}"
        env["CACHE_KEY_PREFIX"] = name
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'portal.sqlite3'}"
        env.pop("REDIS_URL", None)
    servers = PortalServers(env, [_free_port() for _ in range(2 if on_postgres else 1)])
    servers.manage("migrate", "--noinput")
    servers.manage("createcachetable")
    servers.start()
    try:
        yield servers
    finally:
        servers.stop()
        if on_postgres:
            with psycopg.connect(maintenance, autocommit=True) as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            client = redis.Redis.from_url(settings.REDIS_URL)
            stale = list(client.scan_iter(f"{name}:*"))
            if stale:
                client.delete(*stale)
