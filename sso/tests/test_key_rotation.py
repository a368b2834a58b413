"""Rotating the ID-token signing key: tokens signed before it still verify until
they expire, new ones carry the new key, and an old key leaves the JWKS (and the
folder) once nothing it signed can still be valid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
import time_machine
from django.core.management import call_command
from joserfc.errors import ExpiredTokenError, InvalidKeyIdError
from jwcrypto import jwk

from accounts.tests.builders import DEFAULT_PASSWORD
from sso import signing_keys
from sso.tests.builders import make_oidc_app
from sso.tests.relying_party import LOGOUT_REDIRECT_URI, Browser, RelyingParty


def use_keys(settings, folder: Path, now: datetime) -> None:
    """What a Hallpass process started at `now` signs and publishes with."""
    keys = signing_keys.load(folder, now=now, keep_retired=settings.OIDC_KEEP_RETIRED_KEY)
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RSA_PRIVATE_KEY": keys.active,
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": list(keys.retired),
    }


def kid_of(path: Path) -> str:
    return str(jwk.JWK.from_pem(path.read_bytes()).thumbprint())


def published_kids(rp: RelyingParty) -> set[str]:
    return {key["kid"] for key in requests.get(rp.metadata["jwks_uri"], timeout=10).json()["keys"]}


def test_tokens_signed_before_a_rotation_verify_until_they_expire(
    site, student, settings, tmp_path
):
    old = signing_keys.write_new_key(tmp_path, now=datetime.now(UTC) - timedelta(hours=2))
    use_keys(settings, tmp_path, datetime.now(UTC))
    _app, credentials = make_oidc_app("Classroom")
    rp = RelyingParty(site, credentials.client_id)
    browser = Browser(site)
    browser.sign_in(student.username, DEFAULT_PASSWORD)
    login = rp.authorization_request()
    old_token = login.fetch_token(login.callback_from(browser.follow_until_leaving(login.url)))

    call_command("rotate_signing_key", dir=str(tmp_path))
    new = signing_keys.stored_keys(tmp_path)[0]
    assert new.path != old.path
    use_keys(settings, tmp_path, datetime.now(UTC))  # every process restarted

    assert published_kids(rp) == {kid_of(old.path), kid_of(new.path)}
    old_claims = rp.verify_id_token(old_token["id_token"], nonce=login.nonce)
    login2 = rp.authorization_request()
    new_token = login2.fetch_token(login2.callback_from(browser.follow_until_leaving(login2.url)))
    assert rp.verify_id_token(new_token["id_token"], nonce=login2.nonce).header["kid"] == (
        kid_of(new.path)
    )

    # Just before the old key's last token expires, it still verifies.
    last_valid = datetime.fromtimestamp(old_claims["exp"] - 5, UTC)
    with time_machine.travel(last_valid):
        use_keys(settings, tmp_path, last_valid)
        rp.verify_id_token(old_token["id_token"], nonce=login.nonce)
    with time_machine.travel(last_valid + timedelta(seconds=10)), \
            pytest.raises(ExpiredTokenError):
        rp.verify_id_token(old_token["id_token"], nonce=login.nonce)

    # Once every token the old key signed has expired, it is neither published
    # nor kept.
    later = datetime.now(UTC) + settings.OIDC_KEEP_RETIRED_KEY + timedelta(minutes=1)
    with time_machine.travel(later):
        use_keys(settings, tmp_path, later)
        assert published_kids(rp) == {kid_of(new.path)}
        with pytest.raises(InvalidKeyIdError):
            rp.verify_id_token(old_token["id_token"], nonce=login.nonce)
        call_command("rotate_signing_key", dir=str(tmp_path))
    assert not old.path.exists()
    assert new.path.exists()


def test_an_app_can_sign_out_with_an_id_token_of_the_retired_key(site, student, settings, tmp_path):
    signing_keys.write_new_key(tmp_path, now=datetime.now(UTC) - timedelta(hours=2))
    use_keys(settings, tmp_path, datetime.now(UTC))
    _app, credentials = make_oidc_app("Classroom")
    rp = RelyingParty(site, credentials.client_id)
    browser = Browser(site)
    browser.sign_in(student.username, DEFAULT_PASSWORD)
    login = rp.authorization_request()
    token = login.fetch_token(login.callback_from(browser.follow_until_leaving(login.url)))

    call_command("rotate_signing_key", dir=str(tmp_path))
    use_keys(settings, tmp_path, datetime.now(UTC))
    response = browser.get(
        rp.metadata["end_session_endpoint"] + "?" + urlencode(
            {"id_token_hint": token["id_token"], "post_logout_redirect_uri": LOGOUT_REDIRECT_URI}
        )
    )
    assert response.headers["Location"] == LOGOUT_REDIRECT_URI


def test_keys_are_published_while_a_token_they_signed_may_be_valid(tmp_path):
    start = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    keep = timedelta(hours=25)
    first = signing_keys.write_new_key(tmp_path, now=start)
    second = signing_keys.write_new_key(tmp_path, now=start + timedelta(days=30))
    plan = signing_keys.plan(tmp_path, now=start + timedelta(days=30, hours=24), keep_retired=keep)
    assert (plan.active, plan.published, plan.expired) == (second, (first,), ())
    plan = signing_keys.plan(tmp_path, now=start + timedelta(days=30, hours=25), keep_retired=keep)
    assert (plan.active, plan.published, plan.expired) == (second, (), (first,))


def test_the_command_needs_a_folder(settings):
    from django.core.management.base import CommandError

    settings.OIDC_KEY_DIR = ""
    with pytest.raises(CommandError, match="HALLPASS_OIDC_KEY_DIR"):
        call_command("rotate_signing_key")
