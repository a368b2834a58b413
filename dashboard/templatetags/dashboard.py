from django import template

from dashboard.stats import ClaimState

register = template.Library()


@register.filter
def claim_state_label(value: str) -> str:
    """The translated name of a claim state ("unclaimed" -> "Not claimed")."""
    try:
        return ClaimState(value).label
    except ValueError:
        return ""
