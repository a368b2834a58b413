"""The district's app registry and the identifiers apps know people by.

An App is what a person sees on the launchpad and what single sign-on releases
data to. It names no protocol: an OpenID Connect client is linked to it
(`oidc_client`), and a SAML service provider can be linked the same way later,
while who sees the app and which data it receives stay here.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import Application

from directory.models import Org, Person


def validate_launch_url(value: str) -> None:
    if not (value.startswith(("https://", "http://")) or value.startswith("/")):
        raise ValidationError(
            _("Enter an address starting with https:// (or a path on this site starting with /)."),
            code="invalid_url",
        )


class DataSet(models.TextChoices):
    """What an app may receive about a person, whatever protocol carries it (for
    OpenID Connect, each is the scope of the same name)."""

    PROFILE = "profile", _("Name and username")
    EMAIL = "email", _("Email address")
    ROSTER = "roster", _("Role, schools and grades")


ROLE_CHOICES = Person.Role.choices


class AppQuerySet(models.QuerySet["App"]):
    def shown(self) -> AppQuerySet:
        return self.filter(is_active=True)


class App(models.Model):
    class Color(models.TextChoices):
        # Dark enough for white text at WCAG AA; styled by .tile-icon--<color>.
        BLUE = "blue", _("Blue")
        GREEN = "green", _("Green")
        PURPLE = "purple", _("Purple")
        RED = "red", _("Red")
        TEAL = "teal", _("Teal")
        GRAY = "gray", _("Gray")

    name = models.CharField(_("name (English)"), max_length=80)
    name_es = models.CharField(_("name (Spanish)"), max_length=80, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=80, blank=True)
    description = models.CharField(_("description (English)"), max_length=200, blank=True)
    description_es = models.CharField(_("description (Spanish)"), max_length=200, blank=True)
    description_vi = models.CharField(_("description (Vietnamese)"), max_length=200, blank=True)
    launch_url = models.CharField(
        _("launch address"),
        max_length=500,
        validators=[validate_launch_url],
        help_text=_(
            "Where the tile goes. For a single sign-on app, its sign-in address: it comes "
            "back through Hallpass without asking for a password."
        ),
    )
    # The icon is kept in the database (served by sso.views.icon), so that every
    # server has it without shared file storage; sso.icons checks it on the way in.
    icon = models.BinaryField(_("icon"), blank=True, default=b"", editable=False)
    icon_type = models.CharField(max_length=20, blank=True, editable=False)
    icon_version = models.CharField(max_length=16, blank=True, editable=False)
    icon_letter = models.CharField(
        _("icon letter"), max_length=2, blank=True, help_text=_("Shown when there is no image.")
    )
    icon_color = models.CharField(
        _("icon colour"), max_length=10, choices=Color.choices, default=Color.BLUE
    )
    # Who sees it: each list empty means everyone; lists combine (a role AND a school).
    roles: models.JSONField[list[str]] = models.JSONField(_("roles"), default=list, blank=True)
    schools = models.ManyToManyField(
        Org, blank=True, related_name="+", verbose_name=_("schools"),
        limit_choices_to={"org_type": Org.OrgType.SCHOOL},
    )
    grades: models.JSONField[list[str]] = models.JSONField(_("grades"), default=list, blank=True)
    # What it may receive and whether people are asked first.
    data_sets: models.JSONField[list[str]] = models.JSONField(
        _("data it receives"), default=list, blank=True
    )
    approved = models.BooleanField(
        _("approved by the district"),
        default=False,
        help_text=_("Approved apps receive their data without asking the person first."),
    )
    oidc_client = models.OneToOneField(
        Application,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hallpass_app",
        verbose_name=_("OpenID Connect client"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("shown"), default=True)

    objects = AppQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("app")
        verbose_name_plural = _("apps")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        unknown_roles = set(self.roles) - {value for value, _label in ROLE_CHOICES}
        if unknown_roles:
            raise ValidationError({"roles": _("Choose roles from the list.")})
        if set(self.data_sets) - set(DataSet.values):
            raise ValidationError({"data_sets": _("Choose data from the list.")})

    def name_for(self, language: str) -> str:
        return str(getattr(self, f"name_{language[:2]}", "") or self.name)

    def description_for(self, language: str) -> str:
        return str(getattr(self, f"description_{language[:2]}", "") or self.description)

    @property
    def letter(self) -> str:
        return self.icon_letter or self.name[:1].upper()

    @property
    def is_external(self) -> bool:
        return not self.launch_url.startswith("/")

    def releases(self, data_set: str) -> bool:
        return data_set in self.data_sets


class Subject(models.Model):
    """The identifier apps know an account by (`sub`): random, so it tells nothing,
    and kept for good, so it does not change when the username does (a new SIS ID)
    or when the account is reset and claimed again."""

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_subject"
    )
    value = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def for_account(cls, account: Any) -> str:
        subject, _created = cls.objects.get_or_create(account=account)
        return str(subject.value)
