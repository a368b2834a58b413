"""The language switcher's endpoint (POST /language/, on every page's header)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.languages import note_choice
from accounts.models import Account


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie + safe redirect), and for a signed-in person the
    choice is also saved on their account: families share devices, so the cookie
    alone would follow the device rather than the person, and emails sent while
    they are signed out (forgot username) need the language too. A signed-out
    visitor's choice is saved on their account when they sign in (accounts.languages)."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        Account.objects.filter(pk=request.user.pk).update(language=language)
    elif not request.user.is_authenticated:
        note_choice(request, language)  # saved on the account at sign-in
    return response
