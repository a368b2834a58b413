"""Who may see which ticket: the one answer every page and the reply-by-email path ask.

Requesters see the tickets they are the requester of and those they opened for
someone else (a teacher's reset requests); technicians see every ticket. Anything
else is "not found", never "forbidden", so a guessed number tells nothing."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Account
from accounts.roles import IT_ADMINISTRATOR, TECHNICIAN, is_it_administrator
from support.models import Attachment, Ticket


def is_technician(user: object) -> bool:
    """An enabled staff account in the Technician group, or an IT administrator."""
    if not isinstance(user, Account) or not user.is_active:
        return False
    return is_it_administrator(user) or (user.is_staff and TECHNICIAN in user.group_names)


def technicians() -> QuerySet[Account]:
    """The accounts a ticket may be assigned to."""
    return (
        Account.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(is_staff=True, groups__name__in=[TECHNICIAN, IT_ADMINISTRATOR])
        )
        .distinct()
        .order_by("username")
    )


def visible_tickets(account: Account) -> QuerySet[Ticket]:
    if is_technician(account):
        return Ticket.objects.all()
    mine = Q(opened_by=account)
    if account.person_id is not None:
        mine |= Q(requester_id=account.person_id)
    return Ticket.objects.filter(mine)


def access_ticket_by_account(pk: int, account: Account) -> Ticket:
    """The ticket, if `account` may see it; Http404 otherwise."""
    ticket = (
        visible_tickets(account)
        .select_related(
            "category", "school", "requester", "opened_by", "assignee", "reset_request__student",
            "equipment_request__item", "equipment_request__person",
        )
        .filter(pk=pk)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def access_attachment_by_account(pk: int, account: Account) -> Attachment:
    """The attachment, if `account` may see its ticket and the event it belongs to
    (an internal note's attachment is the technicians' only)."""
    attachments = Attachment.objects.select_related("event").filter(
        pk=pk, ticket__in=visible_tickets(account)
    )
    if not is_technician(account):
        attachments = attachments.filter(event__is_public=True)
    attachment = attachments.first()
    if attachment is None:
        raise Http404
    return attachment
