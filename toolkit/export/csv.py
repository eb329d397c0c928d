"""Survey -> CSV, for a survey tool or a spreadsheet."""

from __future__ import annotations

import csv
import io

from toolkit.models import Draft
from toolkit.text import one_line

CSV_COLUMNS = ("text", "type", "options", "dimension", "dimension_label")


def survey_csv(draft: Draft, *, delimiter: str = ",") -> bytes:
    """The survey's questions as CSV (UTF-8 with BOM, for Excel) with stable English column names.

    Columns: text, type, options (joined with " | "), dimension, dimension_label. Cells that a spreadsheet
    would read as a formula get a leading apostrophe.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for question in draft.questions:
        options = " | ".join(one_line(option) for option in question.options)
        row = (one_line(question.text), question.type, options, one_line(question.dimension),
               one_line(question.dimension_label))
        writer.writerow([_csv_safe(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_safe(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
