"""Markdown to safe HTML (the knowledge base, the Acceptable Use Policy):
Python-Markdown renders, nh3 (the Rust ammonia sanitiser) keeps only the tags,
attributes and link schemes listed here. Raw HTML in the Markdown goes through the
same filter, so no script, event handler, style or javascript: link reaches a page."""

from __future__ import annotations

import re

import markdown as markdown_lib  # type: ignore[import-untyped]  # no stubs installed
import nh3

# The page's title is its only h1: a "# Heading" in an article becomes an h2.
_H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)

TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "hr", "img", "kbd", "li", "ol", "p", "pre", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"scope"},
    "abbr": {"title"},
}


def render_markdown(text: str) -> str:
    html = markdown_lib.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        _H1.sub(r"<\1h2", html),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
