"""Every email a ticket's update sends, kept until the mail server has taken it.

A row is written in the update's transaction, so an update that commits always has
its email, and a mail server that is down delays it without losing it: failed
deliveries are retried with backoff and are listed for technicians in the admin."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from support.models.tickets import Ticket, TicketEvent


class Notification(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        RETRYING = "retrying", _("Failed; will be retried")
        SENT = "sent", _("Sent")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey(TicketEvent, on_delete=models.CASCADE, related_name="+")
    to = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=998)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    message_id = models.CharField(max_length=255)
    headers: models.JSONField[dict[str, str]] = models.JSONField(default=dict)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ticket email")
        verbose_name_plural = _("ticket emails")
        constraints = [
            # One copy of a message per recipient, however often an update is retried.
            models.UniqueConstraint(fields=["message_id", "to"], name="support_one_email_each")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=~models.Q(state="sent"),
                name="support_email_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
