"""The language switcher's endpoint."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseServerError,
)
from django.template import loader
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from common.context_processors import district as district_context


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie + safe redirect), and for a signed-in person the
    choice is also saved on their account: families share devices, so the cookie
    alone would follow the device rather than the person, and emails sent while
    they are signed out (forgot username) need the language too."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        get_user_model().objects.filter(pk=request.user.pk).update(language=language)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page with the district's name and help contacts.

    Rendered without the request's context processors on purpose: the database or
    the session may be what failed, and the error page must not fail too.
    """
    context = district_context(request)
    return HttpResponseServerError(loader.render_to_string("500.html", context))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """An expired or missing form token: explain it in the person's language
    instead of Django's English technical page."""
    return HttpResponseForbidden(loader.render_to_string("403_csrf.html", request=request))
