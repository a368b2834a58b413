"""Which apps a person sees on the launchpad, and how a tile shows them.

An app is assigned by role, school and grade; each left empty means everyone,
and those set must all match (a role AND one of the schools AND one of the
grades). IT staff accounts without a directory person see every shown app.
The whole registry is read in two queries and matched in Python: a district has
a few hundred apps at most, and the home page is everyone's first page.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve, reverse

from accounts.models import Account
from common.text import fold
from directory.models import Org, Person
from sso.claims import grades_of
from sso.models import App

# More tiles than this and the launchpad offers a search box.
SEARCH_ABOVE = 12


@dataclass(frozen=True)
class Audience:
    """What assignment is matched against: the person's role, schools and grades.
    None for IT staff without a directory person (they see everything)."""

    role: str
    school_ids: frozenset[int]
    grades: frozenset[str]

    @classmethod
    def of(cls, person: Person) -> Audience:
        schools = person.orgs.filter(org_type=Org.OrgType.SCHOOL).values_list("pk", flat=True)
        return cls(person.role, frozenset(schools), frozenset(grades_of(person.grades)))


@dataclass(frozen=True)
class Tile:
    name: str
    description: str
    url: str
    letter: str
    color: str
    icon_url: str
    external: bool


def sees(audience: Audience | None, app: App, app_schools: frozenset[int]) -> bool:
    if audience is None:
        return True
    if app.roles and audience.role not in app.roles:
        return False
    if app_schools and not app_schools & audience.school_ids:
        return False
    return not app.grades or bool(set(app.grades) & audience.grades)


def apps_for(account: Account) -> list[App]:
    """The shown apps this account's person is assigned, in position order."""
    person = account.person
    audience = Audience.of(person) if person is not None else None
    apps = list(App.objects.shown().defer("icon"))
    schools: dict[int, set[int]] = {}
    through = App.schools.through.objects.filter(app__in=apps).values_list("app_id", "org_id")
    for app_id, org_id in through:
        schools.setdefault(app_id, set()).add(org_id)
    return [
        app for app in apps
        if sees(audience, app, frozenset(schools.get(app.pk, ())))
        # A path on this site that leads nowhere (saved before its page existed, or
        # after it went) would be a tile to a 404.
        and (app.is_external or is_page_of_this_site(app.launch_url))
    ]


def is_page_of_this_site(path: str) -> bool:
    """Whether a path on this site leads to a page."""
    try:
        resolve(urlsplit(path).path)
    except Resolver404:
        return False
    return True


def tile(app: App, language: str) -> Tile:
    icon_url = (
        reverse("sso:app-icon", kwargs={"pk": app.pk, "version": app.icon_version})
        if app.icon_version
        else ""
    )
    return Tile(
        name=app.name_for(language),
        description=app.description_for(language),
        url=app.launch_url,
        letter=app.letter,
        color=app.icon_color,
        icon_url=icon_url,
        external=app.is_external,
    )


def search(tiles: list[Tile], query: str) -> list[Tile]:
    """Tiles whose name or description holds the query, ignoring case and accents."""
    wanted = fold(query)
    if not wanted:
        return tiles
    return [t for t in tiles if wanted in fold(t.name) or wanted in fold(t.description)]
