"""The technicians' queue: filters, each ticket's age, "mine" and "unassigned", and
assigning several tickets at once. Anyone else gets "not found".

One page costs a fixed number of queries whatever the number of tickets: the
filters' choices, the count, one query for the page with its requester and assignee
joined, and one each for its categories and schools (the tests count them)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from accounts.models import Account
from support import services
from support.access import is_technician, technicians
from support.forms import UNASSIGNED, BulkAssignForm, QueueFilterForm
from support.models import Ticket

QUEUE_FIELDS = (
    "id", "subject", "status", "priority", "created_at", "updated_at", "category", "school",
    "requester__id", "requester__given_name", "requester__family_name",
    "requester__preferred_given_name", "requester__preferred_family_name",
    "assignee__id", "assignee__username",
)


def technician_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_technician(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def filtered_queue(data: dict[str, Any], account: Account) -> QuerySet[Ticket]:
    """The queue's tickets for the filters' cleaned data, oldest first (the
    longest-waiting ticket leads)."""
    tickets = Ticket.objects.all()
    status = data.get("status") or QueueFilterForm.OPEN
    if status == QueueFilterForm.OPEN:
        # Written as IN: Django renders is_open=True as the bare column, which no
        # database answers from an index that the column leads.
        tickets = tickets.filter(is_open__in=[True])
    elif status != QueueFilterForm.ALL:
        tickets = tickets.filter(status=status)
    if data.get("category"):
        tickets = tickets.filter(category_id=data["category"])
    if data.get("school"):
        tickets = tickets.filter(school=data["school"])
    assignee = data.get("assignee") or ""
    if assignee == "me":
        tickets = tickets.filter(assignee=account)
    elif assignee == UNASSIGNED:
        tickets = tickets.filter(assignee__isnull=True)
    elif assignee:
        tickets = tickets.filter(assignee_id=int(assignee))
    # Categories and schools are a few rows each, fetched by one query apiece for
    # the page. Joined instead, the category's inner join lets a database start from
    # the categories and sort every matching ticket rather than read the first page
    # from the tickets' index.
    return (
        tickets.select_related("requester", "assignee")
        .prefetch_related("category", "school")
        .only(*QUEUE_FIELDS)
        .order_by("created_at", "id")
    )


@technician_required
def queue(request: HttpRequest) -> HttpResponse:
    account = request.user
    assert isinstance(account, Account)
    if request.method == "POST":
        return _bulk_assign(request, account)
    filters = QueueFilterForm(request.GET or None, account=account)
    data = filters.cleaned_data if filters.is_valid() else {}
    page = Paginator(filtered_queue(data, account), settings.SUPPORT_QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "support/queue.html",
        {
            "filters": filters,
            "page": page,
            "bulk": BulkAssignForm(),
            "query": query.urlencode(),
        },
    )


def _bulk_assign(request: HttpRequest, account: Account) -> HttpResponse:
    form = BulkAssignForm(request.POST)
    back = request.POST.get("query", "")
    if not form.is_valid():
        for error in {str(error) for errors in form.errors.values() for error in errors}:
            messages.error(request, error)
        return redirect(f"{request.path}?{back}" if back else request.path)
    target = form.cleaned_data["assign_to"]
    assignee: Account | None
    if target == "me":
        assignee = account
    elif target == UNASSIGNED:
        assignee = None
    else:
        assignee = technicians().get(pk=int(target))
    changed = services.do_assign_tickets(form.cleaned_data["tickets"], assignee, actor=account)
    messages.success(
        request,
        ngettext("%(count)d ticket assigned.", "%(count)d tickets assigned.", changed)
        % {"count": changed},
    )
    return redirect(f"{request.path}?{back}" if back else request.path)
