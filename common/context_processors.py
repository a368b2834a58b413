"""Template context shared by every page: the district's branding and help contacts."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language, get_language_info

DEFAULT_PRIMARY_COLOR = "#0b5394"
DEFAULT_ACCENT_COLOR = "#f1c232"
WHITE = "#ffffff"
NEAR_BLACK = "#1a1a1a"
BLACK = "#000000"
AA_TEXT_CONTRAST = 4.5

# Each language is offered in its own name, so someone who cannot read English
# can still find theirs. Django's name_local for Spanish is lower case ("español").
LANGUAGE_NAMES = {"en": "English", "es": "Español", "vi": "Tiếng Việt"}

# Named, not imported: common imports no app.
OUTBOX_BACKEND = "outbox.backends.OutboxEmailBackend"

_HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def valid_hex_color(value: object, fallback: str) -> str:
    """`value` as a lower-case #rrggbb colour, or `fallback` when it is anything else.

    The colour goes into a stylesheet, so only a strict hex pattern gets through.
    """
    if not isinstance(value, str) or not _HEX_COLOR.fullmatch(value.strip()):
        return fallback
    digits = value.strip()[1:].lower()
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return f"#{digits}"


def relative_luminance(color: str) -> float:
    """WCAG 2.1 relative luminance of a #rrggbb colour."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else float(((c + 0.055) / 1.055) ** 2.4)

    r, g, b = (channel(color[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    lighter, darker = max(la, lb), min(la, lb)
    return (lighter + 0.05) / (darker + 0.05)


def text_color_on(background: str) -> str:
    """White or (near-)black text, whichever reads at WCAG AA (4.5:1) on `background`.

    Pure black always reaches at least 4.58:1 against a colour that white fails
    on, so the last fallback is guaranteed to pass.
    """
    for candidate in (WHITE, NEAR_BLACK):
        if contrast_ratio(candidate, background) >= AA_TEXT_CONTRAST:
            return candidate
    return BLACK


# Classes on <html> choose the text colours in hallpass.css, so the branding
# stylesheet (common.views.branding_stylesheet) carries nothing but the two colours.
_TEXT_CLASS = {WHITE: "brand-text-white", NEAR_BLACK: "brand-text-dark", BLACK: "brand-text-black"}


@lru_cache(maxsize=8)
def _branding(primary: object, accent: object) -> dict[str, str]:
    brand = valid_hex_color(primary, DEFAULT_PRIMARY_COLOR)
    accent_color = valid_hex_color(accent, DEFAULT_ACCENT_COLOR)
    brand_text = text_color_on(brand)
    stylesheet = f":root{{--brand:{brand};--accent:{accent_color}}}\n"
    return {
        "brand_color": brand,
        "accent_color": accent_color,
        "stylesheet": stylesheet,
        # In the stylesheet's address, so browsers may keep it until the colours change.
        "stylesheet_version": hashlib.sha256(stylesheet.encode()).hexdigest()[:12],
        "brand_text_color": brand_text,
        # White text passing on the brand colour is the same test as the brand colour
        # passing on a white page, so the class also tells the stylesheet
        # whether links and focus rings may use the brand colour.
        "theme_classes": _TEXT_CLASS[brand_text],
    }


def branding() -> dict[str, str]:
    """The district's colours (validated), the text class that reads on them, and
    the stylesheet that sets them."""
    return _branding(settings.DISTRICT.get("primary_color"), settings.DISTRICT.get("accent_color"))


def language_choices() -> list[tuple[str, str]]:
    """(code, name in that language) for each configured language."""
    return [
        (code, LANGUAGE_NAMES.get(code) or str(get_language_info(code)["name_local"]))
        for code, _name in settings.LANGUAGES
    ]


# Names that appear inside translated sentences, so each has a form per language.
NAMES_PER_LANGUAGE = ("sis_name", "support_center_name")


def district_settings(language: str | None = None) -> dict[str, Any]:
    """settings.DISTRICT with its names in `language` (the active one by default):
    the district's own form for the language (sis_name_es), else its one form
    for every language, else the translated default."""
    language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    values = dict(settings.DISTRICT)
    for name in NAMES_PER_LANGUAGE:
        values[name] = str(values.get(f"{name}_{language}") or values[name])
    return values


def district(request: HttpRequest) -> dict[str, Any]:
    """The district's name, logo, colours and help contacts for every template."""
    return {
        "district": {
            **district_settings(),
            **branding(),
            # Staff get a link to the demo's outbox only where mail lands there.
            "outbox_in_use": settings.EMAIL_BACKEND == OUTBOX_BACKEND,
        },
        "district_time_zone": settings.TIME_ZONE,
        "language_choices": language_choices(),
    }
