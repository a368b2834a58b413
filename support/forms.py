"""Forms of the work-order pages: open a ticket, reply, a technician's update, the
queue's filters and bulk assignment. Attachments are checked here (size, type, that
the content is what the name says) before any service runs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from directory.models import Org, Person, Status
from support.access import is_technician, technicians
from support.attachments import CheckedFile, check_upload
from support.models import Category, Priority, Ticket
from support.models import Status as TicketStatus
from support.roster import is_student_of
from support.workflow import next_statuses

DESCRIPTION_MAX = 10_000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input; each is checked by support.attachments."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault(
            "help_text",
            _("Optional. Up to %(count)s files: screenshots (PNG, JPEG, GIF, WebP), PDF or text.")
            % {"count": settings.SUPPORT_ATTACHMENT_MAX_FILES},
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[CheckedFile]:
        uploads: list[UploadedFile] = [
            item for item in (data if isinstance(data, list | tuple) else [data]) if item
        ]
        if len(uploads) > settings.SUPPORT_ATTACHMENT_MAX_FILES:
            raise ValidationError(
                _("Attach at most %(count)s files."),
                code="too_many",
                params={"count": settings.SUPPORT_ATTACHMENT_MAX_FILES},
            )
        checked: list[CheckedFile] = []
        errors: list[ValidationError] = []
        for upload in uploads:
            try:
                checked.append(check_upload(upload))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return checked


def category_choices() -> list[tuple[str, str]]:
    language = get_language() or "en"
    return [
        (str(category.pk), category.name_for(language))
        for category in Category.objects.filter(is_active=True)
    ]


class SchoolChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Org.objects.filter(org_type=Org.OrgType.SCHOOL, status=Status.ACTIVE),
            **kwargs,
        )


class TicketForm(forms.Form):
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int,
        error_messages={
            "required": _("Choose what the ticket is about."),
            "invalid_choice": _("Choose what the ticket is about."),
        },
    )
    subject = forms.CharField(
        label=_("Subject"), max_length=200,
        error_messages={"required": _("Enter a subject: a few words about the problem.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, what you expected, and any error message."),
        error_messages={"required": _("Describe the problem or request.")},
    )
    school = SchoolChoiceField(
        label=_("School or location"), required=False, empty_label=_("(not at a school)")
    )
    location = forms.CharField(label=_("Room or place"), max_length=120, required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    on_behalf_of = forms.CharField(
        label=_("On behalf of (username)"), max_length=150, required=False,
        help_text=_(
            "Leave empty when the ticket is for you. Teachers may enter a student's username."
        ),
    )
    attachments = AttachmentsField()

    error_messages = {
        "not_for": _("You can open a ticket only for yourself or for one of your students."),
    }

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["category"].choices = [("", _("Choose…")), *category_choices()]  # type: ignore[attr-defined]
        if account.person is not None and account.person.primary_org_id is not None:
            self.fields["school"].initial = account.person.primary_org_id
        if not self.may_open_for_others(account):
            del self.fields["on_behalf_of"]

    @staticmethod
    def may_open_for_others(account: Account) -> bool:
        person = account.person
        return is_technician(account) or (
            person is not None and person.role == Person.Role.TEACHER
        )

    def clean_category(self) -> Category:
        category = Category.objects.filter(pk=self.cleaned_data["category"], is_active=True).first()
        if category is None:
            raise ValidationError(_("Choose what the ticket is about."), code="invalid")
        return category

    def clean_on_behalf_of(self) -> Person | None:
        """The requester: the same answer whether the username is unknown or not one
        the actor may open a ticket for, so the box cannot list the district."""
        username = self.cleaned_data.get("on_behalf_of", "").strip().casefold()
        if not username:
            return None
        person = Person.objects.active().filter(username=username).first()
        actor_person = self.account.person
        allowed = person is not None and (
            is_technician(self.account)
            or (actor_person is not None and is_student_of(person, actor_person))
            or person.pk == self.account.person_id
        )
        if not allowed:
            raise ValidationError(self.error_messages["not_for"], code="not_for")
        return person

    def requester(self) -> Person | None:
        return self.cleaned_data.get("on_behalf_of") or self.account.person


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=DESCRIPTION_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachments = AttachmentsField()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        empty = not cleaned.get("body", "").strip() and not cleaned.get("attachments")
        if empty and not self.errors:
            self.add_error(
                "body", ValidationError(_("Write a reply or attach a file."), code="empty")
            )
        return cleaned


KEEP = ""
UNASSIGNED = "none"


class TechnicianUpdateForm(ReplyForm):
    internal = forms.BooleanField(
        label=_("Internal note (technicians only; the requester is not emailed)"),
        required=False,
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].label = _("Reply or note")
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (KEEP, _("%(status)s (no change)") % {"status": TicketStatus(ticket.status).label}),
            *((status.value, status.label) for status in next_statuses(ticket.status)),
        ]
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            (KEEP, _("(no change)")),
            (UNASSIGNED, _("Nobody")),
            *technician_choices(),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = forms.Form.clean(self) or {}
        nothing = not (
            cleaned.get("body", "").strip() or cleaned.get("attachments")
            or cleaned.get("status") or cleaned.get("assignee")
        )
        if nothing and not self.errors:
            raise ValidationError(
                _("Write a reply or a note, or change the status or the assignee."), code="empty"
            )
        return cleaned

    def assignee_change(self) -> tuple[bool, Account | None]:
        value = self.cleaned_data.get("assignee", KEEP)
        if value == KEEP:
            return False, None
        if value == UNASSIGNED:
            return True, None
        return True, technicians().get(pk=int(value))


def technician_choices() -> list[tuple[str, str]]:
    return [(str(tech.pk), tech.display_name) for tech in technicians().select_related("person")]


class QueueFilterForm(forms.Form):
    OPEN = "open"
    ALL = "all"
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int)
    school = SchoolChoiceField(label=_("School"), required=False, empty_label=_("Any school"))
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (self.OPEN, _("Open (not resolved or closed)")),
            (self.ALL, _("Any status")),
            *TicketStatus.choices,
        ]
        self.fields["category"].choices = [("", _("Any category")), *category_choices()]  # type: ignore[attr-defined]
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", _("Anyone or nobody")),
            ("me", _("Me")),
            (UNASSIGNED, _("Unassigned")),
            *technician_choices(),
        ]


class BulkAssignForm(forms.Form):
    tickets = forms.ModelMultipleChoiceField(
        queryset=Ticket.objects.only("pk"),
        error_messages={
            "required": _("Choose one or more tickets."),
            "invalid_choice": _("Choose one or more tickets."),
            "invalid_pk_value": _("Choose one or more tickets."),
        },
    )
    assign_to = forms.ChoiceField(label=_("Assign the chosen tickets to"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assign_to"].choices = [  # type: ignore[attr-defined]
            ("me", _("Me")),
            (UNASSIGNED, _("Nobody")),
            *technician_choices(),
        ]
