"""Pure helpers behind the editors (no streamlit): a section as editable text and back, and keeping the
user's edits when a new variant of a draft arrives."""

from __future__ import annotations

import re

from toolkit.models import Citation, Draft, Section

_NUMBERED = re.compile(r"^\s*\d+[.)]\s+")
_BULLET = re.compile(r"^\s*[-•*]\s+")
_MARK = re.compile(r"\[(\d+)\]")

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
                section.heading = heading.strip() or section.heading
                section.paragraphs, section.bullets, section.numbered = paragraphs, bullets, numbered
                section.edited = True
    return result


def edit_faq_item(draft: Draft, key: str, question: str, answer: str) -> Draft:
    """A copy of the draft with one FAQ item's question and answer replaced, marked as edited."""
    result = draft.model_copy(deep=True)
    for item in result.items:
        if item.key == key and (question.strip(), answer.strip()) != (item.question, item.answer):
            item.question = question.strip() or item.question
            item.answer = answer.strip()
            item.edited = True
    return result


def remove_faq_item(draft: Draft, key: str) -> Draft:
    result = draft.model_copy(deep=True)
    result.items = [item for item in result.items if item.key != key]
    return result


def _remap(text: str, source: list[Citation], target: list[Citation]) -> str:
    """Renumber [n] marks that point into `source` so they point into `target` (appending as needed)."""

    def sub(match: re.Match) -> str:
        n = int(match.group(1))
        if not 1 <= n <= len(source):
            return match.group(0)
        wanted = source[n - 1]
        for m, existing in enumerate(target, start=1):
            if existing.id == wanted.id:
                return f"[{m}]"
        target.append(wanted)
        return f"[{len(target)}]"

    return _MARK.sub(sub, text)


def keep_edits(old: Draft, new: Draft) -> Draft:
    """The new variant, with every section, FAQ item and survey item the user edited or added kept as
    the user left it (citation marks renumbered to the new draft's list of sources)."""
    result = new.model_copy(deep=True)
    citations = list(result.citations)

    def remap(text: str) -> str:
        return _remap(text, old.citations, citations)

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
