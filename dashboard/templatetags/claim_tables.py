"""The claim-rate tables, each built by one tag in Python.

A school's class table has a row per class (hundreds at a big school); drawn by the
template language, its six cells, link and labels per row cost more than counting
the figures. The markup is the same as the rest of the dashboard's tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from dashboard.stats import ClaimRow
from directory.models import Org

register = template.Library()

# A stand-in key, reversed once per table and replaced by each row's key: reverse()
# for every row of a big school's class table costs as much as the rest of the row.
_KEY_MARK = "2147483647"


@dataclass(frozen=True)
class ColumnLabels:
    """The translated headings, also each cell's data-label (the stacked layout
    on a narrow screen shows them beside the value)."""

    rate: str
    claimed: str
    unclaimed: str
    waiting: str
    deactivated: str

    @classmethod
    def translated(cls) -> ColumnLabels:
        return cls(
            gettext("Claim rate"), gettext("Claimed"), gettext("Not claimed"),
            gettext("Not yet claimable"), gettext("Deactivated"),
        )


def _row_links(link: str, rows: Sequence[ClaimRow], school: Org | None) -> list[str | None]:
    """Each row's address: a school's page, a grade's or a class's people; none for
    the other tables."""
    if link == "grade" and school is not None:
        people = reverse("dashboard:school-people", args=[school.pk])
        return [f"{people}?{urlencode({'grade': row.key})}" for row in rows]
    names = {"school": "dashboard:school", "class": "dashboard:class-people"}
    if link not in names:
        return [None] * len(rows)
    pattern = reverse(names[link], args=[_KEY_MARK])
    return [pattern.replace(_KEY_MARK, row.key) for row in rows]


def _row_format(first_column: str, labels: ColumnLabels) -> str:
    """format_html's format string for a row: the labels, the same in every row, are
    escaped once here and the row's own values by format_html."""

    def label(text: str) -> str:
        return _literal(conditional_escape(text))

    return (
        f'    <tr>\n      <th scope="row" data-label="{label(first_column)}">{{}}</th>\n'
        f'      <td data-label="{label(labels.rate)}">{{}}%</td>\n'
        f'      <td data-label="{label(labels.claimed)}">{{}}</td>\n'
        f'      <td data-label="{label(labels.unclaimed)}">{{}}</td>\n'
        f'      <td data-label="{label(labels.waiting)}">{{}}</td>\n'
        f'      <td data-label="{label(labels.deactivated)}">{{}}</td>\n    </tr>\n'
    )


def _row(row: ClaimRow, address: str | None, row_format: str) -> SafeString:
    name = format_html('<a href="{}">{}</a>', address, row.label) if address else row.label
    counts = row.counts
    return format_html(
        row_format, name, counts.percent, counts.claimed, counts.unclaimed, counts.waiting,
        counts.deactivated,
    )


def _literal(text: str) -> str:
    """`text` as a format string that writes it as it is."""
    return text.replace("{", "{{").replace("}", "}}")


def _as_format(translated: str, placeholder: str) -> str:
    """A translation with one %(placeholder)s as format_html's format string, so the
    value is escaped and the (trusted) translation is not."""
    return _literal(translated).replace(f"%({placeholder})s", "{}")


@register.simple_tag
def claim_table(
    rows: Sequence[ClaimRow],
    caption: str,
    first_column: str,
    link: str = "",
    csv: str = "",
    school: Org | None = None,
) -> SafeString:
    """A claim-rate table: a row per school, role, grade or class, the first cell
    linked as `link` says ("school", "grade" of `school`, "class" or none), and the
    link to download it as CSV (`csv`, the page's download name)."""
    labels = ColumnLabels.translated()
    heading = format_html(
        '<th scope="col">{}</th>' * 6, first_column, labels.rate, labels.claimed,
        labels.unclaimed, labels.waiting, labels.deactivated,
    )
    addresses = _row_links(link, rows, school)
    row_format = _row_format(first_column, labels)
    body = format_html_join(
        "", "{}", ((_row(row, address, row_format),) for row, address in zip(
            rows, addresses, strict=True
        ))
    ) or format_html('    <tr><td colspan="6">{}</td></tr>\n', gettext("No one to count."))
    download = _as_format(gettext("Download “%(name)s” as CSV"), "name")
    return format_html(
        '<table class="table table-stack">\n  <caption>{}</caption>\n'
        "  <thead><tr>{}</tr></thead>\n  <tbody>\n{}  </tbody>\n</table>\n"
        '<p><a href="?csv={}" download>{}</a></p>\n',
        caption, heading, body, csv, format_html(download, caption),
    )
