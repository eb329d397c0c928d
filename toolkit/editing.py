"""Every pure edit of a draft: a section as editable text and back, FAQ items, survey items, the plan's tables,
and keeping the user's edits when a new variant arrives.

Each function returns an edited copy and leaves its argument alone; none checks the result (the caller runs
`toolkit.drafting.recheck`). No Streamlit here: the UI pages call these by name.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from toolkit.citations import MARK, remapper
from toolkit.drafting.compose import Blocks
from toolkit.drafting.survey import QUESTION_TYPES, dimension_label, estimate_minutes, options_for
from toolkit.models import Draft, Section, SurveyQuestion, draft_text
from toolkit.text import one_line

_NUMBERED = re.compile(r"^\s*\d+[.)]\s+")
_BULLET = re.compile(r"^\s*[-•*]\s+")

TIMELINE_COLUMNS = ("date_label", "touchpoint", "sender", "audience", "channel")
WORKSHOP_COLUMNS = ("start", "minutes", "title", "description")


def section_body(section: Section) -> str:
    """A section's text as one editable block: paragraphs, then '- ' bullets, then '1. ' numbered items."""
    blocks = list(section.paragraphs)
    if section.bullets:
        blocks.append("\n".join(f"- {b}" for b in section.bullets))
    if section.numbered:
        blocks.append("\n".join(f"{n}. {item}" for n, item in enumerate(section.numbered, start=1)))
    return "\n\n".join(blocks)


def parse_body(text: str) -> tuple[list[str], list[str], list[str]]:
    """Split edited text into paragraphs (blank-line separated), bullets and numbered items."""
    paragraphs: list[str] = []
    bullets: list[str] = []
    numbered: list[str] = []
    current: list[str] = []

    def close() -> None:
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            close()
        elif _BULLET.match(line):
            close()
            bullets.append(_BULLET.sub("", line))
        elif _NUMBERED.match(line):
            close()
            numbered.append(_NUMBERED.sub("", line))
        else:
            current.append(line)
    close()
    return paragraphs, bullets, numbered


def edit_section(draft: Draft, key: str, heading: str, body: str) -> Draft:
    """A copy of the draft with one section's heading and text replaced by the user's, marked as edited."""
    result = draft.model_copy(deep=True)
    for section in result.sections:
        if section.key == key:
            paragraphs, bullets, numbered = parse_body(body)
            changed = (heading.strip() or section.heading, paragraphs, bullets, numbered) != (
                section.heading, section.paragraphs, section.bullets, section.numbered)
            if changed:
                before = (*section.paragraphs, *section.bullets, *section.numbered)
                section.heading = heading.strip() or section.heading
                section.paragraphs, section.bullets, section.numbered = paragraphs, bullets, numbered
                section.citations = _still_cited(result, section.citations, before, (*paragraphs, *bullets, *numbered))
                section.edited = True
    return result


def _still_cited(draft: Draft, listed: list[str], before, after) -> list[str]:
    """A part's sources after an edit: a source whose mark the user deleted is no longer cited (sources the
    part lists without a mark stay: they shaped the text)."""
    dropped = _marked(draft, before) - _marked(draft, after)
    return [cid for cid in listed if cid not in dropped]


def _marked(draft: Draft, texts) -> set[str]:
    numbers = {int(m.group(1)) for text in texts for m in MARK.finditer(text)}
    return {draft.citations[n - 1].id for n in numbers if 1 <= n <= len(draft.citations)}


def edit_faq_item(draft: Draft, key: str, question: str, answer: str) -> Draft:
    """A copy of the draft with one FAQ item's question and answer replaced, marked as edited."""
    result = draft.model_copy(deep=True)
    for item in result.items:
        if item.key == key and (question.strip(), answer.strip()) != (item.question, item.answer):
            item.citations = _still_cited(result, item.citations, (item.answer,), (answer,))
            item.question = question.strip() or item.question
            item.answer = answer.strip()
            item.edited = True
    return result


def remove_faq_item(draft: Draft, key: str) -> Draft:
    """A copy of the draft without the FAQ item `key` (no change when there is none)."""
    result = draft.model_copy(deep=True)
    result.items = [item for item in result.items if item.key != key]
    return result


def keep_edits(old: Draft, new: Draft) -> Draft:
    """The new variant, with every section, FAQ item and survey item the user edited or added kept as
    the user left it (citation marks renumbered to the new draft's list of sources)."""
    result = new.model_copy(deep=True)
    citations = list(result.citations)
    remap = remapper(old.citations, citations, keep_unknown=True)

    for mine in (s for s in old.sections if s.edited):
        kept = mine.model_copy(deep=True, update={
            "paragraphs": [remap(p) for p in mine.paragraphs], "bullets": [remap(b) for b in mine.bullets],
            "numbered": [remap(n) for n in mine.numbered]})
        _replace_or_append(result.sections, kept)
    for mine in (i for i in old.items if i.edited or i.custom):
        _replace_or_append(result.items, mine.model_copy(update={"answer": remap(mine.answer)}))
    for mine in (q for q in old.questions if q.edited or q.custom):
        _replace_or_append(result.questions, mine.model_copy())
    # What the user removed stays removed: keep only keys the old draft still had.
    if old.items:
        result.items = [i for i in result.items if i.key in {o.key for o in old.items}]
    if old.questions:
        result.questions = [q for q in result.questions if q.key in {o.key for o in old.questions}]
    result.citations = citations
    return result


def _replace_or_append(parts: list, kept) -> None:
    for i, part in enumerate(parts):
        if part.key == kept.key:
            parts[i] = kept
            return
    parts.append(kept)


def table_rows(items, columns) -> list[dict]:
    """Rows for a table editor: one dict per timeline entry or agenda block."""
    return [{c: getattr(item, c) for c in columns} for item in items]


def apply_tables(draft: Draft, timeline: list[dict], workshop: list[dict]) -> Draft:
    """The draft with the timeline's and the agenda's text cells replaced by the user's (rows kept in place)."""
    result = draft.model_copy(deep=True)
    for entry, row in zip(result.timeline, timeline, strict=False):
        for column in TIMELINE_COLUMNS:
            setattr(entry, column, str(row.get(column) or getattr(entry, column)))
    for block, row in zip(result.workshop, workshop, strict=False):
        for column in WORKSHOP_COLUMNS:
            value = row.get(column)
            if value in (None, ""):
                continue
            setattr(block, column, int(value) if column == "minutes" else str(value))
    return result


# --- survey items ---------------------------------------------------------------------------------------

def add_survey_item(draft: Draft, text: str, type: str, dimension: str) -> Draft:  # noqa: A002 - the UI's word
    """A copy of the survey with a new item after the last item of its dimension (open questions last).

    The new item gets the key `custom_<n>`, the options of its type and `custom=True`."""
    if type not in QUESTION_TYPES:
        raise ValueError(f"unknown question type {type!r}; choose one of {', '.join(QUESTION_TYPES)}")
    text = one_line(text)
    if not text:
        raise ValueError("an item needs text")
    result = draft.model_copy(deep=True)
    taken = {q.key for q in result.questions}
    n = 1
    while f"custom_{n}" in taken:
        n += 1
    question = SurveyQuestion(key=f"custom_{n}", text=text, type=type, options=options_for(type, draft.lang),
                              dimension=dimension, dimension_label=dimension_label(dimension, draft.lang),
                              custom=True)
    result.questions.insert(_insert_at(result.questions, dimension), question)
    return _retime(draft, result)


def _insert_at(questions: list[SurveyQuestion], dimension: str) -> int:
    same = [i for i, q in enumerate(questions) if q.dimension == dimension]
    if same:
        return same[-1] + 1
    firsts = [i for i, q in enumerate(questions) if q.dimension in ("enps", "open")]
    return firsts[0] if firsts and dimension != "open" else len(questions)


def remove_survey_item(draft: Draft, key: str) -> Draft:
    """A copy of the survey without the item `key` (KeyError if there is none); other keys stay as they are."""
    if all(q.key != key for q in draft.questions):
        raise KeyError(key)
    result = draft.model_copy(deep=True)
    result.questions = [q for q in result.questions if q.key != key]
    return _retime(draft, result)


def edit_survey_item(draft: Draft, key: str, text: str) -> Draft:
    """A copy of the survey with new text for item `key` (KeyError if there is none), marked as edited."""
    text = one_line(text)
    if not text:
        raise ValueError("an item needs text")
    result = draft.model_copy(deep=True)
    for question in result.questions:
        if question.key == key:
            question.text = text
            question.edited = True
            return result
    raise KeyError(key)


def _retime(before: Draft, after: Draft) -> Draft:
    """Keep the introduction's time estimate true after items were added or removed."""
    old, new = estimate_minutes(before.questions), estimate_minutes(after.questions)
    if old == new:
        return after
    blocks = Blocks(after.lang, "survey", after.register)
    old_label, new_label = blocks.say("minutes", n=str(old)), blocks.say("minutes", n=str(new))
    if old_label in after.survey_intro:
        after.survey_intro = after.survey_intro.replace(old_label, new_label)
        after.derived = [new_label if d == old_label else d for d in after.derived]
        if new_label not in after.derived:
            after.derived.append(new_label)
    return after


# --- comparing versions ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class DiffLine:
    """One line of a comparison: `kind` says whether the newer version added it, removed it, or both hold it;
    `gap` stands for unchanged lines left out between changes."""

    kind: Literal["same", "added", "removed", "gap"]
    text: str = ""


def diff_drafts(old: Draft, new: Draft, context: int = 1) -> list[DiffLine]:
    """What changed from `old` to `new`, line by line of the text a reader sees (`Draft.text`), with
    `context` unchanged lines around each change and a gap for the rest; [] when the texts are the same."""
    a, b = _lines(old), _lines(new)
    result: list[DiffLine] = []
    for group in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_grouped_opcodes(context):
        if result:
            result.append(DiffLine("gap"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                result.extend(DiffLine("same", line) for line in a[i1:i2])
                continue
            result.extend(DiffLine("removed", line) for line in a[i1:i2])
            result.extend(DiffLine("added", line) for line in b[j1:j2])
    return result


def _lines(draft: Draft) -> list[str]:
    return [line for line in draft_text(draft).split("\n") if line.strip()]
