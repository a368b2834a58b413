"""CSV downloads that a spreadsheet opens as data, never as formulas.

A spreadsheet runs a cell that starts with = + - or @ as a formula (and one that
starts with a tab or carriage return after trimming it), so a name typed as
`=HYPERLINK(...)` in the SIS could run on an administrator's computer. Such text
cells are written with a leading apostrophe, which spreadsheets show as text.
Numbers are written as numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None


def safe_cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> HttpResponse:
    """A CSV attachment (UTF-8 with a byte-order mark, so Excel reads accents)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return response
