"""The requester's pages (the Support Center's home, open a ticket, a ticket with
its history and reply box) and the attachments. Views authorize, validate with a
form, call one service and render; support.access answers 404 for whatever the
signed-in person may not see."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Account
from common.uploads import accepts_file_uploads
from support import services
from support.access import (
    access_attachment_by_account,
    access_ticket_by_account,
    is_technician,
)
from support.forms import ReplyForm, TechnicianUpdateForm, TicketForm
from support.models import Attachment, Ticket
from support.views_equipment import HandoutForm
from support.views_resets import DecisionForm


def _account(request: HttpRequest) -> Account:
    assert isinstance(request.user, Account)
    return request.user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The person's own tickets (for them or opened by them), newest first."""
    account = _account(request)
    mine = Ticket.objects.filter(opened_by=account)
    if account.person_id is not None:
        mine = mine | Ticket.objects.filter(requester_id=account.person_id)
    tickets = mine.select_related("category", "requester").order_by("-created_at", "-id")[:100]
    return render(
        request,
        "support/home.html",
        {"tickets": tickets, "is_technician": is_technician(account)},
    )


@accepts_file_uploads
@login_required
@require_http_methods(["GET", "POST"])
def ticket_new(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    form = TicketForm(request.POST or None, request.FILES or None, account=account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ticket = services.do_open_ticket(
            services.NewTicket(
                subject=data["subject"],
                description=data["description"],
                category=data["category"],
                requester=form.requester(),
                school=data["school"],
                location=data["location"],
                priority=data["priority"],
                files=data["attachments"],
            ),
            actor=account,
        )
        messages.success(
            request,
            _("Ticket %(number)s is open. You will be emailed every time it is updated.")
            % {"number": ticket.number},
        )
        return redirect("support:ticket-detail", pk=ticket.pk)
    return render(request, "support/ticket_form.html", {"form": form})


@accepts_file_uploads
@login_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request)
    ticket = access_ticket_by_account(pk, account)
    technician = is_technician(account)
    form: ReplyForm
    if technician:
        form = TechnicianUpdateForm(request.POST or None, request.FILES or None, ticket=ticket)
    else:
        form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            _apply(form, ticket, account)
        except services.TicketRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request, _("Ticket %(number)s is updated.") % {"number": ticket.number}
            )
            return redirect("support:ticket-detail", pk=ticket.pk)
    events = ticket.events.select_related("actor__person").prefetch_related("attachments")
    if not technician:
        events = events.filter(is_public=True)
    return render(
        request,
        "support/ticket_detail.html",
        {
            "ticket": ticket,
            "events": events,
            "form": form,
            "is_technician": technician,
            "decision_form": DecisionForm(),
            "handout_form": _handout_form(ticket),
        },
    )


def _handout_form(ticket: Ticket) -> HandoutForm:
    """What the technician records, starting from the item that was requested."""
    equipment = getattr(ticket, "equipment_request", None)
    return HandoutForm(initial={"item": equipment.item_id} if equipment else None)


def _apply(form: ReplyForm, ticket: Ticket, account: Account) -> None:
    data = form.cleaned_data
    if isinstance(form, TechnicianUpdateForm):
        change_assignee, assignee = form.assignee_change()
        services.do_update_ticket(
            ticket,
            services.TicketUpdate(
                body=data["body"],
                internal=data["internal"],
                status=data["status"] or None,
                assignee=assignee,
                change_assignee=change_assignee,
                files=data["attachments"],
            ),
            actor=account,
        )
    else:
        services.do_requester_reply(
            ticket, data["body"], actor=account, files=data["attachments"]
        )


def _serve(attachment: Attachment, *, inline: bool) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.name,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Nothing in a served file may run or load anything, whatever a browser makes of it.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Every attachment downloads as a file (Content-Disposition: attachment)."""
    attachment = access_attachment_by_account(pk, _account(request))
    return _serve(attachment, inline=False)


@login_required
def attachment_inline(request: HttpRequest, pk: int) -> FileResponse:
    """Shown in the page only when its content is an image (support.attachments
    read the bytes); anything else is not found here."""
    attachment = access_attachment_by_account(pk, _account(request))
    if not attachment.is_image:
        raise Http404
    return _serve(attachment, inline=True)
