"""A file and a survey -> `Responses` for one wave, with every row and cell accounted for in the report.

A row ends up as exactly one of: a respondent, a blank row (no usable answer to any item), a duplicate (a respondent
id, or an e-mail address, seen before; the first row is kept) or excluded (a Qualtrics preview or spam
response). `rows == respondents + blank_rows + duplicates + sum(excluded)` always holds. E-mail addresses and
names are read only to spot duplicates; they are never stored.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from toolkit.models import Draft, SurveyQuestion
from toolkit.results import errors
from toolkit.results.errors import ResultsError
from toolkit.results.ingest.answers import AnswerReader
from toolkit.results.ingest.grid import LIMITS, Cell, Limits, is_blank
from toolkit.results.ingest.mapping import map_columns
from toolkit.results.ingest.table import Column, Table, as_datetime, norm, read_table, vocabulary
from toolkit.results.model import ColumnMapping, ImportReport, Respondent, Responses


def read_responses(name: str, data: bytes, survey: Draft, wave: str, *, mapping: list[ColumnMapping] | None = None,
                   group_column: str | None = None, limits: Limits = LIMITS) -> Responses:
    """Read one wave's answer file against its survey. `mapping` (the user's confirmed or corrected mapping)
    overrides the automatic one column by column; `group_column` names the team/site/shift column."""
    table = read_table(name, data, limits)
    mappings = resolve_mapping(table, survey, mapping=mapping, group_column=group_column)
    if not any(m.item for m in mappings):
        raise ResultsError(errors.NO_ITEMS, name=name)
    return _responses(table, survey, wave, mappings)


def resolve_mapping(table: Table, survey: Draft, *, mapping: list[ColumnMapping] | None = None,
                    group_column: str | None = None) -> list[ColumnMapping]:
    """The automatic mapping with the user's corrections and group column applied."""
    mappings = map_columns(table, survey)
    by_column = {m.column: m for m in mappings}
    items = {q.key for q in survey.questions}
    for override in mapping or []:
        if override.item and override.item not in items:
            raise ResultsError(errors.UNKNOWN_ITEM, name=table.name, item=override.item)
        target = by_column.get(override.column)
        if target is None:
            continue  # a column of an earlier file of the same wave: nothing to correct here
        if override.item:  # the same item may not sit in two columns: the user's choice wins
            for other in mappings:
                if other.item == override.item and other is not target:
                    other.item, other.method, other.score = None, "none", 0.0
        target.item, target.method = override.item, override.method if override.method != "fuzzy" else "user"
        target.score = 100.0 if override.item else 0.0
    if group_column:
        _set_group(table, mappings, group_column)
    return mappings


def _set_group(table: Table, mappings: list[ColumnMapping], group_column: str) -> None:
    index = table.column(group_column)
    if index is None:
        raise ResultsError(errors.NO_GROUP_COLUMN, name=table.name, column=group_column)
    for mapping in mappings:
        if mapping.method == "group":
            mapping.method = "none"
    mappings[index].item, mappings[index].method, mappings[index].score = None, "group", 100.0


def _responses(table: Table, survey: Draft, wave: str, mappings: list[ColumnMapping]) -> Responses:
    questions = {q.key: q for q in survey.questions}
    items = [(i, m.item, AnswerReader.for_question(questions[m.item])) for i, m in enumerate(mappings) if m.item]
    group = next((i for i, m in enumerate(mappings) if m.method == "group"), None)
    roles = {c.role: i for i, c in reversed(list(enumerate(table.columns))) if c.role in ("id", "email")}
    report = ImportReport(source=table.name, format=table.format, rows=len(table.rows), mapping=mappings,
                          unmapped_columns=[m.column for m in mappings if m.method == "none"])
    out_of_range, unreadable, excluded = Counter(), Counter(), Counter()
    seen: set[str] = set()
    respondents: list[Respondent] = []
    status = _status_column(table)
    for number, row in enumerate(table.rows, start=table.header_rows + 1):
        if status is not None and norm(row[status]) in vocabulary()["qualtrics_excluded_status"]:
            excluded["preview"] += 1
            continue
        if all(is_blank(row[index]) for index, _key, _reader in items):
            report.blank_rows += 1
            continue
        identity = _identity(row, roles)
        if identity and identity in seen:  # checked before the answers, so a repeat is counted once, here
            report.duplicates += 1
            continue
        seen.add(identity)
        answers: dict[str, int | str] = {}
        for index, key, reader in items:
            outcome, value = reader.read(row[index])
            if outcome == "answer":
                answers[key] = value
            elif outcome == "out_of_range":
                out_of_range[key] += 1
            elif outcome == "unreadable":
                unreadable[key] += 1
        if not answers:  # only answers that match nothing: counted above, and the row as blank
            report.blank_rows += 1
            continue
        respondent_id = _text(row[roles["id"]]) if "id" in roles else ""
        team = _text(row[group]) if group is not None else ""
        respondents.append(Respondent(id=respondent_id or f"#{number}", answers=answers, group=team or None))
    report.out_of_range, report.unreadable, report.excluded = dict(out_of_range), dict(unreadable), dict(excluded)
    report.first_answer, report.last_answer = _answer_period(table)
    texts = {m.item: _item_text(table.columns[i], questions[m.item]) for i, m in enumerate(mappings) if m.item}
    return Responses(wave=wave, respondents=respondents, item_texts=texts, report=report)


def _identity(row: list[Cell], roles: dict[str, int]) -> str:
    """What makes two rows the same person: the e-mail address when the file has real ones, else the id.
    The address is hashed at once, so it is never kept."""
    if "email" in roles:
        email = norm(row[roles["email"]])
        if "@" in email:
            return "email:" + hashlib.sha256(email.encode()).hexdigest()
    if "id" in roles:
        value = _text(row[roles["id"]])
        return f"id:{value}" if value else ""
    return ""


def _text(value: Cell) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _status_column(table: Table) -> int | None:
    if table.format != "qualtrics":
        return None
    return next((i for i, c in enumerate(table.columns) if norm(c.key) == "status"), None)


def _answer_period(table: Table) -> tuple[str, str]:
    """The first and last completion date in the file (ISO dates), when it has a date column."""
    completion = vocabulary()["completion"]
    dated = [i for i, c in enumerate(table.columns) if c.role == "date"]
    preferred = [i for i in dated if norm(table.columns[i].key or table.columns[i].name) in completion]
    for index in preferred + dated:
        moments = [m for m in (as_datetime(row[index]) for row in table.rows) if m is not None]
        if moments:
            return min(moments).date().isoformat(), max(moments).date().isoformat()
    return "", ""


def _item_text(column: Column, question: SurveyQuestion) -> str:
    """The wording respondents saw: the file's question text, or the survey's when the file has only a key."""
    only_a_key = not column.text.strip() or norm(column.text) in (norm(column.key), norm(question.key))
    # A grid's header carries its stem ("How much do you agree ... - I trust ..."): the item's wording is the
    # survey's when the header holds it, so the same item in two tools is not taken for a reworded one.
    in_a_stem = norm(question.text) and norm(question.text) in norm(column.text)
    return question.text if only_a_key or in_a_stem else column.text
