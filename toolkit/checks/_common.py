"""What every check shares: the draft split into located pieces, a short quote, capping repeated findings."""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.models import Draft, Finding

MAX_PLACES = 8  # at most this many findings of one kind; the rest are counted in one more finding


@dataclass(frozen=True)
class Unit:
    """One piece of a draft's text with where it sits and what role it plays."""

    where: str
    text: str
    role: str  # title | heading | prose | list | item | option | cell | meta


def units(draft: Draft) -> list[Unit]:
    """The draft's text split into located pieces, in reading order."""
    out: list[Unit] = [Unit("title", draft.title, "title")]
    if draft.subtitle:
        out.append(Unit("subtitle", draft.subtitle, "meta"))
    if draft.survey_intro:
        out.append(Unit("survey_intro", draft.survey_intro, "prose"))
    for section in draft.sections:
        out.append(Unit(section.key, section.heading, "heading"))
        out.extend(Unit(section.key, p, "prose") for p in section.paragraphs)
        out.extend(Unit(section.key, b, "list") for b in section.bullets)
        out.extend(Unit(section.key, n, "list") for n in section.numbered)
    for item in draft.items:
        out.append(Unit(item.key, item.question, "prose"))
        out.append(Unit(item.key, item.answer, "prose"))
    for question in draft.questions:
        out.append(Unit(question.key, question.text, "item"))
        if question.type == "likert":
            out.extend(Unit(question.key, option, "option") for option in question.options)
    for n, entry in enumerate(draft.timeline, start=1):
        where = entry.key or f"timeline {n}"
        out.append(Unit(where, entry.date_label, "meta"))
        out.extend(Unit(where, value, "cell") for value in (entry.touchpoint, entry.sender, entry.audience,
                                                           entry.channel) if value)
    for n, block in enumerate(draft.workshop, start=1):
        out.append(Unit(f"workshop {n}", block.title, "heading"))
        out.append(Unit(f"workshop {n}", block.description, "prose"))
    return [u for u in out if u.text and u.text.strip()]


def quote(text: str, start: int = 0, end: int | None = None, width: int = 70) -> str:
    """A short quote around text[start:end] for `where`."""
    end = start if end is None else end
    left = max(0, start - width // 2)
    right = min(len(text), max(end, left + width))
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


def capped(findings: list[Finding], _) -> list[Finding]:
    """Keep at most MAX_PLACES findings; summarise the rest in one more (same check and severity)."""
    if len(findings) <= MAX_PLACES:
        return findings
    rest = findings[MAX_PLACES:]
    extra = Finding(check=rest[0].check, severity=rest[0].severity,
                    message=_("And {n} more places like these.", n=len(rest)),
                    where=", ".join(dict.fromkeys(f.where.split(":")[0] for f in rest)), fix=rest[0].fix,
                    needs_confirmation=any(f.needs_confirmation for f in rest))
    return findings[:MAX_PLACES] + [extra]
