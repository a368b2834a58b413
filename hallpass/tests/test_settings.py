"""Production refuses to start with unsafe settings; the demo starts with none set."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from sso.signing_keys import write_new_key

PRINT_SETTINGS = "import hallpass.settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE)"
SAFE_PRODUCTION = {
    "HALLPASS_ENV": "production",
    "DEBUG": "false",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "portal.example.org",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "TASKS_BACKEND": "database",
    "HALLPASS_PORTAL_URL": "https://portal.example.org",
}


@pytest.fixture(autouse=True, scope="module")
def _production_signing_key(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Production signs ID tokens with a key of its own, never the demo key."""
    folder = tmp_path_factory.mktemp("oidc-keys")
    write_new_key(folder, now=datetime.now(UTC))
    SAFE_PRODUCTION["HALLPASS_OIDC_KEY_DIR"] = str(folder)


def load_settings(
    env: dict[str, str], code: str = PRINT_SETTINGS
) -> subprocess.CompletedProcess[str]:
    """Run `code` in a new Python with the test's environment, minus the settings
    these tests decide, plus `env`."""
    clean = {k: v for k, v in os.environ.items() if k not in {
        "HALLPASS_ENV", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE",
        "STATIC_ROOT", "DB_CONN_MAX_AGE", "EMAIL_BACKEND", "TASKS_BACKEND",
        "HALLPASS_OIDC_KEY_DIR", "HALLPASS_PORTAL_URL"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_demo_starts_with_no_settings_at_all() -> None:
    result = load_settings({})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]


def test_production_starts_with_safe_settings_and_secure_cookies() -> None:
    result = load_settings(SAFE_PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


PRINT_LANGUAGE_COOKIE = (
    "import hallpass.settings as s; "
    "print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_HTTPONLY)"
)


def test_production_makes_the_language_cookie_secure_like_the_others() -> None:
    result = load_settings(SAFE_PRODUCTION, PRINT_LANGUAGE_COOKIE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "Lax", "True"]


def test_the_demo_sends_the_language_cookie_over_plain_http() -> None:
    result = load_settings({}, PRINT_LANGUAGE_COOKIE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "Lax", "True"]


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"DEBUG": "true"}, "DEBUG is on"),
        ({"SECRET_KEY": ""}, "SECRET_KEY is the demo key"),
        ({"SECRET_KEY": "short"}, "shorter than 40 characters"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is empty"),
        ({"EMAIL_BACKEND": ""}, "outbox.backends.OutboxEmailBackend delivers no mail"),
        (
            {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
            "console.EmailBackend delivers no mail",
        ),
        ({"TASKS_BACKEND": "immediate"}, "TASKS_BACKEND must be database"),
        ({"HALLPASS_OIDC_KEY_DIR": ""}, "signing key is the demo key"),
        ({"HALLPASS_PORTAL_URL": ""}, "HALLPASS_PORTAL_URL is not set"),
        (
            {"HALLPASS_PORTAL_URL": "http://portal.example.org"},
            "HALLPASS_PORTAL_URL 'http://portal.example.org' is not an https:// address",
        ),
        (
            {"HALLPASS_PORTAL_URL": "https://127.0.0.1:8000"},
            "HALLPASS_PORTAL_URL's host 127.0.0.1 is not in ALLOWED_HOSTS",
        ),
    ],
)
def test_production_refuses_an_unsafe_setting(override: dict[str, str], complaint: str) -> None:
    env = {**SAFE_PRODUCTION, **override}
    for name in ("SECRET_KEY", "EMAIL_BACKEND", "HALLPASS_OIDC_KEY_DIR", "HALLPASS_PORTAL_URL"):
        if override.get(name) == "":
            env.pop(name)  # unset: the default
    result = load_settings(env)
    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr
    assert complaint in result.stderr


def test_a_boolean_setting_rejects_anything_but_true_or_false() -> None:
    result = load_settings({"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_school_networks_are_read_as_cidr_networks() -> None:
    result = load_settings(
        {"SCHOOL_NETWORKS": "10.20.0.0/16, 203.0.113.7,2001:db8::/48"},
        "import hallpass.settings as s; print(*s.SCHOOL_NETWORKS)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["10.20.0.0/16", "203.0.113.7/32", "2001:db8::/48"]


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"SCHOOL_NETWORKS": "10.20.0.0/16,10.0.0.0/33"}, "SCHOOL_NETWORKS: '10.0.0.0/33'"),
        ({"SCHOOL_NETWORKS": "school-a"}, "SCHOOL_NETWORKS: 'school-a' is not an IP network"),
        ({"SCHOOL_NETWORKS": "203.0.113.7/2"}, "'203.0.113.7/2' is not an IP network"),
        ({"SCHOOL_NETWORKS": "0.0.0.0/0"}, "would take in every address"),
        ({"SCHOOL_NETWORKS": "::/0"}, "would take in every address"),
        ({"SCHOOL_NETWORKS": "::ffff:10.20.0.0/112"}, "as an IPv4 network"),
        ({"SCHOOL_NETWORK_LIMIT_MULTIPLIER": "0"}, "must be 1 or more"),
        ({"THROTTLE_IPV6_PREFIX_LENGTH": "16"}, "must be between 32 and 128"),
        ({"SCHOOL_NETWORKS": "2001:db8:5:5::1"}, "2001:db8:5:5::1/128 is smaller than the /64"),
        (
            {"SCHOOL_NETWORKS": "2001:db8:5::/48", "THROTTLE_IPV6_PREFIX_LENGTH": "40"},
            "2001:db8:5::/48 is smaller than the /40",
        ),
        ({"THROTTLE_IPV6_PREFIX_LENGTH": "129"}, "must be between 32 and 128"),
        (
            {"SESSION_IDLE_TIMEOUT_SECONDS": "600", "SESSION_RENEW_AFTER_SECONDS": "600"},
            "SESSION_RENEW_AFTER_SECONDS must be at least 0 and less than",
        ),
    ],
)
def test_a_bad_throttle_or_session_setting_stops_the_start(
    env: dict[str, str], complaint: str
) -> None:
    result = load_settings(env)
    assert result.returncode != 0
    assert complaint in result.stderr


def test_secrets_can_come_from_a_file(tmp_path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("f" * 60 + "\n")
    env = {**SAFE_PRODUCTION, "SECRET_KEY_FILE": str(secret_file)}
    env.pop("SECRET_KEY")
    result = load_settings(env)
    assert result.returncode == 0, result.stderr


def test_the_claim_deadline_must_be_a_real_date() -> None:
    result = load_settings({"HALLPASS_CLAIM_DEADLINE": "August 2"})
    assert result.returncode != 0
    assert "HALLPASS_CLAIM_DEADLINE must be a date as YYYY-MM-DD" in result.stderr
    assert load_settings({"HALLPASS_CLAIM_DEADLINE": "2027-08-02"}).returncode == 0


SERVE_STYLESHEET = """
import warnings
warnings.simplefilter("error")  # any warning (WhiteNoise's "No directory at") fails
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
response = Client().get("/static/hallpass/hallpass.css")
print(response.status_code, response["Content-Type"])
"""


def test_the_demo_serves_its_stylesheet_with_debug_off_and_no_collectstatic() -> None:
    result = load_settings(
        {"DEBUG": "false", "DJANGO_SETTINGS_MODULE": "hallpass.settings"}, SERVE_STYLESHEET
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "200" and "text/css" in result.stdout


def test_an_empty_static_root_falls_back_to_its_own_folder() -> None:
    result = load_settings(
        {"STATIC_ROOT": ""}, "import hallpass.settings as s; print(s.STATIC_ROOT)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("staticfiles")


@pytest.mark.parametrize("static_root", ["relative/static", "/", "{base}", "{base}/var"])
def test_a_static_root_that_would_publish_code_or_data_refuses_to_start(static_root: str) -> None:
    base = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = load_settings(
        {"STATIC_ROOT": static_root.format(base=base),
         "HALLPASS_VAR_DIR": os.path.join(base, "var")},
        "import hallpass.settings",
    )
    assert result.returncode != 0
    assert "STATIC_ROOT" in result.stderr


PRINT_CONNECTION_AGE = (
    "import hallpass.settings as s; print(s.DATABASES['default']['CONN_MAX_AGE'])"
)


def test_sqlite_connections_persist_between_requests_unless_told_otherwise() -> None:
    # Reopening SQLite runs its PRAGMAs again: a sign-in cost ~4.5 ms instead of ~1.6.
    kept = load_settings({"DATABASE_URL": "sqlite:////tmp/hallpass-settings-test.sqlite3"},
                         PRINT_CONNECTION_AGE)
    closed = load_settings({"DATABASE_URL": "sqlite:////tmp/hallpass-settings-test.sqlite3",
                            "DB_CONN_MAX_AGE": "0"}, PRINT_CONNECTION_AGE)
    assert (kept.stdout.strip(), closed.stdout.strip()) == ("60", "0"), kept.stderr
