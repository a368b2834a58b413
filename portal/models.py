"""The portal home: tiles linking to the district's applications, per role."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from directory.models import Person


class AppTileQuerySet(models.QuerySet["AppTile"]):
    def for_role(self, role: str | None) -> AppTileQuerySet:
        """Active tiles a person with this role may see; None (IT staff accounts
        without a directory person) sees every active tile."""
        tiles = self.filter(is_active=True)
        if role is None:
            return tiles
        field = AppTile.ROLE_FIELDS.get(role)
        return tiles.filter(**{field: True}) if field else tiles.none()


def validate_tile_url(value: str) -> None:
    if not (value.startswith(("https://", "http://")) or value.startswith("/")):
        raise ValidationError(
            _("Enter an address starting with https:// (or a path on this site starting with /)."),
            code="invalid_url",
        )
    if value.startswith("/") and not is_page_of_this_site(value):
        raise ValidationError(_("This site has no page at %(path)s."), code="no_such_page",
                              params={"path": value})


def is_page_of_this_site(path: str) -> bool:
    """Whether a path on this site leads to a page (a tile must not lead to a 404)."""
    try:
        resolve(urlsplit(path).path)
    except Resolver404:
        return False
    return True


class AppTile(models.Model):
    class Color(models.TextChoices):
        # Dark enough for white text at WCAG AA; styled by .tile-icon--<color>.
        BLUE = "blue", _("Blue")
        GREEN = "green", _("Green")
        PURPLE = "purple", _("Purple")
        RED = "red", _("Red")
        TEAL = "teal", _("Teal")
        GRAY = "gray", _("Gray")

    ROLE_FIELDS: dict[str, str] = {
        Person.Role.STUDENT: "for_students",
        Person.Role.TEACHER: "for_teachers",
        Person.Role.STAFF: "for_staff",
        Person.Role.ADMINISTRATOR: "for_administrators",
    }

    name = models.CharField(_("name (English)"), max_length=80)
    name_es = models.CharField(_("name (Spanish)"), max_length=80, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=80, blank=True)
    description = models.CharField(_("description (English)"), max_length=200, blank=True)
    description_es = models.CharField(_("description (Spanish)"), max_length=200, blank=True)
    description_vi = models.CharField(_("description (Vietnamese)"), max_length=200, blank=True)
    url = models.CharField(_("address"), max_length=500, validators=[validate_tile_url])
    icon_letter = models.CharField(
        _("icon letter"), max_length=2, blank=True, help_text=_("Shown when there is no image.")
    )
    icon_color = models.CharField(
        _("icon colour"), max_length=10, choices=Color.choices, default=Color.BLUE
    )
    icon_url = models.CharField(
        _("icon image address"), max_length=500, blank=True, validators=[validate_tile_url]
    )
    for_students = models.BooleanField(_("students"), default=True)
    for_teachers = models.BooleanField(_("teachers"), default=True)
    for_staff = models.BooleanField(_("staff"), default=True)
    for_administrators = models.BooleanField(_("administrators"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("shown"), default=True)

    objects = AppTileQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("app tile")
        verbose_name_plural = _("app tiles")

    def __str__(self) -> str:
        return self.name

    def name_for(self, language: str) -> str:
        return str(getattr(self, f"name_{language[:2]}", "") or self.name)

    def description_for(self, language: str) -> str:
        return str(getattr(self, f"description_{language[:2]}", "") or self.description)

    @property
    def letter(self) -> str:
        return self.icon_letter or self.name[:1].upper()

    @property
    def is_external(self) -> bool:
        return not self.url.startswith("/")
