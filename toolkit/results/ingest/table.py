"""A grid of cells -> a `Table`: which tool wrote it, its header rows, and what each column is.

Formats: `ours` (our response sheet: a `#key` row, a `#reverse` row, then the questions), `qualtrics` (field ids,
question texts, `{"ImportId": ...}`), `forms` (Microsoft Forms metadata columns in en/nl/sv), `google`
(`Timestamp` / `Tijdstempel` / `Tidstämpel`) and `generic` (any sheet with one header row). The words each tool
uses are data, in vocabulary.yaml beside this file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path

import yaml

from toolkit.results import errors
from toolkit.results.errors import ResultsError
from toolkit.results.ingest.grid import LIMITS, Cell, Limits, is_blank, read_grid

KEY_MARK, REVERSE_MARK, GROUP_MARK = "#key", "#reverse", "#group"
FORMATS: tuple[str, ...] = ("ours", "forms", "google", "qualtrics", "generic")
ROLES: tuple[str, ...] = ("", "id", "email", "name", "date", "meta", "group")
_SPACES = re.compile(r"\s+")
_EXCEL_EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year bug already absorbed)


@cache
def vocabulary() -> dict:
    """The words other tools' exports use (vocabulary.yaml), normalised with `norm`."""
    raw = yaml.safe_load((Path(__file__).with_name("vocabulary.yaml")).read_text(encoding="utf-8"))

    def normalised(value):
        if isinstance(value, list):
            return [norm(v) for v in value]
        if isinstance(value, dict):
            return {k: normalised(v) for k, v in value.items()}
        return value

    return normalised(raw)


def norm(text: object) -> str:
    """Case-, space- and dash-insensitive form of a header or label."""
    value = str(text).replace("\u00a0", " ").replace("–", "-").replace("—", "-")
    return _SPACES.sub(" ", value).replace(" / ", "/").strip().casefold()


@dataclass
class Column:
    """One column of the file and what the importer made of its header."""

    name: str  # unique label of the column in this file, as the mapping shows it
    text: str = ""  # the question as respondents saw it, when the file says so
    key: str = ""  # an item key or field id the file carries (our key row, Qualtrics' first row)
    role: str = ""  # "" (maybe a question), "id", "email", "name", "date", "meta", "group"
    reverse: bool | None = None  # our sheet only: the item's polarity as the sheet states it


@dataclass
class Table:
    """A results file read into columns and data rows (every row as long as `columns`)."""

    name: str
    format: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    header_rows: int = 1

    def column(self, name: str) -> int | None:
        """The index of the column called `name` (exact, then case-insensitive), or None."""
        for index, column in enumerate(self.columns):
            if column.name == name:
                return index
        wanted = norm(name)
        return next((i for i, c in enumerate(self.columns) if norm(c.name) == wanted), None)


def read_table(name: str, data: bytes, limits: Limits = LIMITS) -> Table:
    """Read a results file (.xlsx, .csv, .tsv, .txt) into a `Table`; raises `ResultsError` if it can't."""
    grid = read_grid(name, data, limits)
    start = _header_start(grid)
    if start is None:
        raise ResultsError(errors.EMPTY, name=name)
    grid = grid[start:]
    fmt, header_rows = detect_format(grid)
    columns = _columns(fmt, grid[:header_rows])
    body = grid[header_rows:]
    width = max([len(columns), *(len(row) for row in body)])
    columns += [Column(name=_letter(i)) for i in range(len(columns), width)]
    _unique_names(columns)
    rows = [list(row) + [None] * (width - len(row)) for row in body]
    if len(rows) > limits.max_rows:
        raise ResultsError(errors.TOO_MANY_ROWS, name=name, limit=limits.max_rows)
    if not any(c.role == "" for c in columns) and fmt != "ours":
        raise ResultsError(errors.NO_HEADER, name=name)
    return Table(name=name, format=fmt, columns=columns, rows=rows, header_rows=start + header_rows)


def _filled(row: list[Cell]) -> int:
    return sum(1 for c in row if not is_blank(c))


def _header_start(grid: list[list[Cell]]) -> int | None:
    """The first row of the header: the first non-empty row, after any title lines above a wider header
    ("Survey export, March 2027" in A1)."""
    filled = [i for i, row in enumerate(grid[:50]) if _filled(row)]
    if not filled:
        return None
    wide = 0.6 * max(_filled(grid[i]) for i in filled[:6])
    return next(i for i in filled if _filled(grid[i]) >= wide or _filled(grid[i]) > 2)  # a title: 1-2 cells


def detect_format(grid: list[list[Cell]]) -> tuple[str, int]:
    """(format, number of header rows) from the first rows of a sheet."""
    first = [norm(c) for c in grid[0] if not is_blank(c)]
    if first and first[0] == KEY_MARK:
        header = 1 + sum(1 for row in grid[1:3] if row and norm(row[0]) == REVERSE_MARK)
        return "ours", header + 1
    words = vocabulary()["formats"]
    if _qualtrics_import_row(grid) or sum(h in words["qualtrics"] for h in first) >= 2:
        extra = 0
        for row in grid[1:3]:
            cells = [str(c) for c in row if not is_blank(c)]
            if any(c.lstrip().startswith('{"ImportId"') for c in cells) or (extra == 0 and _qualtrics_text_row(row)):
                extra += 1
        return "qualtrics", 1 + extra
    if sum(h in words["forms"] for h in first) >= 2:
        return "forms", 1
    if first and first[0] in words["google"]:
        return "google", 1
    return "generic", 1


def _qualtrics_import_row(grid) -> bool:
    return any(str(c).lstrip().startswith('{"ImportId"') for row in grid[1:3] for c in row if not is_blank(c))


def _qualtrics_text_row(row) -> bool:
    """Qualtrics' second header row spells its first fields out ("Start Date", "Response ID")."""
    cells = {norm(c) for c in row if not is_blank(c)}
    return bool(cells & {"start date", "response id", "end date", "recorded date", "ip address"})


def _columns(fmt: str, header: list[list[Cell]]) -> list[Column]:
    width = max(len(row) for row in header)
    rows = [list(row) + [None] * (width - len(row)) for row in header]
    if fmt == "ours":
        return [_our_column(i, rows) for i in range(width)]
    if fmt == "qualtrics":
        return [_qualtrics_column(i, rows) for i in range(width)]
    return [_plain_column(i, rows[0][i]) for i in range(width)]


def _our_column(i: int, rows: list[list[Cell]]) -> Column:
    key = "" if is_blank(rows[0][i]) else str(rows[0][i]).strip()
    text = "" if is_blank(rows[-1][i]) else str(rows[-1][i]).strip()
    reverse = None
    if len(rows) > 2 and not is_blank(rows[1][i]) and i:
        reverse = norm(rows[1][i]) in ("1", "true", "yes", "reverse")
    role = {KEY_MARK: "id", GROUP_MARK: "group"}.get(norm(key), "meta" if key.startswith("#") else "")
    return Column(name=text or key or _letter(i), text=text, key="" if role else key, role=role, reverse=reverse)


def _qualtrics_column(i: int, rows: list[list[Cell]]) -> Column:
    field_id = "" if is_blank(rows[0][i]) else str(rows[0][i]).strip()
    text = "" if len(rows) < 2 or is_blank(rows[1][i]) else str(rows[1][i]).strip()
    if text.startswith('{"ImportId"'):
        text = ""
    column = _plain_column(i, field_id or text)
    column.text, column.key = text, field_id
    lowered = norm(field_id)
    if not column.role and (lowered.startswith("q_") or any(
            lowered.endswith(s) or f"{s}_" in lowered for s in vocabulary()["qualtrics_meta_suffixes"])):
        column.role = "meta"
    return column


def _plain_column(i: int, header: Cell) -> Column:
    name = _letter(i) if is_blank(header) else str(header).strip()
    return Column(name=name, text="" if is_blank(header) else name, role=header_role(name))


def header_role(header: str) -> str:
    """What a header says the column is: "id", "email", "name", "date", "meta", "group", or "" (a question)."""
    words, lowered = vocabulary(), norm(header)
    for role in ("id", "email", "name", "date"):
        if lowered in words["meta"][role]:
            return role
    if lowered in words["meta"]["other"] or any(lowered.startswith(p) for p in words["meta_prefixes"]):
        return "meta"
    return "group" if is_group_header(header) else ""


def is_group_header(header: str) -> bool:
    """Whether a header names a group column ("Team", "Arbetslag", "In welk team werk je?"), in any language."""
    return norm(header).rstrip(" ?:") in group_headers()


@cache
def group_headers() -> frozenset[str]:
    """The group-column headers of every language (`group_columns` in templates/{lang}/results.yaml)."""
    from toolkit.models import LANGS
    from toolkit.templates import load_template

    return frozenset(norm(h).rstrip(" ?:") for lang in LANGS for h in load_template(lang, "results")["group_columns"])


def _unique_names(columns: list[Column]) -> None:
    seen: dict[str, int] = {}
    for column in columns:
        count = seen.get(column.name, 0) + 1
        seen[column.name] = count
        if count > 1:
            column.name = f"{column.name} ({count})"


def _letter(index: int) -> str:
    """A column's spreadsheet letter: 0 -> A, 27 -> AB (the name of a column without a header)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- values -------------------------------------------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%m/%d/%Y %H:%M:%S",
                 "%m/%d/%y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%y %H:%M", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M",
                 "%d-%m-%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %I:%M:%S %p",
                 "%d.%m.%Y %H:%M", "%d.%m.%Y", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%Y/%m/%d %H:%M:%S",
                 "%Y/%m/%d %I:%M %p", "%d-%m-%Y %H:%M:%S", "%m/%d/%Y")
_TIME_ZONE = re.compile(r"\s+(?:GMT|UTC|CET|CEST|EET|EEST)(?:[+-]\d{1,2}(?::?\d{2})?)?$", re.I)


def as_number(value: Cell) -> float | None:
    """A number from a cell: ints and floats as they are, text with a decimal point or a decimal comma."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        return None
    text = value.strip().replace("\u2212", "-")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def as_datetime(value: Cell) -> datetime | None:
    """A date/time from a cell: a real date, an Excel serial number (also as text, with a decimal comma) or
    one of the common written forms. None when the cell is no date."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    number = as_number(value)
    if number is not None:
        # Excel serial days: 20000 is 1954, 80000 is 2119; outside that a number is no date.
        return _EXCEL_EPOCH + timedelta(days=number) if 20000 <= number <= 80000 else None
    if isinstance(value, str):
        text = _TIME_ZONE.sub("", value.strip())
        try:
            return datetime.fromisoformat(text).replace(tzinfo=None)
        except ValueError:
            pass
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt)
            except ValueError:
                continue
    return None
