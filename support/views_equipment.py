"""Equipment requests by the immediate supervisor, a technician's answer and the
record of what was handed out; a person's equipment for technicians."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Account
from directory.models import Person
from support.access import access_ticket_by_account, is_technician
from support.equipment import (
    direct_reports,
    do_decide_equipment,
    do_record_handout,
    do_request_equipment,
)
from support.models import EquipmentItem, EquipmentRequest, HandedOut
from support.services import TicketRefused
from support.views_queue import technician_required
from support.views_resets import DecisionForm


class ItemChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name_for(get_language() or "en"))


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.display_username})"


class EquipmentRequestForm(forms.Form):
    person = PersonChoiceField(
        label=gettext_lazy("For"), queryset=Person.objects.none(),
        error_messages={
            "required": gettext_lazy("Choose the person the equipment is for."),
            "invalid_choice": gettext_lazy("Choose one of your direct reports."),
        },
    )
    item = ItemChoiceField(
        label=gettext_lazy("Equipment"), queryset=EquipmentItem.objects.filter(is_active=True),
        error_messages={
            "required": gettext_lazy("Choose the equipment."),
            "invalid_choice": gettext_lazy("Choose the equipment."),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Give the reason for the request.")},
    )

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = direct_reports(account)  # type: ignore[attr-defined]


class HandoutForm(forms.Form):
    item = ItemChoiceField(label=gettext_lazy("Equipment"), queryset=EquipmentItem.objects.all())
    asset_tag = forms.CharField(label=gettext_lazy("Asset tag"), max_length=60)
    serial_number = forms.CharField(
        label=gettext_lazy("Serial number"), max_length=100, required=False
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_equipment(request: HttpRequest) -> HttpResponse:
    account = request.user
    assert isinstance(account, Account)
    reports = direct_reports(account)
    if not reports.exists():
        return render(request, "support/equipment_not_supervisor.html")
    form = EquipmentRequestForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        equipment = do_request_equipment(
            data["person"], data["item"], data["reason"], supervisor=account
        )
        messages.success(
            request,
            _("Ticket %(number)s is open. You will be emailed every time it is updated.")
            % {"number": equipment.ticket.number},
        )
        return redirect("support:ticket-detail", pk=equipment.ticket_id)
    return render(request, "support/equipment_request.html", {"form": form})


def _equipment_of(request: HttpRequest, pk: int) -> tuple[Account, EquipmentRequest]:
    account = request.user
    if not is_technician(account):
        raise Http404
    assert isinstance(account, Account)
    ticket = access_ticket_by_account(pk, account)
    equipment = EquipmentRequest.objects.filter(ticket=ticket).first()
    if equipment is None:
        raise Http404
    return account, equipment


@login_required
@require_POST
def decide_equipment(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("approve", "decline"):
        raise Http404
    account, equipment = _equipment_of(request, pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        do_decide_equipment(equipment, approve=decision == "approve", actor=account, note=note)
    except TicketRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("support:ticket-detail", pk=pk)


@login_required
@require_POST
def record_handout(request: HttpRequest, pk: int) -> HttpResponse:
    account, equipment = _equipment_of(request, pk)
    form = HandoutForm(request.POST)
    if not form.is_valid():
        for error in {str(e) for errors in form.errors.values() for e in errors}:
            messages.error(request, error)
        return redirect("support:ticket-detail", pk=pk)
    try:
        do_record_handout(equipment, actor=account, **form.cleaned_data)
    except TicketRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("support:ticket-detail", pk=pk)


@technician_required
def person_equipment(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_pk)
    held = HandedOut.objects.filter(person=person).select_related("item", "handed_out_by")
    return render(request, "support/person_equipment.html", {"person": person, "held": held})
