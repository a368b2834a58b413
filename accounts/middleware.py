from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class AccountLanguageMiddleware:
    """A signed-in person's saved language wins over Accept-Language; the
    language switcher (set_language) sets the cookie for everyone else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if language and language in dict(settings.LANGUAGES) and not request.COOKIES.get(
            settings.LANGUAGE_COOKIE_NAME
        ):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
