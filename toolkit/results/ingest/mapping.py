"""Columns -> survey items: by key, then by the item's text, then fuzzily (rapidfuzz); each item at most once.

Our own response sheet maps by key only: its key row is the contract, so no guess is needed or made. Other
files are matched on what the header says. Tools wrap a statement in its question ("How much do you agree?
[I trust ...]" in Google Forms, "... - I trust ..." in Qualtrics), so the part in brackets and the part after the
last dash, question mark, full stop or colon are tried as well as the whole header.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from toolkit.models import Draft
from toolkit.results.ingest.table import Table, norm
from toolkit.results.model import ColumnMapping

FUZZY_THRESHOLD = 85.0  # rapidfuzz token_set_ratio 0-100; below this a column stays unmapped for the user
_BRACKETED = re.compile(r"\[([^\]]+)\]\s*$")
_TRIM = " .?!:;\"'“”"


def _texts(text: str) -> list[str]:
    """The ways a header may hold an item's wording: whole, the bracketed statement, the part after a dash."""
    whole = norm(text).strip(_TRIM)
    found = [whole] if whole else []
    bracketed = _BRACKETED.search(text)
    if bracketed:
        found.append(norm(bracketed.group(1)).strip(_TRIM))
    for separator in (" - ", "?", ".", ":"):  # "Stem? Statement", "Stem.Statement" (Forms), "Stem - Statement"
        if separator in whole:
            tail = whole.rsplit(separator, 1)[1].strip(_TRIM)
            if len(tail) >= 12:
                found.append(tail)
    return [t for t in found if t]


def map_columns(table: Table, survey: Draft) -> list[ColumnMapping]:
    """One `ColumnMapping` per column of the table, in the table's order."""
    keys = {q.key.casefold(): q.key for q in survey.questions}
    texts = {norm(q.text).strip(_TRIM): q.key for q in survey.questions}
    mappings = [ColumnMapping(column=c.name, method="meta" if c.role not in ("", "group") else "none")
                for c in table.columns]
    used: set[str] = set()
    group_seen = False
    for mapping, column in zip(mappings, table.columns, strict=True):
        if column.role == "group" and not group_seen:
            mapping.method, group_seen = "group", True
            continue
        if column.role:
            continue
        key = keys.get((column.key or column.name).casefold()) or keys.get(column.name.casefold())
        if key and key not in used:
            mapping.item, mapping.method, mapping.score = key, "key", 100.0
        elif table.format != "ours":
            key = next((texts[t] for t in _texts(column.text or column.name) if texts.get(t) not in (None, *used)),
                       None)
            if key:
                mapping.item, mapping.method, mapping.score = key, "text", 100.0
        if mapping.item:
            used.add(mapping.item)
    if table.format != "ours":
        _fuzzy(table, survey, mappings, used)
    return mappings


def _fuzzy(table: Table, survey: Draft, mappings: list[ColumnMapping], used: set[str]) -> None:
    """Pair the columns still open with the items still open, best pairs first, above the threshold."""
    open_items = {q.key: norm(q.text).strip(_TRIM) for q in survey.questions if q.key not in used}
    candidates = []
    for index, (mapping, column) in enumerate(zip(mappings, table.columns, strict=True)):
        if mapping.method != "none" or column.role:
            continue
        for variant in _texts(column.text or column.name):
            for key, text in open_items.items():
                score = min(fuzz.token_set_ratio(variant, text), fuzz.ratio(variant, text) + 10)
                if score >= FUZZY_THRESHOLD:
                    candidates.append((score, index, key))
    for score, index, key in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if key in used or mappings[index].item:
            continue
        mappings[index].item, mappings[index].method, mappings[index].score = key, "fuzzy", round(score, 1)
        used.add(key)
