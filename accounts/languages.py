"""Which language a person's pages are in: the saved `Account.language`, and a choice
made on this device before signing in.

A choice the person has just made always wins: chosen with the switcher while signed
in, it is saved on the account at once (views_language.set_language); chosen before
signing in (on the sign-in page, say), it is kept in the visitor's session and saved
on the account at sign-in. The language cookie alone is not a choice: it belongs to
the device, which families share (accounts.middleware.AccountLanguageMiddleware).
"""

from __future__ import annotations

from typing import Literal, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from accounts.models import Account

CHOSEN_LANGUAGE_KEY = "chosen_language"


def note_choice(request: HttpRequest, language: str) -> None:
    """Remember a signed-out visitor's choice until they sign in (or the session ends)."""
    if language in dict(settings.LANGUAGES):
        request.session[CHOSEN_LANGUAGE_KEY] = language


def chosen_language(request: HttpRequest) -> str:
    """The language the visitor chose before signing in (kept with their visit), or ""."""
    value = request.session.get(CHOSEN_LANGUAGE_KEY, "")
    return value if isinstance(value, str) and value in dict(settings.LANGUAGES) else ""


def do_adopt_chosen_language(request: HttpRequest, account: Account, chosen: str) -> None:
    """At sign-in: the language chosen just before becomes the account's. Called
    with what chosen_language() said before login(), which may flush the session."""
    request.session.pop(CHOSEN_LANGUAGE_KEY, None)
    if chosen and chosen != account.language:
        account.language = chosen
        account.save(update_fields=["language"])


def keep_language_cookie(response: HttpResponse, language: str) -> None:
    """Set the device's language cookie, with the flags the switcher's has."""
    samesite = cast(Literal["Lax", "Strict", "None"], settings.LANGUAGE_COOKIE_SAMESITE)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=samesite,
    )
