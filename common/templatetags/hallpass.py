"""Small template filters shared by every page."""

from __future__ import annotations

import re

from django import template

register = template.Library()

_NOT_DIALABLE = re.compile(r"[^0-9+]")


@register.filter
def tel_href(phone: object) -> str:
    """The digits (and a leading +) of a phone number, for a tel: link.

    "(555) 010-2772" dials as 5550102772; the printed form stays as the district wrote it.
    """
    return _NOT_DIALABLE.sub("", str(phone or ""))
