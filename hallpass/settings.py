"""Hallpass settings.

Every deploy knob comes from an environment variable with a safe default for the
demo. Only this module reads os.environ; apps read django.conf.settings.
With HALLPASS_ENV=production the process refuses to start on an unsafe setting.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sso import signing_keys

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HALLPASS_VAR_DIR", BASE_DIR / "var"))

DEMO_SECRET_KEY = "demo-only-insecure-secret-key-change-me"  # noqa: S105 - refused in production


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value in ("True", "true", "1", "yes", "on"):
        return True
    if value in ("False", "false", "0", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envfloat(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envsecret(name: str, default: str) -> str:
    """A secret from NAME, or from the file named by NAME_FILE (Docker/K8s secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def envdate(name: str) -> date | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a date as YYYY-MM-DD, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in envstr(name, default).split(",") if item.strip()]


def envnetworks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated IP networks in CIDR notation (203.0.113.0/28, 2001:db8::/48); a
    bare address is a network of one. Host bits set (203.0.113.7/24), a network of
    everything (/0) and IPv4 written as IPv6 (::ffff:...) are refused, not guessed."""
    networks = []
    for item in envlist(name, ""):
        try:
            network = ipaddress.ip_network(item)
        except ValueError as error:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP network such as 203.0.113.0/28 ({error})"
            ) from None
        if network.prefixlen == 0:
            raise ImproperlyConfigured(f"{name}: {item!r} would take in every address")
        if isinstance(network, ipaddress.IPv6Network) and network.network_address.ipv4_mapped:
            raise ImproperlyConfigured(f"{name}: write {item!r} as an IPv4 network")
        networks.append(network)
    return tuple(networks)


HALLPASS_ENV = envstr("HALLPASS_ENV", "demo")  # demo | production | test
PRODUCTION = HALLPASS_ENV == "production"

DEBUG = envbool("DEBUG", not PRODUCTION)
SECRET_KEY = envsecret("SECRET_KEY", DEMO_SECRET_KEY)
ALLOWED_HOSTS = envlist(
    "ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver"
)
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "common",
    "audit",
    "directory",
    "outbox",
    "accounts",
    # Before oauth2_provider, so that its pages use Hallpass's templates.
    "sso",
    "oauth2_provider",
    "portal",
    "support",
    "dashboard",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files (the SVG logo among them) get the headers too.
    "csp.middleware.CSPMiddleware",
    "common.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CsrfViewMiddleware, which parses the body (files included).
    "common.uploads.RefuseUnexpectedUploadsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.AccountLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.PolicyAcceptanceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hallpass.urls"
WSGI_APPLICATION = "hallpass.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "common.context_processors.district",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hallpass.sqlite3'}")
DATABASES: dict[str, dict[str, Any]] = {
    "default": dict(dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60)))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers proceed during a sync; IMMEDIATE avoids "database is locked"
    # upgrade deadlocks when two requests write at once. Connections persist
    # (DB_CONN_MAX_AGE) as on PostgreSQL: opening one runs the PRAGMAs again, which
    # cost a sign-in more than its own statements.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared by every process (sessions, short-lived flags). Never LocMem. -----
# Attempt counters (common.throttle) live in Redis when it is configured, otherwise in
# their own table: both count atomically, which Django's database cache cannot.
REDIS_URL = envstr("REDIS_URL", "")
CACHE_KEY_PREFIX = envstr("CACHE_KEY_PREFIX", "hallpass")
THROTTLE_KEY_PREFIX = CACHE_KEY_PREFIX
if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
    SESSION_ENGINE = "accounts.session_backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hallpass_cache",
            # Django's default of 300 entries would cull live entries (the directory
            # sync's lock among them) once more than 300 are in use.
            "OPTIONS": {"MAX_ENTRIES": envint("CACHE_MAX_ENTRIES", 100_000)},
        }
    }
    # Django's db engine, writing a new session once per request (one INSERT at sign-in).
    SESSION_ENGINE = "accounts.session_backends.db"

# --- Background tasks (django-tasks) -------------------------------------------
# "immediate" runs a task in the enqueuing process (demo, tests); "database" stores it
# for `manage.py db_worker` processes on any machine.
TASKS_BACKEND = envstr("TASKS_BACKEND", "immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND]
    }
}

# --- Auth ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.Account"
AUTHENTICATION_BACKENDS = ["accounts.authentication.AccountBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Argon2id at OWASP's recommended minimum (m=19 MiB, t=2, p=1).
ARGON2_TIME_COST = envint("ARGON2_TIME_COST", 2)
ARGON2_MEMORY_COST_KIB = envint("ARGON2_MEMORY_COST_KIB", 19456)
ARGON2_PARALLELISM = envint("ARGON2_PARALLELISM", 1)
PASSWORD_HASHERS = [
    "accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_MIN_LENGTH = envint("PASSWORD_MIN_LENGTH", 8)
PASSWORD_HISTORY_COUNT = envint("PASSWORD_HISTORY_COUNT", 5)

# --- Claim policies per role: password rules and challenge questions ------------------
# The roles a policy is set for: the directory's four, and "it" for IT staff accounts
# (staff status in the admin, or no directory person), which can change everyone's.
POLICY_ROLES = ("student", "teacher", "staff", "administrator", "it")
PASSWORD_RULE_NAMES = ("min_length", "character_classes", "history_count")
CHALLENGE_RULE_NAMES = ("count", "required")


def envrolemap(name: str, defaults: dict[str, dict[str, Any]], rules: tuple[str, ...]) -> dict[
    str, dict[str, Any]
]:
    """A JSON object of rules per role (`{"staff": {"min_length": 12}}`) over `defaults`:
    a role or rule left out keeps its default; an unknown role or rule, or a value of
    the wrong type, stops the start rather than being ignored."""
    raw = os.environ.get(name, "").strip()
    merged = {role: dict(values) for role, values in defaults.items()}
    if not raw:
        return merged
    try:
        given = json.loads(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a JSON object ({error})") from None
    if not isinstance(given, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object of roles")
    for role, values in given.items():
        if role not in merged or not isinstance(values, dict):
            raise ImproperlyConfigured(
                f"{name}: {role!r} is not one of {', '.join(POLICY_ROLES)} with its rules"
            )
        for rule, value in values.items():
            default = merged[role].get(rule)
            if rule not in rules or type(value) is not type(default):
                raise ImproperlyConfigured(f"{name}: {role}.{rule} = {value!r} is not a rule")
            merged[role][rule] = value
    return merged


def password_validators(min_length: int, character_classes: int, history_count: int) -> list[
    dict[str, Any]
]:
    """One role's password rules as Django password validators, one class per rule.
    NIST SP 800-63B: a length and the common-password list; a composition rule only
    where the district asks for one (character_classes, 0 for none)."""
    if not 1 <= min_length <= 128 or not 0 <= character_classes <= 4 or history_count < 0:
        raise ImproperlyConfigured(
            "HALLPASS_PASSWORD_POLICIES: min_length 1 to 128, character_classes 0 to 4, "
            "history_count 0 or more"
        )
    validators: list[dict[str, Any]] = [
        {
            "NAME": "accounts.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": min_length},
        },
    ]
    if character_classes:
        validators.append(
            {
                "NAME": "accounts.password_validation.CharacterClassesValidator",
                "OPTIONS": {"min_classes": character_classes},
            }
        )
    validators += [
        {"NAME": "accounts.password_validation.CommonPasswordValidator"},
        {"NAME": "accounts.password_validation.NoPersonalInformationValidator"},
        {
            "NAME": "accounts.password_validation.PasswordHistoryValidator",
            "OPTIONS": {"history_count": history_count},
        },
    ]
    return validators


def _password_defaults(role: str) -> dict[str, Any]:
    # IT staff accounts can change everyone's: NIST SP 800-63B-4 asks 15 characters of
    # a password that is the only factor. Everyone else: the district's letters' 8.
    length = max(PASSWORD_MIN_LENGTH, 15) if role == "it" else PASSWORD_MIN_LENGTH
    return {"min_length": length, "character_classes": 0, "history_count": PASSWORD_HISTORY_COUNT}


# HALLPASS_PASSWORD_POLICIES='{"staff": {"min_length": 12, "character_classes": 3}}'
PASSWORD_POLICY_RULES = envrolemap(
    "HALLPASS_PASSWORD_POLICIES",
    {role: _password_defaults(role) for role in POLICY_ROLES},
    PASSWORD_RULE_NAMES,
)
PASSWORD_POLICIES = {
    role: password_validators(**rules) for role, rules in PASSWORD_POLICY_RULES.items()
}
# Django's own commands (createsuperuser, changepassword) make IT staff accounts.
AUTH_PASSWORD_VALIDATORS = PASSWORD_POLICIES["it"]

# HALLPASS_CHALLENGE_QUESTIONS='{"staff": {"count": 2, "required": false}}': how many
# questions a role answers, and whether they may skip them (and with them recovery by
# the questions). The letters: three, for everyone.
CHALLENGE_QUESTION_POLICIES = envrolemap(
    "HALLPASS_CHALLENGE_QUESTIONS",
    {role: {"count": 3, "required": True} for role in POLICY_ROLES},
    CHALLENGE_RULE_NAMES,
)
if any(not 1 <= rules["count"] <= 5 for rules in CHALLENGE_QUESTION_POLICIES.values()):
    raise ImproperlyConfigured("HALLPASS_CHALLENGE_QUESTIONS: count must be 1 to 5")

# --- Sessions: shared devices, so short idle timeout ------------------------------
SESSION_COOKIE_AGE = envint("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
# SESSION_COOKIE_AGE is an idle timeout: accounts.middleware.SessionRenewalMiddleware
# renews a session used again once its last write is this old, instead of Django's
# write on every request (SESSION_SAVE_EVERY_REQUEST).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_AFTER_SECONDS = envint("SESSION_RENEW_AFTER_SECONDS", 60)
if not 0 <= SESSION_RENEW_AFTER_SECONDS < SESSION_COOKIE_AGE:
    # Renewing no sooner than the timeout would sign active people out on a clock.
    raise ImproperlyConfigured(
        "SESSION_RENEW_AFTER_SECONDS must be at least 0 and less than "
        "SESSION_IDLE_TIMEOUT_SECONDS"
    )
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "common.views.csrf_failure"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# django-csp. No inline script or style anywhere (the district's colours come from a
# stylesheet, common.views.branding_stylesheet). Images may also come from any https
# address: app tiles' icons and the district's logo are often on a vendor's site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "https:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        # The knowledge base's tutorial videos (support/kb.py embeds these players only).
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        # A district-hosted video plays from this site or any https address.
        "media-src": [SELF, "https:"],
    }
}
if envbool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Throttles (counted in the shared cache) -------------------------------------
LOGIN_MAX_FAILURES_PER_ACCOUNT = envint("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)
LOGIN_MAX_FAILURES_PER_IP = envint("LOGIN_MAX_FAILURES_PER_IP", 50)
LOGIN_LOCKOUT_SECONDS = envint("LOGIN_LOCKOUT_SECONDS", 15 * 60)
CLAIM_MAX_FAILURES_PER_IP = envint("CLAIM_MAX_FAILURES_PER_IP", 20)
CLAIM_MAX_FAILURES_PER_IDENTITY = envint("CLAIM_MAX_FAILURES_PER_IDENTITY", 5)
CLAIM_MAX_FAILURES_PER_NAME_PER_IP = envint("CLAIM_MAX_FAILURES_PER_NAME_PER_IP", 10)
CLAIM_LOCKOUT_SECONDS = envint("CLAIM_LOCKOUT_SECONDS", 15 * 60)
RECOVERY_MAX_FAILURES = envint("RECOVERY_MAX_FAILURES", 5)
RECOVERY_MAX_REQUESTS_PER_IP = envint("RECOVERY_MAX_REQUESTS_PER_IP", 20)
RECOVERY_MAX_EMAILS_PER_ADDRESS = envint("RECOVERY_MAX_EMAILS_PER_ADDRESS", 3)
RECOVERY_WINDOW_SECONDS = envint("RECOVERY_WINDOW_SECONDS", 60 * 60)
# Failed token exchanges of single sign-on (a wrong client secret, a used or guessed
# code or refresh token), per client and per address. An app's server exchanges
# codes all day and fails rarely; each attempt costs a hash of the client's secret.
SSO_TOKEN_MAX_FAILURES_PER_CLIENT = envint("SSO_TOKEN_MAX_FAILURES_PER_CLIENT", 20)
SSO_TOKEN_MAX_FAILURES_PER_IP = envint("SSO_TOKEN_MAX_FAILURES_PER_IP", 20)
SSO_TOKEN_LOCKOUT_SECONDS = envint("SSO_TOKEN_LOCKOUT_SECONDS", 15 * 60)
# A school reaches the portal through one NAT address shared by hundreds of people,
# all signing in on the first morning. Per-address limits (the *_PER_IP ones) are
# multiplied for addresses in these networks, so a school's typos cannot lock the
# whole school out; the per-account and per-identity limits, which protect each
# account, stay as they are.
SCHOOL_NETWORKS = envnetworks("SCHOOL_NETWORKS")
SCHOOL_NETWORK_LIMIT_MULTIPLIER = envint("SCHOOL_NETWORK_LIMIT_MULTIPLIER", 20)
if SCHOOL_NETWORK_LIMIT_MULTIPLIER < 1:
    raise ImproperlyConfigured("SCHOOL_NETWORK_LIMIT_MULTIPLIER must be 1 or more")
# Per-address throttles count an IPv6 client's whole network of this length: one
# home or phone holds a /64 and can change address within it at will.
THROTTLE_IPV6_PREFIX_LENGTH = envint("THROTTLE_IPV6_PREFIX_LENGTH", 64)
if not 32 <= THROTTLE_IPV6_PREFIX_LENGTH <= 128:
    raise ImproperlyConfigured("THROTTLE_IPV6_PREFIX_LENGTH must be between 32 and 128")
for _network in SCHOOL_NETWORKS:
    # A school inside a counted block would share its counter with its neighbours,
    # which would then be held to the school's multiplied limit's count.
    if _network.version == 6 and _network.prefixlen > THROTTLE_IPV6_PREFIX_LENGTH:
        raise ImproperlyConfigured(
            f"SCHOOL_NETWORKS: {_network} is smaller than the "
            f"/{THROTTLE_IPV6_PREFIX_LENGTH} that IPv6 clients are counted by "
            "(THROTTLE_IPV6_PREFIX_LENGTH); list the school's whole network"
        )

# --- Directory sync ------------------------------------------------------------------
CLAIM_DELAY_HOURS = envfloat("HALLPASS_CLAIM_DELAY_HOURS", 24.0)
SYNC_DEACTIVATION_THRESHOLD = envfloat("HALLPASS_SYNC_DEACTIVATION_THRESHOLD", 0.05)
DIRECTORY_SYNC_HOOKS = [  # directory.sync.hooks
    "accounts.sync_hooks.follow_username_changes",
    "sso.sync_hooks.end_tokens_of_deactivated_people",
    "dashboard.daily.forget_kept_counts",
]
# Called when an account's access ends (reset, disabled, signed out, password changed
# or reset), so that what the apps above accounts issued ends with it (accounts.hooks).
ACCOUNT_ACCESS_ENDED_HOOKS = ["sso.services.end_tokens_on_access_ended"]
# Who may approve or discard a refused sync (directory.sync.review): a dotted path to a
# function of the user, so the directory need not import the accounts app.
DIRECTORY_SYNC_REVIEWER = "accounts.roles.is_it_administrator"
# A run holding back more than this share of a file's rows (and more than
# SYNC_MAX_HELD_BACK_ROWS rows) is refused, like a mass deactivation.
SYNC_MAX_HELD_BACK = envfloat("HALLPASS_SYNC_MAX_HELD_BACK", 0.01)
SYNC_MAX_HELD_BACK_ROWS = envint("HALLPASS_SYNC_MAX_HELD_BACK_ROWS", 10)
# Who hears of a scheduled run that failed, was refused or held rows back.
SYNC_IT_CONTACTS = envlist("HALLPASS_SYNC_IT_CONTACTS", "")
# Refused runs' packages, kept until approved or discarded.
SYNC_HELD_DIR = Path(os.environ.get("HALLPASS_SYNC_HELD_DIR", VAR_DIR / "sync-held"))
# Username templates per role; {identifier} is the normalised SIS/HR number.
USERNAME_TEMPLATES = {
    "student": envstr("HALLPASS_USERNAME_TEMPLATE_STUDENT", "s0{identifier}"),
    "teacher": envstr("HALLPASS_USERNAME_TEMPLATE_EMPLOYEE", "e{identifier}"),
    "staff": envstr("HALLPASS_USERNAME_TEMPLATE_EMPLOYEE", "e{identifier}"),
    "administrator": envstr("HALLPASS_USERNAME_TEMPLATE_EMPLOYEE", "e{identifier}"),
}
EMPLOYEE_ID_DIGITS = envint("HALLPASS_EMPLOYEE_ID_DIGITS", 6)
# Where the student number lives in users.csv: identifier | username | userIds:<Type>
ONEROSTER_STUDENT_ID_SOURCE = envstr("HALLPASS_ONEROSTER_STUDENT_ID_SOURCE", "identifier")
ONEROSTER_EMPLOYEE_ID_SOURCE = envstr("HALLPASS_ONEROSTER_EMPLOYEE_ID_SOURCE", "identifier")

# `manage.py demo` creates the IT superuser "admin" with this password (random if empty).
DEMO_ADMIN_PASSWORD = envsecret("HALLPASS_DEMO_ADMIN_PASSWORD", "")

# --- Single sign-on: Hallpass as an OpenID Connect provider (django-oauth-toolkit) ----
# The RSA keys that sign ID tokens live in a folder (sso.signing_keys); `manage.py
# rotate_signing_key` adds a new one. Without a folder the demo key signs, which
# production refuses.
OIDC_KEY_DIR = envstr("HALLPASS_OIDC_KEY_DIR", "")
OIDC_ID_TOKEN_SECONDS = envint("HALLPASS_OIDC_ID_TOKEN_SECONDS", 60 * 60)
OIDC_ACCESS_TOKEN_SECONDS = envint("HALLPASS_OIDC_ACCESS_TOKEN_SECONDS", 60 * 60)
OIDC_REFRESH_TOKEN_SECONDS = envint("HALLPASS_OIDC_REFRESH_TOKEN_SECONDS", 14 * 24 * 60 * 60)
OIDC_RETIRED_KEY_GRACE_SECONDS = envint("HALLPASS_OIDC_RETIRED_KEY_GRACE_SECONDS", 24 * 60 * 60)
OIDC_KEEP_RETIRED_KEY = timedelta(seconds=OIDC_ID_TOKEN_SECONDS + OIDC_RETIRED_KEY_GRACE_SECONDS)
OIDC_SIGNING_KEYS = signing_keys.load(
    Path(OIDC_KEY_DIR) if OIDC_KEY_DIR else None,
    now=datetime.now(UTC),
    keep_retired=OIDC_KEEP_RETIRED_KEY,
)
# The toolkit's own models, named so that migrations can refer to them (swappable).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER: dict[str, Any] = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": OIDC_SIGNING_KEYS.active,
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": list(OIDC_SIGNING_KEYS.retired),
    # Empty: the issuer is the address the discovery document is asked at.
    "OIDC_ISS_ENDPOINT": envstr("HALLPASS_OIDC_ISSUER", ""),
    "OAUTH2_VALIDATOR_CLASS": "sso.oidc.validators.HallpassValidator",
    "SCOPES": {
        "openid": _("Sign you in"),
        "profile": _("Your name and username"),
        "email": _("Your district email address"),
        "roster": _("Your role, your schools and your grade"),
    },
    "DEFAULT_SCOPES": ["openid"],
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": [
        "client_secret_basic", "client_secret_post", "none",
    ],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    # Codes live a minute and are used once; refresh tokens rotate, and a refresh
    # token used twice ends its whole family (a stolen copy is then worthless).
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": OIDC_ACCESS_TOKEN_SECONDS,
    "ID_TOKEN_EXPIRE_SECONDS": OIDC_ID_TOKEN_SECONDS,
    "REFRESH_TOKEN_EXPIRE_SECONDS": OIDC_REFRESH_TOKEN_SECONDS,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # Consent already given is remembered while the app holds a live token.
    "REQUEST_APPROVAL_PROMPT": "auto",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if PRODUCTION else ["https", "http"],
    "ALLOW_URI_WILDCARDS": False,
    "ALLOW_LOCALHOST_LOOPBACK": False,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    # Asked only when the app cannot show which signed-in person it speaks for.
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": True,
    # RFC 9700 (OAuth 2.0 security best practice): no implicit or password grant,
    # no "plain" PKCE, no tokens in URLs, the issuer in authorization responses,
    # tokens stored only as hashes.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": PRODUCTION,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
# An app's icon: PNG, JPEG or WebP up to this size (bytes) and these pixels a side.
SSO_ICON_MAX_BYTES = envint("HALLPASS_APP_ICON_MAX_BYTES", 256 * 1024)
SSO_ICON_MAX_PIXELS = envint("HALLPASS_APP_ICON_MAX_PIXELS", 1024)

# --- The district (branding and help; never hard-coded in templates) -------------
DISTRICT: dict[str, Any] = {
    "name": envstr("HALLPASS_DISTRICT_NAME", "Hallpass Demo School District"),
    "short_name": envstr("HALLPASS_DISTRICT_SHORT_NAME", "HDSD"),
    # The address links in emails lead to. Required in production (no default could
    # be right there); `manage.py demo` sets it to the address it serves.
    "portal_url": envstr("HALLPASS_PORTAL_URL", "" if PRODUCTION else "http://127.0.0.1:8000"),
    "logo_url": envstr("HALLPASS_LOGO_URL", "/static/hallpass/logo.svg"),
    "primary_color": envstr("HALLPASS_PRIMARY_COLOR", "#0b5394"),
    "accent_color": envstr("HALLPASS_ACCENT_COLOR", "#f1c232"),
    "help_email": envstr("HALLPASS_HELP_EMAIL", "ithelp@example.org"),
    "help_phone": envstr("HALLPASS_HELP_PHONE", "(555) 010-2772"),
    # Names that appear inside sentences have a form per language: NAME_ES and NAME_VI
    # where set (common.context_processors.district_settings), else the name given for
    # every language (a proper name such as "Infinite Campus"), else a translated default.
    "support_center_name": envstr("HALLPASS_SUPPORT_CENTER_NAME", "")
    or _("Technology Support Center"),
    "support_center_name_es": envstr("HALLPASS_SUPPORT_CENTER_NAME_ES", ""),
    "support_center_name_vi": envstr("HALLPASS_SUPPORT_CENTER_NAME_VI", ""),
    "sis_name": envstr("HALLPASS_SIS_NAME", "") or _("the student information system"),
    "sis_name_es": envstr("HALLPASS_SIS_NAME_ES", ""),
    "sis_name_vi": envstr("HALLPASS_SIS_NAME_VI", ""),
    "email_domain": envstr("HALLPASS_EMAIL_DOMAIN", "example.org"),
    # The date by which everyone must have claimed (the letter's "before August 2"),
    # shown on the claim and sign-in pages; none by default.
    "claim_deadline": envdate("HALLPASS_CLAIM_DEADLINE"),
}

# --- Email -------------------------------------------------------------------------------
# Demo: an outbox stored in the database that staff can read at /outbox/.
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "outbox.backends.OutboxEmailBackend")
UNDELIVERED_EMAIL_BACKENDS = {
    "outbox.backends.OutboxEmailBackend",
    *(f"django.core.mail.backends.{name}.EmailBackend"
      for name in ("console", "locmem", "dummy", "filebased")),
}
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Hallpass <no-reply@example.org>")

# --- i18n -------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
# The switcher's cookie, set like the session's and CSRF's: nothing reads it in a script.
LANGUAGE_COOKIE_SECURE = envbool("LANGUAGE_COOKIE_SECURE", PRODUCTION)
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("vi", _("Vietnamese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats that differ from Django's for a language (Vietnamese dates in a sentence).
FORMAT_MODULE_PATH = ["hallpass.formats"]
USE_I18N = True
TIME_ZONE = envstr("TIME_ZONE", "America/New_York")
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Everything under STATIC_ROOT is public at /static/: an empty value (Path("") is the
# working directory) or a folder holding the code or var/ (the database) would publish
# them, so those refuse to start in every environment.
STATIC_ROOT = Path(envstr("STATIC_ROOT", "") or BASE_DIR / "staticfiles")
if not STATIC_ROOT.is_absolute():
    raise ImproperlyConfigured(f"STATIC_ROOT must be an absolute path, not {str(STATIC_ROOT)!r}")
for _private in (BASE_DIR, VAR_DIR):
    if STATIC_ROOT.resolve() in (_private.resolve(), *_private.resolve().parents):
        raise ImproperlyConfigured(
            f"STATIC_ROOT {STATIC_ROOT} would publish {_private} at /static/; "
            "use a folder of its own"
        )
# Outside production WhiteNoise serves the source folders directly (DEBUG on or off, no
# collectstatic). Production serves STATIC_ROOT, which collectstatic fills; there
# WhiteNoise's "No directory at" warning means collectstatic was forgotten, so only
# outside production is an empty STATIC_ROOT made to keep it quiet.
WHITENOISE_USE_FINDERS = not PRODUCTION
if PRODUCTION:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
else:
    with contextlib.suppress(OSError):  # a read-only checkout: WhiteNoise only warns
        STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- Technology Support Center -------------------------------------------------------
# Attachments live here under random names, served only through a view that checks who
# may see the ticket: never inside the code or the static files (refused below).
SUPPORT_ATTACHMENT_ROOT = Path(
    envstr("HALLPASS_SUPPORT_ATTACHMENT_ROOT", "") or VAR_DIR / "attachments"
)
SUPPORT_ATTACHMENT_MAX_BYTES = envint("HALLPASS_SUPPORT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
SUPPORT_ATTACHMENT_MAX_FILES = envint("HALLPASS_SUPPORT_ATTACHMENT_MAX_FILES", 5)
# What may be attached, by what the content is (support.attachments): extensions.
SUPPORT_ATTACHMENT_TYPES = envlist(
    "HALLPASS_SUPPORT_ATTACHMENT_TYPES", "png,jpg,jpeg,gif,webp,pdf,txt,log,csv"
)
# A requester's reply reopens a resolved ticket for this many days after it was resolved.
SUPPORT_REOPEN_WINDOW = timedelta(days=envfloat("HALLPASS_SUPPORT_REOPEN_DAYS", 7.0))
# Whether the requester is emailed when a technician is assigned.
SUPPORT_EMAIL_ON_ASSIGNMENT = envbool("HALLPASS_SUPPORT_EMAIL_ON_ASSIGNMENT", True)
SUPPORT_QUEUE_PAGE_SIZE = envint("HALLPASS_SUPPORT_QUEUE_PAGE_SIZE", 50)
# Where replies to a ticket's emails go, with {token} for the ticket's reply token
# (e.g. support+{token}@example.org, delivered to manage.py support_inbound); empty:
# the emails say to answer on the ticket's page.
SUPPORT_REPLY_ADDRESS = envstr("HALLPASS_SUPPORT_REPLY_ADDRESS", "")
if SUPPORT_REPLY_ADDRESS and "{token}" not in SUPPORT_REPLY_ADDRESS:
    raise ImproperlyConfigured("HALLPASS_SUPPORT_REPLY_ADDRESS must contain {token}")


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve() == folder.resolve() or folder.resolve() in path.resolve().parents


if (
    not SUPPORT_ATTACHMENT_ROOT.is_absolute()
    or any(_inside(SUPPORT_ATTACHMENT_ROOT, f) for f in (STATIC_ROOT, *STATICFILES_DIRS))
    or (
        _inside(SUPPORT_ATTACHMENT_ROOT, BASE_DIR)
        and not _inside(SUPPORT_ATTACHMENT_ROOT, VAR_DIR)
    )
):
    raise ImproperlyConfigured(
        f"HALLPASS_SUPPORT_ATTACHMENT_ROOT {SUPPORT_ATTACHMENT_ROOT} must be an absolute "
        "path outside the code and the static files"
    )

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}


def _portal_url_problems(url: str) -> list[str]:
    """What is wrong with the portal's address for production: emails link to it, so
    it must be the https address families reach, on a host this site answers to."""
    from django.http.request import validate_host

    if not url:
        return ["HALLPASS_PORTAL_URL is not set (the https:// address of the portal)"]
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return [f"HALLPASS_PORTAL_URL {url!r} is not an https:// address"]
    if not validate_host(parts.hostname, ALLOWED_HOSTS):
        return [f"HALLPASS_PORTAL_URL's host {parts.hostname} is not in ALLOWED_HOSTS"]
    return []


def _refuse_unsafe_production_settings() -> None:
    problems = []
    if DEBUG:
        problems.append("DEBUG is on")
    if SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 40:
        problems.append("SECRET_KEY is the demo key or shorter than 40 characters")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is empty")
    if EMAIL_BACKEND in UNDELIVERED_EMAIL_BACKENDS:
        problems.append(f"EMAIL_BACKEND {EMAIL_BACKEND} delivers no mail (use SMTP)")
    if signing_keys.is_demo_key(OIDC_SIGNING_KEYS.active):
        problems.append(
            "the ID-token signing key is the demo key (set HALLPASS_OIDC_KEY_DIR and run "
            "manage.py rotate_signing_key)"
        )
    if TASKS_BACKEND != "database":
        # Sent inside the request, a forgot-username answer would take longer when the
        # address matched (telling who has an account) and wait on the mail server.
        problems.append("TASKS_BACKEND must be database (mail queued for db_worker)")
    problems += _portal_url_problems(str(DISTRICT["portal_url"]))
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start in production: " + "; ".join(problems) + "."
        )


if PRODUCTION:
    _refuse_unsafe_production_settings()
