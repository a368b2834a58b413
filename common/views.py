"""Error pages that every app's requests may end on."""

from __future__ import annotations

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
)
from django.template import loader
from django.templatetags.static import static
from django.utils.cache import patch_cache_control

from common.context_processors import branding
from common.context_processors import district as district_context

YEAR_SECONDS = 365 * 24 * 3600


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


def branding_stylesheet(request: HttpRequest) -> HttpResponse:
    """The district's two colours as CSS variables, linked from every page. A
    stylesheet rather than a <style> block, because the Content-Security-Policy
    allows no inline style. Pages link it with the colours' digest in the address,
    so browsers keep it for a year and fetch it again only when the colours change."""
    response = HttpResponse(branding()["stylesheet"], content_type="text/css; charset=utf-8")
    patch_cache_control(response, public=True, max_age=YEAR_SECONDS, immutable=True)
    return response


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on their own (for bookmarks, and on pages such
    as the admin's that name no icon): send them to the logo the pages name."""
    response = HttpResponsePermanentRedirect(static("hallpass/logo.svg"))
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response
