"""Teachers' account-reset requests for their students, and the technician's answer.

The letter's troubleshooting, end to end: a student who does not remember the
answers to the challenge questions asks their teacher; the teacher requests a reset
here (only for a student of theirs, from the class enrollments); a technician
approves it, which resets the account as accounts.resetting does (the student must
claim it again), or declines it. Each step is a ticket event, so the teacher (who
opened the ticket) and the student are emailed at each one."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from accounts.privileges import ActionRefused
from accounts.resetting import NotResettable, do_reset_account
from directory.models import Person
from support import notifications
from support.access import is_technician
from support.models import Category, ResetRequest, Status, Ticket, TicketEvent
from support.roster import is_student_of
from support.services import TicketRefused, move_status

SUBJECT_MAX = 200


def do_request_reset(student: Person, reason: str, *, teacher: Account) -> ResetRequest:
    """Open the account-reset ticket for `student`. Refused unless the student is
    one of the teacher's (views answer 404 before this)."""
    if teacher.person is None or not is_student_of(student, teacher.person):
        raise TicketRefused(_("You can request a reset only for one of your students."))
    with transaction.atomic():
        now = timezone.now()
        subject = _("Account reset for %(name)s (%(username)s)") % {
            "name": student.display_name, "username": student.display_username,
        }
        ticket = Ticket.objects.create(
            subject=subject[:SUBJECT_MAX],
            description=reason,
            category=Category.objects.get(code=Category.ACCOUNT_RESET),
            requester=student,
            opened_by=teacher,
            school=student.primary_org,
            created_at=now,
            updated_at=now,
        )
        reset = ResetRequest.objects.create(ticket=ticket, student=student)
        event = TicketEvent.objects.create(
            ticket=ticket, kind=TicketEvent.Kind.OPENED, actor=teacher, created_at=now
        )
        notifications.queue_update(ticket, [event], actor=teacher)
    return reset


def do_decide_reset(
    reset: ResetRequest,
    *,
    approve: bool,
    actor: Account,
    note: str = "",
    request: HttpRequest | None = None,
) -> ResetRequest:
    """Approve (reset the student's account, resolve the ticket) or decline (resolve
    it with the technician's note). A request already decided is refused, so two
    technicians answering at once reset once. A refusal of accounts.resetting (an
    account a technician may not reset) is audited there and kept."""
    if not is_technician(actor):
        raise TicketRefused(_("Only technicians can change a ticket."))
    refusal: str | None = None
    with transaction.atomic():
        locked = ResetRequest.objects.select_for_update().select_related("ticket").get(pk=reset.pk)
        if locked.state != ResetRequest.State.PENDING:
            raise TicketRefused(_("This reset request has already been answered."))
        if approve:
            refusal = _reset(locked.student, actor=actor, request=request)
        if refusal is None:
            _record_decision(locked, approve=approve, actor=actor, note=note)
    if refusal is not None:
        raise TicketRefused(refusal)
    return locked


def _reset(student: Person, *, actor: Account, request: HttpRequest | None) -> str | None:
    """Reset the student's account; the reason it could not be, or None."""
    account = Account.objects.filter(person=student).first()
    if account is None or not account.is_claimed:
        return _("This student has not claimed an account: there is nothing to reset.")
    try:
        do_reset_account(account, actor=actor, request=request)
    except ActionRefused:
        return _("Your role does not allow resetting this account.")
    except NotResettable:
        return _("This student has not claimed an account: there is nothing to reset.")
    return None


def _record_decision(locked: ResetRequest, *, approve: bool, actor: Account, note: str) -> None:
    now = timezone.now()
    locked.state = ResetRequest.State.APPROVED if approve else ResetRequest.State.DECLINED
    locked.decided_by = actor
    locked.decided_at = now
    locked.save(update_fields=["state", "decided_by", "decided_at"])
    ticket = locked.ticket
    events = [
        TicketEvent.objects.create(
            ticket=ticket,
            kind=TicketEvent.Kind.RESET_APPROVED if approve else TicketEvent.Kind.RESET_DECLINED,
            actor=actor, body=note.strip(), created_at=now,
        )
    ]
    if ticket.status != Status.RESOLVED:
        events.append(move_status(ticket, Status.RESOLVED, actor=actor, now=now))
    ticket.updated_at = now
    ticket.save(update_fields=["status", "resolved_at", "updated_at"])
    notifications.queue_update(ticket, events, actor=actor)
