from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from accounts.models import Account
from sso import launchpad


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The launchpad: the apps the district gives this person, as tiles, with a
    search box when there are more than a dozen."""
    account = request.user
    assert isinstance(account, Account)
    language = get_language() or "en"
    tiles = [launchpad.tile(app, language) for app in launchpad.apps_for(account)]
    searchable = len(tiles) > launchpad.SEARCH_ABOVE
    query = request.GET.get("q", "").strip()[:100] if searchable else ""
    shown = launchpad.search(tiles, query) if query else tiles
    return render(
        request,
        "portal/home.html",
        {"tiles": shown, "searchable": searchable, "query": query, "total": len(tiles)},
    )
