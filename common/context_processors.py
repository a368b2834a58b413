from typing import Any

from django.conf import settings
from django.http import HttpRequest


def district(request: HttpRequest) -> dict[str, Any]:
    """The district's name, logo, colours and help contacts for every template."""
    return {"district": settings.DISTRICT}
