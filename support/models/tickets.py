"""Work orders ("t-tickets"): who asked, about what, where, and everything that
happened to them since.

A ticket's requester is a directory person (a teacher may open one for a student
who has not claimed an account); whoever opened it is kept beside them. Every change
is a TicketEvent with its actor and time: the ticket's history, shown to the
requester except for the internal notes."""

from __future__ import annotations

import os
import secrets
from datetime import datetime

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from directory.models import Org, Person


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting on requester")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING)


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class CatalogEntry(models.Model):
    """An entry of a list IT staff edit (ticket categories, the equipment catalog):
    a name per language, offered or not, in their order."""

    name_en = models.CharField(_("name (English)"), max_length=80)
    name_es = models.CharField(_("name (Spanish)"), max_length=80, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=80, blank=True)
    is_active = models.BooleanField(_("offered"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name_en

    def name_for(self, language: str) -> str:
        return str(getattr(self, f"name_{language[:2]}", "") or self.name_en)


class Category(CatalogEntry):
    """A kind of ticket; IT staff edit the list in the admin. The flows that need a
    particular category (account reset, equipment) find it by its code."""

    ACCOUNT_RESET = "account-reset"
    EQUIPMENT = "equipment"

    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta(CatalogEntry.Meta):
        verbose_name = _("ticket category")
        verbose_name_plural = _("ticket categories")


def new_reply_token() -> str:
    return secrets.token_hex(12)


class Ticket(models.Model):
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    # The foreign keys below lead an index of their own in Meta.indexes, so they
    # get no second, single-column one.
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("category"),
        db_index=False,
    )
    # The person the ticket is for; null only when IT staff without a directory
    # person open one for themselves.
    requester = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets",
        verbose_name=_("requester"), db_index=False,
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opened_tickets",
        verbose_name=_("opened by"), db_index=False,
    )
    school = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets",
        verbose_name=_("school or location"), db_index=False,
    )
    location = models.CharField(_("room or place"), max_length=120, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="assigned_tickets", verbose_name=_("assigned to"), db_index=False,
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # Kept by the database from the status. The queue asks for the open tickets far
    # more than anything else; as a column it leads ordinary indexes, which a query
    # with bound parameters can use (SQLite never uses a partial index for one).
    is_open = models.GeneratedField(
        expression=models.Case(
            models.When(status__in=OPEN_STATUSES, then=models.Value(True)),
            default=models.Value(False),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    # In the reply address and the Message-ID of every notification: a reply by
    # email is matched to the ticket by it, so it must not be guessable.
    reply_token = models.CharField(max_length=32, unique=True, default=new_reply_token)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        # One index per question the queue and the requester's page ask, the
        # queue's filters within the open tickets (its default view).
        indexes = [
            models.Index(fields=["is_open", "created_at", "id"], name="support_ticket_open_idx"),
            models.Index(fields=["created_at", "id"], name="support_ticket_created_idx"),
            models.Index(fields=["status", "created_at"], name="support_ticket_status_idx"),
            models.Index(
                fields=["assignee", "is_open", "created_at"], name="support_ticket_assignee_idx"
            ),
            models.Index(
                fields=["category", "is_open", "created_at"], name="support_ticket_category_idx"
            ),
            models.Index(
                fields=["school", "is_open", "created_at"], name="support_ticket_school_idx"
            ),
            models.Index(fields=["requester", "created_at"], name="support_ticket_requester_idx"),
            models.Index(fields=["opened_by", "created_at"], name="support_ticket_opener_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def number(self) -> str:
        """The ticket number people quote: T-000042."""
        return f"T-{self.pk:06d}"

    def reopen_deadline(self) -> datetime | None:
        """Until when a reply from the requester reopens this resolved ticket."""
        if self.status != Status.RESOLVED or self.resolved_at is None:
            return None
        return self.resolved_at + settings.SUPPORT_REOPEN_WINDOW


class TicketEvent(models.Model):
    """One change to a ticket: its history, with actor and time. Internal notes and
    the other events marked not public are shown to technicians only."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        REPLY = "reply", _("Reply")
        NOTE = "note", _("Internal note")
        REOPENED = "reopened", _("Reopened by the requester's reply")
        RESET_APPROVED = "reset_approved", _("Account reset approved")
        RESET_DECLINED = "reset_declined", _("Account reset declined")
        EQUIPMENT_APPROVED = "equipment_approved", _("Equipment request approved")
        EQUIPMENT_DECLINED = "equipment_declined", _("Equipment request declined")
        EQUIPMENT_HANDED_OUT = "equipment_handed_out", _("Equipment handed out")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    is_public = models.BooleanField(default=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(blank=True)
    old_value = models.CharField(max_length=150, blank=True)
    new_value = models.CharField(max_length=150, blank=True)
    # Where a reply came from: the web page, or an email (its Message-ID, so a
    # message delivered twice adds one reply).
    via_message_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="support_event_ticket_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "via_message_id"],
                condition=~models.Q(via_message_id=""),
                name="support_event_one_per_message",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """A random name: the uploaded name is kept in the row only, never on disk."""
    return f"{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


@deconstructible
class AttachmentStorage(FileSystemStorage):
    """SUPPORT_ATTACHMENT_ROOT, outside the code and the static files, read on each
    use so that a changed setting (a test's folder) takes effect. No URL: files are
    served only by the view that checks who may see the ticket."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(settings.SUPPORT_ATTACHMENT_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        TicketEvent, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, storage=AttachmentStorage(), max_length=200)
    name = models.CharField(_("file name"), max_length=255)
    # What the content is (support.attachments.sniff), not what the upload claimed.
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ResetRequest(models.Model):
    """A teacher's request that a student's account be reset (the student forgot
    the answers to the challenge questions): a ticket of the account-reset category
    that a technician approves (the account is reset; the student claims it again)
    or declines."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a technician")
        APPROVED = "approved", _("Approved: the account was reset")
        DECLINED = "declined", _("Declined")

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="reset_request")
    student = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"reset of {self.student_id}: {self.state}"
