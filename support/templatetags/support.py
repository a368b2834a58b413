"""Template filters of the Support Center's pages."""

from __future__ import annotations

from django import template

from support.models import Category, EquipmentItem, Status, TicketEvent

register = template.Library()


@register.filter
def category_name(category: Category, language: str) -> str:
    return category.name_for(language or "en")


@register.filter
def status_label(value: str) -> str:
    """A status stored in a history event, in the reader's language."""
    try:
        return str(Status(value).label)
    except ValueError:
        return value


@register.filter
def actor_name(event: TicketEvent) -> str:
    return event.actor.display_name if event.actor is not None else ""


@register.filter
def item_name(item: EquipmentItem, language: str) -> str:
    return item.name_for(language or "en")
