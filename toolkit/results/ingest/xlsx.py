"""The values of one worksheet of an .xlsx, streamed with expat: the fast path for answer files.

openpyxl's read-only mode builds an element and a cell object for every cell, about 10 µs each: 2.5 s of CPU
for 10,000 respondents x 20 items, more than the whole import may take. This reader keeps only what an answer
file needs (cell values, their positions, shared strings) and is about four times faster. Whatever it does not
recognise (no workbook part, an unexpected structure) makes it step aside (`None`), and openpyxl reads the
file instead.

Like openpyxl with `data_only=True` it reads a formula's stored result and never evaluates the formula. It
refuses documents that declare entities (the "billion laughs" attack) and never fetches external entities.
Dates stay Excel serial numbers, which `table.as_datetime` reads.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable
from xml.parsers import expat

Cell = object  # str, int, float, bool, datetime or None: what csv, this reader and openpyxl give

_COLUMN = re.compile(r"[A-Z]+")


class _Refused(Exception):
    """The document declares entities; an answer file never needs them."""


def _parser(start: Callable, end: Callable, text: Callable) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = lambda *args: (_ for _ in ()).throw(_Refused())
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    return parser


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _attribute(attrs: dict, local: str) -> str | None:
    return next((v for k, v in attrs.items() if _local(k) == local), None)


def _elements(data: bytes, wanted: str) -> list[dict]:
    """The attributes of every `wanted` element of a small XML part (workbook, relationships)."""
    found: list[dict] = []
    parser = _parser(lambda name, attrs: found.append(attrs) if _local(name) == wanted else None,
                     lambda name: None, lambda text: None)
    parser.Parse(data, True)
    return found


def _sheet_path(archive: zipfile.ZipFile, prefer: str) -> tuple[str | None, str | None]:
    """(worksheet part, shared strings part) of the sheet called `prefer`, else of the first visible sheet."""
    sheets = _elements(archive.read("xl/workbook.xml"), "sheet")
    rels = {r.get("Id"): r for r in _elements(archive.read("xl/_rels/workbook.xml.rels"), "Relationship")}
    visible = [s for s in sheets if s.get("state", "visible") == "visible"] or sheets
    chosen = next((s for s in sheets if s.get("name") == prefer), visible[0] if visible else None)
    if chosen is None or _attribute(chosen, "id") not in rels:
        return None, None
    strings = next((r.get("Target") for r in rels.values() if str(r.get("Type", "")).endswith("/sharedStrings")),
                   None)
    return _part(rels[_attribute(chosen, "id")].get("Target")), _part(strings) if strings else None


def _part(target: str | None) -> str | None:
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _shared_strings(data: bytes) -> list[str]:
    strings: list[str] = []
    parts: list[str] = []
    state = {"text": False, "phonetic": 0}

    def start(name, attrs):
        local = _local(name)
        if local == "si":
            parts.clear()
        elif local == "rPh":  # phonetic guides (Japanese) are not part of the text
            state["phonetic"] += 1
        elif local == "t" and not state["phonetic"]:
            state["text"] = True

    def end(name):
        local = _local(name)
        if local == "si":
            strings.append("".join(parts))
        elif local == "rPh":
            state["phonetic"] -= 1
        elif local == "t":
            state["text"] = False

    _parser(start, end, lambda text: parts.append(text) if state["text"] else None).Parse(data, True)
    return strings


def _column_index(reference: str | None, fallback: int) -> int:
    match = _COLUMN.match(reference or "")
    if not match:
        return fallback
    index = 0
    for letter in match.group(0):
        index = index * 26 + ord(letter) - 64
    return index - 1


def _rows(data: bytes, strings: list[str], check: Callable[[int, int], None]) -> list[list[Cell]]:
    """Every row of a worksheet part as a list of values; missing rows and cells become empty."""
    rows: list[list[Cell]] = []
    cell: dict = {}
    text: list[str] = []
    state = {"text": False, "phonetic": 0}

    def start(name, attrs):
        local = _local(name)
        if local == "c":
            row = rows[-1]
            cell.update(col=_column_index(attrs.get("r"), len(row)), type=attrs.get("t", "n"), value=None)
        elif local in ("v", "t") and not state["phonetic"]:
            state["text"] = True
            text.clear()
        elif local == "row":
            number = int(attrs.get("r", len(rows) + 1))
            while len(rows) < number - 1:  # rows Excel left out are empty rows
                rows.append([])
            rows.append([])
            check(len(rows), 0)
        elif local == "rPh":
            state["phonetic"] += 1

    def end(name):
        local = _local(name)
        if local in ("v", "t") and state["text"]:
            state["text"] = False
            joined = "".join(text)  # rich text holds several <t> runs: they join up
            cell["value"] = joined if local == "v" or cell["value"] is None else cell["value"] + joined
        elif local == "c":
            _place(rows[-1], cell["col"], _value(cell["type"], cell["value"], strings))
            check(len(rows), cell["col"] + 1)
        elif local == "rPh":
            state["phonetic"] -= 1

    _parser(start, end, lambda chunk: text.append(chunk) if state["text"] else None).Parse(data, True)
    return rows


def _place(row: list[Cell], col: int, value: Cell) -> None:
    if col >= len(row):
        row.extend([None] * (col - len(row) + 1))
    row[col] = value


def _value(kind: str, raw: str | None, strings: list[str]) -> Cell:
    if not raw:  # no value, or an empty <v/> (a formula never calculated)
        return None
    if kind == "s":
        return strings[int(raw)]
    if kind in ("str", "inlineStr", "e", "d"):  # text, a formula's text result, an error like #N/A, ISO date
        return raw
    if kind == "b":
        return raw.strip() == "1"
    number = float(raw)
    return int(number) if number.is_integer() else number


def read_sheet(archive: zipfile.ZipFile, check: Callable[[int, int], None],
               prefer: str = "responses") -> list[list[Cell]] | None:
    """The rows of the sheet `prefer` (else the first visible sheet), or None when this reader steps aside.
    `check(rows, columns)` is called as the sheet grows, to stop an oversized one early."""
    try:
        sheet, strings_part = _sheet_path(archive, prefer)
        if sheet is None:
            return None
        strings = _shared_strings(archive.read(strings_part)) if strings_part in archive.namelist() else []
        return _rows(archive.read(sheet), strings, check)
    except (KeyError, ValueError, IndexError, expat.ExpatError, _Refused, zipfile.BadZipFile):
        return None
