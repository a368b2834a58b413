"""Which language a request is served in.

Order of precedence: a signed-in person's saved `Account.language`, then the
language cookie the switcher sets, then Accept-Language (the last two are
Django's LocaleMiddleware, which runs before authentication).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from accounts.models import Account


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
