"""Bytes -> a grid of cells (a list of rows), from .xlsx, .csv, .tsv or .txt, with hostile files kept out.

Text files: a byte-order mark is honoured (UTF-8, or UTF-16 as Qualtrics and Excel write TSV), then UTF-8 is
tried and cp1252 (what Dutch and Swedish Windows Excel write) is the fallback. The delimiter is sniffed from the
first lines (`,` `;` tab `|`): Dutch and Swedish Excel write `;`.

Workbooks: the zip's directory is checked before any XML parser sees it (total unpacked size, number of members,
compression ratio) and every member is then unpacked once under a running cap, so a zip that lies about its
sizes cannot get past either. The sheet is then streamed by `xlsx.read_sheet` (fast; cell values only), or by
openpyxl in read-only mode when that reader steps aside. Both read formulas' stored results and never evaluate
them; both refuse entity declarations (openpyxl through defusedxml, installed with the requirements).
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from toolkit.results import errors
from toolkit.results.errors import ResultsError
from toolkit.results.ingest.xlsx import Cell, read_sheet  # noqa: E402 - Cell: what csv, the fast reader and openpyxl give


@dataclass(frozen=True)
class Limits:
    """What a results file may hold; larger files are refused with a message, never truncated."""

    max_bytes: int = 25 * 1024 * 1024
    max_rows: int = 100_000
    max_columns: int = 1_000
    max_unzipped_bytes: int = 250 * 1024 * 1024
    max_zip_members: int = 2_000
    max_zip_ratio: int = 200  # unpacked / packed for one member; real sheets stay well below 100


LIMITS = Limits()
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
SUFFIXES = (".xlsx", ".xlsm", *TEXT_SUFFIXES)
DELIMITERS = (",", ";", "\t", "|")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and password-protected .xlsx


def read_grid(name: str, data: bytes, limits: Limits = LIMITS) -> list[list[Cell]]:
    """The cells of the file's first sheet, row by row, with trailing empty rows and cells removed."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ResultsError(errors.UNSUPPORTED, name=name)
    if len(data) > limits.max_bytes:
        raise ResultsError(errors.TOO_LARGE, name=name, limit=limits.max_bytes // (1024 * 1024))
    if not data.strip():
        raise ResultsError(errors.EMPTY, name=name)
    if data.startswith(_OLE_MAGIC):
        raise ResultsError(errors.OLD_EXCEL, name=name)
    if data.startswith(b"PK"):  # a workbook, whatever it is called
        rows = _xlsx_rows(name, data, limits)
    elif suffix in TEXT_SUFFIXES:
        rows = _text_rows(name, data, limits, tab=suffix == ".tsv")
    else:
        raise ResultsError(errors.DAMAGED, name=name)
    return _trimmed(rows)


# --- text ---------------------------------------------------------------------------------------------------

def decode(name: str, data: bytes) -> str:
    """The text of a CSV: BOM first (UTF-8 / UTF-16), then UTF-8, then cp1252."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise ResultsError(errors.NOT_TEXT, name=name) from None
    if b"\x00" in data[:4096]:  # UTF-16 without a BOM, or a binary file
        raise ResultsError(errors.NOT_TEXT, name=name)
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    # cp1252 leaves five bytes undefined; latin-1 reads them rather than refusing a whole file over one.
    return data.decode("latin-1")


def sniff_delimiter(text: str, default: str = ",") -> str:
    """The delimiter that splits the first lines into the same number (> 1) of fields most consistently."""
    sample = text[:65536].splitlines()[:30]
    best, best_score = default, (0, 0)
    for delimiter in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(sample, delimiter=delimiter) if row]
        except csv.Error:
            continue
        counts = [n for n in counts if n > 1]  # a line the delimiter does not split says nothing for it
        if not counts:
            continue
        common = max(set(counts), key=lambda n: (counts.count(n), n))
        score = (counts.count(common), common)  # consistent rows first, then more fields
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _text_rows(name: str, data: bytes, limits: Limits, *, tab: bool) -> list[list[Cell]]:
    text = decode(name, data)
    if "\x00" in text:
        raise ResultsError(errors.NOT_TEXT, name=name)
    delimiter = "\t" if tab and "\t" in text[:65536] else sniff_delimiter(text)
    rows: list[list[Cell]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            _check_size(name, len(rows), len(row), limits)
            rows.append(row)
    except csv.Error:
        raise ResultsError(errors.DAMAGED, name=name) from None
    return rows


# --- workbooks ----------------------------------------------------------------------------------------------

def check_zip(name: str, data: bytes, limits: Limits = LIMITS) -> None:
    """Refuse a zip bomb before any XML parser sees it: declared sizes first, then the real unpacked bytes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ResultsError(errors.DAMAGED, name=name) from None
    limit_mb = limits.max_unzipped_bytes // (1024 * 1024)
    if len(members) > limits.max_zip_members:
        raise ResultsError(errors.ZIP_BOMB, name=name, limit=limit_mb)
    if sum(m.file_size for m in members) > limits.max_unzipped_bytes or any(
            m.file_size > limits.max_zip_ratio * max(m.compress_size, 1) + 1024 * 1024 for m in members):
        raise ResultsError(errors.ZIP_BOMB, name=name, limit=limit_mb)
    if any(m.flag_bits & 0x1 for m in members):
        raise ResultsError(errors.OLD_EXCEL, name=name)
    _unpack_under_cap(name, archive, members, limits)


def _unpack_under_cap(name, archive, members, limits: Limits) -> None:
    """Unpack each member once, counting real bytes: a member may not outgrow what its header declares."""
    total = 0
    limit_mb = limits.max_unzipped_bytes // (1024 * 1024)
    try:
        for member in members:
            seen = 0
            with archive.open(member) as stream:
                while chunk := stream.read(1 << 20):
                    seen += len(chunk)
                    total += len(chunk)
                    if seen > member.file_size or total > limits.max_unzipped_bytes:
                        raise ResultsError(errors.ZIP_BOMB, name=name, limit=limit_mb)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise ResultsError(errors.DAMAGED, name=name) from None


def _xlsx_rows(name: str, data: bytes, limits: Limits) -> list[list[Cell]]:
    check_zip(name, data, limits)

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rows = read_sheet(archive, lambda rows, columns: _check_size(name, rows, columns, limits))
    return rows if rows is not None else _openpyxl_rows(name, data, limits)


def _openpyxl_rows(name: str, data: bytes, limits: Limits) -> list[list[Cell]]:
    """openpyxl reads what the fast reader (xlsx.py) does not recognise."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many types for a damaged file; each means the same to the user
        raise ResultsError(errors.DAMAGED, name=name) from None
    try:
        sheet = _answer_sheet(book)
        if sheet is None:
            raise ResultsError(errors.EMPTY, name=name)
        sheet.reset_dimensions()  # some writers store a wrong size; read what is there
        rows: list[list[Cell]] = []
        for row in sheet.iter_rows(values_only=True):
            _check_size(name, len(rows), len(row), limits)
            rows.append(list(row))
        return rows
    except ResultsError:
        raise
    except Exception:
        raise ResultsError(errors.DAMAGED, name=name) from None
    finally:
        book.close()


def _answer_sheet(book):
    """Our response sheet's "responses" sheet, else the first visible worksheet."""
    if "responses" in book.sheetnames:
        return book["responses"]
    for sheet in book.worksheets:
        if getattr(sheet, "sheet_state", "visible") == "visible":
            return sheet
    return book.worksheets[0] if book.worksheets else None


# --- common -------------------------------------------------------------------------------------------------

def _check_size(name: str, rows: int, columns: int, limits: Limits) -> None:
    if rows > limits.max_rows + 5:  # a few header rows come on top of the answers
        raise ResultsError(errors.TOO_MANY_ROWS, name=name, limit=limits.max_rows)
    if columns > limits.max_columns:
        raise ResultsError(errors.TOO_MANY_COLUMNS, name=name, limit=limits.max_columns)


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _trimmed(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Drop empty cells at the end of each row and empty rows at the end (a sheet's formatting, not data)."""
    out = []
    for row in rows:
        end = len(row)
        while end and is_blank(row[end - 1]):
            end -= 1
        out.append(row[:end])
    while out and not out[-1]:
        out.pop()
    return out
