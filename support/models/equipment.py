"""Equipment: the catalog IT staff edit, requests a supervisor makes for a direct
report, and what was handed out to whom."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Person
from support.models.tickets import CatalogEntry, Ticket


class EquipmentItem(CatalogEntry):
    """Something that can be requested: a laptop, a phone, a hotspot."""

    class Meta(CatalogEntry.Meta):
        verbose_name = _("equipment item")
        verbose_name_plural = _("equipment catalog")


class EquipmentRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a technician")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        HANDED_OUT = "handed_out", _("Handed out")

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, related_name="equipment_request"
    )
    item = models.ForeignKey(EquipmentItem, on_delete=models.PROTECT, related_name="+")
    # The direct report the equipment is for (the ticket's requester).
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.item} for {self.person_id}: {self.state}"


class HandedOut(models.Model):
    """A piece of equipment a person holds, recorded by the technician who gave it."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="equipment")
    item = models.ForeignKey(EquipmentItem, on_delete=models.PROTECT, related_name="+")
    asset_tag = models.CharField(_("asset tag"), max_length=60)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    request = models.OneToOneField(
        EquipmentRequest, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="handed_out",
    )
    handed_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    handed_out_at = models.DateTimeField(_("handed out"), default=timezone.now)

    class Meta:
        ordering = ["-handed_out_at", "-id"]
        verbose_name = _("equipment handed out")
        verbose_name_plural = _("equipment handed out")
        indexes = [
            models.Index(fields=["person", "-handed_out_at"], name="support_handed_person_idx")
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.asset_tag} to {self.person_id}"
