"""The launchpad's app icons, served from the database (sso.icons)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from sso.models import App


@require_GET
def app_icon(request: HttpRequest, pk: int, version: str) -> HttpResponse:
    """An icon at its content's version: cached by browsers for a year."""
    app = App.objects.filter(pk=pk, icon_version=version).only("icon", "icon_type").first()
    if app is None or not app.icon:
        raise Http404
    response = HttpResponse(bytes(app.icon), content_type=app.icon_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
