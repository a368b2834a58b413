"""The work order's life: new → assigned → in progress → waiting on requester →
resolved → closed, and which moves a technician may make."""

from __future__ import annotations

from support.models import Status

# Where a technician may move a ticket from each status. Closed is final: a closed
# ticket's problem comes back as a new ticket.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CLOSED}
    ),
    Status.ASSIGNED: frozenset(
        {Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CLOSED}
    ),
    Status.IN_PROGRESS: frozenset({Status.WAITING, Status.RESOLVED, Status.CLOSED}),
    Status.WAITING: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def may_move(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, frozenset())


def next_statuses(current: str) -> list[Status]:
    """The statuses a technician may choose next, in workflow order."""
    return [status for status in Status if may_move(current, status)]
