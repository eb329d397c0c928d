"""Plain-text rendering of a draft: what `--json` calls `text`, what checks read, what a reader sees."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.models import Draft


def draft_text(draft: Draft) -> str:
    parts: list[str] = [draft.title]
    if draft.subtitle:
        parts.append(draft.subtitle)
    if draft.survey_intro:
        parts.append(draft.survey_intro)
    for section in draft.sections:
        parts.append(section.heading)
        parts.extend(section.paragraphs)
        parts.extend(f"- {b}" for b in section.bullets)
        parts.extend(f"{n}. {item}" for n, item in enumerate(section.numbered, start=1))
    for item in draft.items:
        parts.append(item.question)
        parts.append(item.answer)
    for n, question in enumerate(draft.questions, start=1):
        line = f"{n}. {question.text}"
        if question.options:
            line += " (" + " / ".join(question.options) + ")"
        parts.append(line)
    for entry in draft.timeline:
        parts.append(f"{entry.date_label}: {entry.touchpoint} ({entry.sender}, {entry.audience}, {entry.channel})")
    for block in draft.workshop:
        parts.append(f"{block.start} ({block.minutes} min) {block.title}: {block.description}")
    return "\n\n".join(p for p in parts if p)
