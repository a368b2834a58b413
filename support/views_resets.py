"""Teachers' account-reset requests: the request for one of their students (from
"My students", on the dashboard) and the technician's approve or decline. A
student who is not the teacher's, or a page a person's role does not open,
answers 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Account
from directory.models import Person
from support.access import access_ticket_by_account, is_technician
from support.models import ResetRequest
from support.resets import do_decide_reset, do_request_reset
from support.roster import students_of
from support.services import TicketRefused


class ResetRequestForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why does the account need a reset?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("For example: the student does not remember the answers to "
                               "the challenge questions."),
        error_messages={"required": gettext_lazy("Give the reason for the reset.")},
    )


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note to the teacher (optional)"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _teacher(request: HttpRequest) -> tuple[Account, Person]:
    account = request.user
    if (
        not isinstance(account, Account)
        or account.person is None
        or account.person.role != Person.Role.TEACHER
    ):
        raise Http404
    return account, account.person


@login_required
@require_http_methods(["GET", "POST"])
def request_reset(request: HttpRequest, person_pk: int) -> HttpResponse:
    account, teacher = _teacher(request)
    student = students_of(teacher).filter(pk=person_pk).first()
    if student is None:
        raise Http404
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reset = do_request_reset(student, form.cleaned_data["reason"], teacher=account)
        messages.success(
            request,
            _("Ticket %(number)s is open. You will be emailed every time it is updated.")
            % {"number": reset.ticket.number},
        )
        return redirect("support:ticket-detail", pk=reset.ticket_id)
    return render(request, "support/reset_request.html", {"form": form, "student": student})


@login_required
@require_POST
def decide_reset(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    account = request.user
    if not is_technician(account) or decision not in ("approve", "decline"):
        raise Http404
    assert isinstance(account, Account)
    ticket = access_ticket_by_account(pk, account)
    reset = ResetRequest.objects.filter(ticket=ticket).first()
    if reset is None:
        raise Http404
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        do_decide_reset(
            reset, approve=decision == "approve", actor=account, note=note, request=request
        )
    except TicketRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("The account is reset. The student must claim it again.")
            if decision == "approve"
            else _("The reset request is declined."),
        )
    return redirect("support:ticket-detail", pk=ticket.pk)
