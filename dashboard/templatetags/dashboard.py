from functools import lru_cache

from django import template
from django.utils.translation import get_language

from audit.models import EventType, Outcome
from dashboard.stats import ClaimState

register = template.Library()


@register.filter
def claim_state_label(value: str) -> str:
    """The translated name of a claim state ("unclaimed" -> "Not claimed")."""
    try:
        return ClaimState(value).label
    except ValueError:
        return ""


@lru_cache(maxsize=8)
def _audit_labels(language: str | None) -> dict[str, str]:
    """Event and outcome names in one language, translated once: the model's
    get_..._display() translates the whole list of choices on every row."""
    return {value: str(label) for value, label in [*EventType.choices, *Outcome.choices]}


@register.filter
def audit_label(value: str) -> str:
    """The translated name of an audit event type or outcome."""
    return _audit_labels(get_language()).get(value, value)
