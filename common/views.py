"""Error pages that every app's requests may end on."""

from __future__ import annotations

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseServerError,
)
from django.template import loader

from common.context_processors import district as district_context


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
