"""Our own response sheet for a drafted survey: one row per respondent, one column per item.

Layout (the same in .xlsx and .csv; the reader recognises it by the `#key` in the first cell):

    row 1  #key       #group  purpose_1  ...  job_security_2  ...  open_2     item keys (hidden in .xlsx)
    row 2  #reverse           0          ...  1               ...             polarity: 1 = agreeing is unfavourable
    row 3  Respondent Group   <the item's text as respondents read it>         the visible header
    row 4+ answers: the scale labels in the survey's language (or 1-5), 0-10 for eNPS, free text for open items

The .xlsx also has an "items" sheet (key, text, type, dimension, reverse, answer options) and drop-down lists
of the scale labels on every Likert column. The CSV is UTF-8 with a BOM (so Excel reads the accents), with `;`
for Dutch and Swedish (their Excel's separator) and `,` for English.
"""

from __future__ import annotations

import csv
import io
from typing import Literal

from toolkit.i18n import translator
from toolkit.models import Draft
from toolkit.results.ingest.table import GROUP_MARK, KEY_MARK, REVERSE_MARK

FIRST_ANSWER_ROW = 4
VALIDATED_ROWS = 2000  # the drop-down lists reach this far down; more rows can be typed, unchecked


def response_sheet(survey: Draft, fmt: Literal["xlsx", "csv"] = "xlsx") -> bytes:
    """The blank response sheet of a survey as .xlsx or .csv bytes."""
    if fmt == "csv":
        return _csv(survey)
    if fmt == "xlsx":
        return _xlsx(survey)
    raise ValueError(f"unknown sheet format {fmt!r}")


def _header_rows(survey: Draft) -> list[list[str]]:
    _ = translator(survey.lang)
    questions = survey.questions
    return [
        [KEY_MARK, GROUP_MARK, *(q.key for q in questions)],
        [REVERSE_MARK, "", *(("1" if q.reverse else "0") if q.type == "likert" else "" for q in questions)],
        [_("Respondent"), _("Group (team, site or shift)"), *(q.text for q in questions)],
    ]


def _csv_safe(value: str) -> str:
    """A leading apostrophe keeps a spreadsheet from reading a cell as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _csv(survey: Draft) -> bytes:
    buffer = io.StringIO()
    delimiter = "," if survey.lang == "en" else ";"
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in _header_rows(survey):
        writer.writerow([_csv_safe(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(survey: Draft) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "responses"
    for row in _header_rows(survey):
        sheet.append(row)
    _as_text(sheet)
    _lay_out(sheet, survey)
    _validate(book, sheet, survey)
    _items_sheet(book, survey)
    book.properties.title = survey.title
    book.properties.creator = "AI Change Toolkit"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _as_text(sheet) -> None:
    """openpyxl takes a string starting with "=" for a formula; the sheet holds only text, never formulas."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"


def _lay_out(sheet, survey: Draft) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.row_dimensions[1].hidden = True
    sheet.row_dimensions[2].hidden = True
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[3].height = 75
    sheet.freeze_panes = sheet.cell(row=FIRST_ANSWER_ROW, column=3)
    widths = [14, 18, *(32 if q.type == "open" else 22 for q in survey.questions)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _validate(book, sheet, survey: Draft) -> None:
    """Drop-down lists of the scale labels (from a hidden "lists" sheet) and 0-10 for eNPS."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    _ = translator(survey.lang)
    likert = next((q.options for q in survey.questions if q.type == "likert" and q.options), [])
    lists = book.create_sheet("lists")
    lists.sheet_state = "hidden"
    for row, label in enumerate(likert, start=1):
        lists.cell(row=row, column=1, value=label).data_type = "s"
    scale = DataValidation(type="list", formula1=f"lists!$A$1:$A${max(len(likert), 1)}", allow_blank=True,
                           showErrorMessage=True, errorTitle=_("Answer"),
                           error=_("Choose one of the answers in the list."))
    nps = DataValidation(type="whole", operator="between", formula1="0", formula2="10", allow_blank=True,
                         showErrorMessage=True, errorTitle=_("Answer"), error=_("Type a whole number from 0 to 10."))
    last = FIRST_ANSWER_ROW + VALIDATED_ROWS - 1
    for index, question in enumerate(survey.questions, start=3):
        target = {"likert": scale, "nps": nps}.get(question.type)
        if target is not None:
            letter = get_column_letter(index)
            target.add(f"{letter}{FIRST_ANSWER_ROW}:{letter}{last}")
    for validation in (scale, nps):
        if validation.sqref:
            sheet.add_data_validation(validation)


def _items_sheet(book, survey: Draft) -> None:
    """The items with everything a survey tool or a reader needs: key, text, type, dimension, polarity."""
    from openpyxl.styles import Font

    _ = translator(survey.lang)
    items = book.create_sheet("items")
    items.append(["key", _("Question"), _("Type"), _("Dimension"), _("Reverse (agreeing is unfavourable)"),
                  _("Answer options")])
    for cell in items[1]:
        cell.font = Font(bold=True)
    for q in survey.questions:
        items.append([q.key, q.text, q.type, q.dimension_label or q.dimension,
                      (_("yes") if q.reverse else _("no")) if q.type == "likert" else "", " | ".join(q.options)])
    _as_text(items)
    for letter, width in zip("ABCDEF", (18, 70, 10, 30, 16, 60), strict=True):
        items.column_dimensions[letter].width = width
