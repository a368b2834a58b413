"""Per-request middleware of accounts: the session's idle timeout, and which
language a request is served in.

Language, in order of precedence: a signed-in person's saved `Account.language`
(which a choice made just before signing in has replaced, accounts.languages), then
the language cookie the switcher sets, then Accept-Language (the last two are
Django's LocaleMiddleware, which runs before authentication).
"""

import functools
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from accounts.acceptable_use import PENDING_SESSION_KEY
from accounts.models import Account


class SessionRenewalMiddleware:
    """Makes SESSION_COOKIE_AGE an idle timeout without a write on every page view.

    Django's way, SESSION_SAVE_EVERY_REQUEST, writes the session (the database, and
    Redis for cached_db) on every request of a signed-in person: on the first school
    morning, the landing page after each sign-in writes again what the sign-in just
    wrote. Here a session is renewed (saved, its cookie sent again) when its last
    write is SESSION_RENEW_AFTER_SECONDS old or more, so a session ends at most that
    much before SESSION_COOKIE_AGE after the last request, never later. Sits right
    after SessionMiddleware, whose response phase then does the save."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        # No cookie, nothing to renew; a changed session is saved anyway; and
        # SessionMiddleware saves nothing on a server error (which may be the
        # session store's own: loading it here would fail a second time).
        if session.session_key is None or session.modified or response.status_code >= 500:
            return response
        renewed_at = getattr(session, "renewed_at", lambda: None)()
        if renewed_at is None or time.time() - renewed_at >= settings.SESSION_RENEW_AFTER_SECONDS:
            session.modified = True
        return response


class AccountLanguageMiddleware:
    """The saved language wins over the cookie because the cookie belongs to the
    device, and families share devices: a brother who chose Spanish must not
    switch his sister's portal to Spanish. A person with no saved language yet
    keeps the one they are using, so emails sent to them while signed out
    (forgot username) go in a language they read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            supported = dict(settings.LANGUAGES)
            saved = str(getattr(user, "language", "") or "")
            if saved in supported:
                translation.activate(saved)
                request.LANGUAGE_CODE = saved
            elif hasattr(user, "language"):
                current = translation.get_language() or settings.LANGUAGE_CODE
                if current in supported:
                    Account.objects.filter(pk=user.pk, language="").update(language=current)
                    user.language = current
        return self.get_response(request)


class PolicyAcceptanceMiddleware:
    """Keeps a person who signed in with a new version of the Acceptable Use Policy
    to accept on the policy page until they accept or decline it
    (accounts.acceptable_use): any other page, an app's sign-in through single sign-on
    included, sends them there and back afterwards. Signing out and switching the
    language stay open. Only the session is read, so other requests cost nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if PENDING_SESSION_KEY in request.session and request.path not in _open_paths():
            return redirect_to_login(
                request.get_full_path(), reverse("accounts:policy"), redirect_field_name="next"
            )
        return self.get_response(request)


@functools.cache
def _open_paths() -> frozenset[str]:
    # The admin's "Log out" (served by the portal's sign-out) and Django's own language
    # switch are sign-outs and language switches too.
    names = ("accounts:policy", "accounts:logout", "admin:logout", "set-language",
             "set_language", "common:branding-stylesheet", "common:favicon")
    return frozenset(reverse(name) for name in names)
