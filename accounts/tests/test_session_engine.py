"""The session engines that write a new session once per request
(accounts.session_backends): one INSERT at sign-in, nothing lost, Django-compatible."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DjangoDBStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.session_backends import RENEWED_AT_KEY, cached_db, db
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account
from common.tests.client import FormClient

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
HOME = reverse("portal:home")


def _session_writes(captured: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"].split()[0]
        for q in captured.captured_queries
        if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")
    ]


def test_signing_in_writes_the_session_once():
    cache.clear()
    account = make_claimed_account()
    client = FormClient()
    with CaptureQueriesContext(connection) as captured:
        response = client.post(LOGIN, {"username": account.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert _session_writes(captured) == ["INSERT"]
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.get(session_key=key).get_decoded()[SESSION_KEY] == str(account.pk)
    assert client.get(HOME).status_code == 200


def _signed_in_client() -> tuple[FormClient, str]:
    cache.clear()
    account = make_claimed_account()
    client = FormClient()
    client.post(LOGIN, {"username": account.username, "password": DEFAULT_PASSWORD})
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


def test_a_page_view_soon_after_the_last_write_writes_nothing():
    """The landing page after a sign-in does not write again what the sign-in wrote."""
    client, _key = _signed_in_client()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOME)
    assert response.status_code == 200
    assert _session_writes(captured) == []
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_a_page_view_once_the_last_write_is_old_enough_renews_the_idle_timeout(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client, key = _signed_in_client()
    soon = timezone.now() + timedelta(minutes=10)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    renew_after = timedelta(seconds=settings.SESSION_RENEW_AFTER_SECONDS)

    time_machine.shift(renew_after - timedelta(seconds=1))
    assert client.get(HOME).status_code == 200
    assert Session.objects.get(session_key=key).expire_date == soon

    time_machine.shift(timedelta(seconds=1))
    response = client.get(HOME)

    assert response.status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed == timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == key


def test_a_session_written_by_djangos_own_engine_is_renewed_on_its_next_use():
    """No stamp of ours (a session from before this engine): renewed at once."""
    cache.clear()
    account = make_claimed_account()
    client = FormClient()
    client.force_login(account)  # written by the configured engine: stamped
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    theirs = DjangoDBStore(key)
    theirs.pop(RENEWED_AT_KEY)
    theirs.save()
    cache.clear()
    soon = timezone.now() + timedelta(seconds=60)
    Session.objects.filter(session_key=key).update(expire_date=soon)

    assert client.get(HOME).status_code == 200

    assert Session.objects.get(session_key=key).expire_date > soon


def test_a_new_session_is_one_insert_without_savepoint_or_clash_lookup():
    session = db.SessionStore()
    session["step"] = 1
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        session.save()
    statements = [q["sql"].split()[0] for q in captured.captured_queries]
    assert statements == ["INSERT"]


def test_a_key_clash_inserts_nothing_and_leaves_the_transaction_usable():
    existing = db.SessionStore()
    existing["who"] = "ana"
    existing.save()
    clashing = db.SessionStore(existing.session_key)
    clashing["who"] = "mallory"
    with transaction.atomic():
        with pytest.raises(CreateError):
            clashing.save(must_create=True)
        assert Session.objects.filter(session_key=existing.session_key).count() == 1
    assert db.SessionStore(existing.session_key)["who"] == "ana"


def test_an_unchanged_second_save_runs_no_query():
    session = db.SessionStore()
    session["step"] = 1
    session.save()
    with CaptureQueriesContext(connection) as captured:
        session.save()
    assert captured.captured_queries == []


def test_a_change_after_the_first_save_is_still_written():
    session = db.SessionStore()
    session["step"] = 1
    session.save()
    session["step"] = 2
    session.save()
    assert db.SessionStore(session.session_key)["step"] == 2


def test_a_save_after_delete_is_not_skipped_but_fails_like_djangos():
    # SessionMiddleware turns UpdateError into SessionInterrupted (signed out elsewhere).
    session = db.SessionStore()
    session["step"] = 1
    session.save()
    session.delete()
    with pytest.raises(UpdateError):
        session.save()


def test_cycle_key_keeps_the_data_under_a_new_key_and_drops_the_old_row():
    session = db.SessionStore()
    session["visited"] = True
    session.save()
    old = session.session_key
    session.cycle_key()
    session.save()
    assert session.session_key not in (None, old)
    assert not Session.objects.filter(session_key=old).exists()
    assert db.SessionStore(session.session_key)["visited"] is True


def test_rows_are_readable_by_djangos_own_engine_and_the_other_way_round():
    ours = db.SessionStore()
    ours["who"] = "ana"
    ours.save()
    assert DjangoDBStore(ours.session_key)["who"] == "ana"
    assert Session.objects.get(session_key=ours.session_key).get_decoded()["who"] == "ana"
    theirs = DjangoDBStore()
    theirs["who"] = "bao"
    theirs.save()
    assert db.SessionStore(theirs.session_key)["who"] == "bao"


def test_the_cached_db_engine_signs_in_with_one_write_and_fills_the_cache(settings):
    settings.SESSION_ENGINE = "accounts.session_backends.cached_db"
    cache.clear()
    account = make_claimed_account()
    client = FormClient()
    with CaptureQueriesContext(connection) as captured:
        client.post(LOGIN, {"username": account.username, "password": DEFAULT_PASSWORD})
    assert _session_writes(captured) == ["INSERT"]
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert cache.get(cached_db.KEY_PREFIX + key)[SESSION_KEY] == str(account.pk)
    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        # The cache is a table (no REDIS_URL): it was written once for the new session.
        session_cache_writes = [
            q for q in captured.captured_queries
            if q["sql"].startswith(("INSERT", "UPDATE")) and "hallpass_cache" in q["sql"]
        ]
        assert len(session_cache_writes) == 1
    assert client.get(HOME).status_code == 200


def test_new_keys_are_32_characters_of_djangos_alphabet_and_never_repeat():
    keys = set()
    for _ in range(500):
        session = db.SessionStore()
        session.create()
        assert session.session_key is not None
        keys.add(session.session_key)
    assert len(keys) == Session.objects.count() == 500
    assert all(len(key) == 32 and set(key) <= set(VALID_KEY_CHARS) for key in keys)


def test_renewal_leaves_the_session_alone_on_a_server_error():
    """SessionMiddleware saves nothing on a 5xx, and the error may be the session
    store's own: loading the session again would raise a second time."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from accounts.middleware import SessionRenewalMiddleware

    class UnreachableStore(db.SessionStore):
        def load(self) -> dict[str, object]:
            raise ConnectionError("session store down")

    request = RequestFactory().get(HOME)
    request.session = UnreachableStore("a" * 32)
    middleware = SessionRenewalMiddleware(lambda request: HttpResponse(status=503))

    response = middleware(request)

    assert response.status_code == 503
    assert request.session.modified is False
