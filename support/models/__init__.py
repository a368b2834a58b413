"""The Technology Support Center's data: work orders ("t-tickets") with their history
and attachments, and the notifications they send."""

from support.models.equipment import EquipmentItem, EquipmentRequest, HandedOut
from support.models.kb import Article, ArticleCategory, ArticleVersion
from support.models.notifications import Notification
from support.models.tickets import (
    Attachment,
    Category,
    Priority,
    ResetRequest,
    Status,
    Ticket,
    TicketEvent,
)

__all__ = [
    "Article",
    "ArticleCategory",
    "ArticleVersion",
    "Attachment",
    "Category",
    "EquipmentItem",
    "EquipmentRequest",
    "HandedOut",
    "Notification",
    "Priority",
    "ResetRequest",
    "Status",
    "Ticket",
    "TicketEvent",
]
