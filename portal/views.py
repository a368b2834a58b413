from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from accounts.models import Account
from portal.models import AppTile, is_page_of_this_site


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The person's apps: the active tiles for their directory role."""
    account = request.user
    assert isinstance(account, Account)
    role = account.person.role if account.person is not None else None
    language = get_language() or "en"
    tiles = [
        {
            "name": tile.name_for(language),
            "description": tile.description_for(language),
            "url": tile.url,
            "letter": tile.letter,
            "color": tile.icon_color,
            "icon_url": tile.icon_url,
            "external": tile.is_external,
        }
        for tile in AppTile.objects.for_role(role)
        # A tile saved before its page existed (or after it went) would lead to a 404.
        if tile.is_external or is_page_of_this_site(tile.url)
    ]
    return render(request, "portal/home.html", {"tiles": tiles})
