"""Grounding: every figure is in the brief, a cited source or `draft.derived`; every citation mark resolves.

Figures are compared as numeric values, so "4.000", "4 000" and "4,000" match each other and "98 %" matches
"98%". Digits glued to letters ("2e", "GPT-4o", "B1", "3-jarig"), the idioms 1:1 and 24/7, citation marks, scale
labels, numbered-list positions, workshop start times and durations, timeline dates and the number of survey
questions are not claims. Without a brief, unknown figures are warnings rather than errors.

A figure whose only source is a document the user uploaded (a citation of kind "upload") is not checked by
anyone but the user: it gets a warning naming the document, with `needs_confirmation` set, so a planted figure
("90% will lose their jobs") never passes as grounded just because it is cited.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache

from toolkit.brief import Brief
from toolkit.checks._common import capped, quote, units
from toolkit.citations import MARK_LIST
from toolkit.i18n import format_long_date, format_short_date, format_weekday_date, translator
from toolkit.models import Draft, Finding

CITATION_MARK = MARK_LIST
_IDIOMS = re.compile(r"(?<!\w)(?:1:1|24/7|1-op-1|1-on-1|1-to-1|1-1)(?!\w)", re.IGNORECASE)
_TIME = re.compile(r"(?<![\w.,:])([01]?\d|2[0-3])[:.]([0-5]\d)(?=\s*(?:uur|u\b|h\b|am\b|pm\b|tot|till|to|-|–))"
                   r"|(?<![\w.,:])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])", re.IGNORECASE)
_NUMBER = re.compile(
    r"(?<![\w.,])(?<![^\W\d][-‑])"
    r"(\d{1,3}(?:(?:[.,]|[ \u00a0\u202f](?=\d{3}(?!\d)))\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    r"(?![.,]?\d)(?![-‑]?[^\W\d])"
    r"(\s?(?:%|procent|percent|per cent|pct|procentenheter))?", re.IGNORECASE)
_URLS = re.compile(r"https?://\S+|www\.\S+|\S+@\S+")
NUMBER_WORDS = {
    "en": {"ten": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
           "eighty": 80, "ninety": 90, "hundred": 100},
    "nl": {"tien": 10, "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60,
           "zeventig": 70, "tachtig": 80, "negentig": 90, "honderd": 100},
    "sv": {"tio": 10, "tjugo": 20, "trettio": 30, "fyrtio": 40, "femtio": 50, "sextio": 60, "sjuttio": 70,
           "åttio": 80, "nittio": 90, "hundra": 100},
}


def number_values(token: str) -> set[str]:
    """Every numeric reading of a figure as it may be written in en, nl or sv ("4.000" -> 4000 or 4)."""
    raw = token.replace("\u00a0", " ").replace("\u202f", " ").strip()
    readings: set[str] = set()
    seps = re.findall(r"[., ]", raw)
    groups = re.split(r"[., ]", raw)
    if seps and all(len(g) == 3 for g in groups[1:]) and len(set(seps)) == 1:
        readings.add("".join(groups))  # thousands separators only
    if len(seps) >= 2 and len(set(seps)) == 2 and seps[-1] in ".," and seps[-1] not in seps[:-1]:
        whole, frac = re.split(r"[.,]", raw)[:-1], raw.rsplit(seps[-1], 1)[1]
        readings.add(re.sub(r"[., ]", "", "".join(whole) or "0") + "." + frac)
    if len(seps) == 1 and seps[0] in ".,":
        readings.add(raw.replace(",", "."))
    if not seps:
        readings.add(raw)
    out: set[str] = set()
    for reading in readings:
        try:
            value = Decimal(reading)
        except InvalidOperation:
            continue
        out.add(format(value.normalize(), "f"))
    return out


def _time_key(hours: str, minutes: str) -> str:
    return f"t{int(hours)}:{minutes}"


def figures(text: str, lang: str | None = None) -> list[tuple[str, set[str], int, int]]:
    """The figures in a text: (as written, numeric readings, start, end). Times are keyed "t9:00"."""
    text = _URLS.sub(lambda m: " " * len(m.group(0)), text)
    text = CITATION_MARK.sub(lambda m: " " * len(m.group(0)), text)
    text = _IDIOMS.sub(lambda m: " " * len(m.group(0)), text)
    found: list[tuple[str, set[str], int, int]] = []
    for match in _TIME.finditer(text):
        hours, minutes = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        found.append((match.group(0), {_time_key(hours, minutes)}, match.start(), match.end()))
    masked = _TIME.sub(lambda m: " " * len(m.group(0)), text)
    for match in _NUMBER.finditer(masked):
        found.append((match.group(0).strip(), number_values(match.group(1)), match.start(), match.end()))
    words = NUMBER_WORDS.get(lang or "", {})
    if words:
        pattern = rf"\b({'|'.join(words)})\s?(?:%|procent|percent|per cent)"
        for match in re.finditer(pattern, masked, re.IGNORECASE):
            found.append((match.group(0), {str(words[match.group(1).lower()])}, match.start(), match.end()))
    return sorted(found, key=lambda f: f[2])


def _walk(value) -> Iterator[str]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _walk(v)
    elif value is not None:
        yield str(value)


@cache
def _date_strings(value: str, lang: str) -> list[str]:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return []
    return [format_long_date(day, lang), format_weekday_date(day, lang), format_short_date(day, lang), value]


def _end_time(start: str, minutes: int) -> str:
    match = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*", start or "")
    if not match:
        return ""
    total = int(match.group(1)) * 60 + int(match.group(2)) + minutes
    return f"{total // 60 % 24:02d}:{total % 60:02d}"


# --- where a figure may come from ---------------------------------------------------------------------------
# A source gives the texts whose figures a draft may state. A new source (survey results, the plan) is one more
# function of this shape added to SOURCES, or passed to `check_grounding(..., sources=...)`.

FigureSource = Callable[[Draft, Brief | None], Iterable[str]]


def derived_values(draft: Draft, brief: Brief | None) -> list[str]:
    """Literal values the composer computed from the brief (dates, times)."""
    return list(draft.derived)


def cited_sources(draft: Draft, brief: Brief | None) -> list[str]:
    """The passages, titles, publishers and years of the draft's citations."""
    texts = [c.text for c in draft.citations] + [c.title for c in draft.citations]
    return texts + [c.source for c in draft.citations] + [str(c.year) for c in draft.citations if c.year]


def brief_values(draft: Draft, brief: Brief | None) -> list[str]:
    """Every value in the brief, and the parts of its start date and the team size on their own."""
    if brief is None:
        return []
    start = brief.start_date
    return [*_walk(brief.model_dump(mode="json")), str(start.year), str(start.month), str(start.day),
            str(brief.team_size)]


def draft_structure(draft: Draft, brief: Brief | None) -> list[str]:
    """What the draft's own structure states: names, dates, timeline, workshop times and the question count."""
    texts = [draft.organisation, draft.ai_tool]
    if draft.date:
        texts += _date_strings(draft.date, draft.lang)
    for entry in draft.timeline:
        texts += [entry.date_label, *_date_strings(entry.date, draft.lang)]
    for block in draft.workshop:
        texts += [block.start, str(block.minutes), _end_time(block.start, block.minutes)]
    if draft.workshop:
        texts.append(str(sum(b.minutes for b in draft.workshop)))
    if draft.questions:
        texts.append(str(len(draft.questions)))
    return texts


SOURCES: tuple[FigureSource, ...] = (derived_values, cited_sources, brief_values, draft_structure)


def allowed_figures(draft: Draft, brief: Brief | None = None,
                    sources: Iterable[FigureSource] = SOURCES) -> set[str]:
    """Numeric readings of every figure the draft may state, gathered from each of `sources`."""
    allowed: set[str] = set()
    for source in sources:
        for text in source(draft, brief):
            for _written, values, _s, _e in figures(text, draft.lang):
                allowed |= values
            for match in re.finditer(r"\b(\d{4})-(\d{2})-(\d{2})\b", text):  # ISO dates: year, month, day
                allowed |= {str(int(part)) for part in match.groups()}
    return allowed


def _strip_literals(text: str, literals: list[str]) -> str:
    for literal in sorted((x for x in literals if x), key=len, reverse=True):
        text = re.sub(re.escape(literal), lambda m: " " * len(m.group(0)), text, flags=re.IGNORECASE)
    return text


def upload_documents(draft: Draft) -> dict[str, str]:
    """Numeric readings of the figures the user's own cited documents state -> the first document's name."""
    found: dict[str, str] = {}
    for citation in (c for c in draft.citations if c.kind == "upload"):
        for text in (citation.text, citation.title, citation.source):
            for _written, values, _s, _e in figures(text, draft.lang):
                for value in values:
                    found.setdefault(value, citation.source or citation.title)
    return found


def check_grounding(draft: Draft, brief: Brief | None = None,
                    sources: Iterable[FigureSource] = SOURCES) -> list[Finding]:
    """Every figure is in one of `sources` (the brief, a cited source, `draft.derived`, the draft's structure);
    every citation mark resolves. A figure only an uploaded document states needs the user's confirmation."""
    _ = translator(draft.lang)
    sources = tuple(sources)
    allowed = allowed_figures(draft, brief, sources)
    uploads = upload_documents(draft)
    trusted = allowed_figures(draft.model_copy(update={"citations": [
        c for c in draft.citations if c.kind != "upload"]}), brief, sources) if uploads else allowed
    literals = list(draft.derived) + [draft.organisation, draft.ai_tool]
    if brief is not None:
        literals += [brief.organisation, brief.ai_tool]
    severity = "error" if brief is not None else "warning"
    findings: list[Finding] = _check_citation_marks(draft)
    seen: set[tuple[str, str]] = set()
    for unit in units(draft):
        if unit.role in ("option", "meta"):
            continue
        text = _strip_literals(unit.text, literals)
        for written, values, start, end in figures(text, draft.lang):
            if values & trusted or (unit.where, written) in seen:
                continue
            seen.add((unit.where, written))
            if values & allowed:  # stated by the user's own document only
                document = next((uploads[v] for v in sorted(values) if v in uploads), "")
                findings.append(Finding(
                    check="grounding", severity="warning", needs_confirmation=True,
                    message=_("The figure “{figure}” comes only from your document “{document}”.", figure=written,
                              document=document),
                    where=f"{unit.where}: “{quote(unit.text, start, end)}”",
                    fix=_("Check the figure in that document and confirm it before you publish, or remove it.")))
                continue
            findings.append(Finding(
                check="grounding", severity=severity,
                message=_("The figure “{figure}” is not in the brief or in a cited source.", figure=written),
                where=f"{unit.where}: “{quote(unit.text, start, end)}”",
                fix=_("Add the figure to the brief's own figures, cite a source that states it, or remove it.")))
    return capped(findings, _)


def _check_citation_marks(draft: Draft) -> list[Finding]:
    _ = translator(draft.lang)
    findings: list[Finding] = []
    count = len(draft.citations)
    known = {c.id for c in draft.citations}
    for unit in units(draft):
        for match in CITATION_MARK.finditer(unit.text):
            for number in re.findall(r"\d+", match.group(1)):
                if not 1 <= int(number) <= count:
                    findings.append(Finding(
                        check="grounding", severity="error",
                        message=_("The citation mark [{n}] does not match any source.", n=number),
                        where=f"{unit.where}: “{quote(unit.text, match.start(), match.end())}”",
                        fix=_("Remove the mark or add the source it refers to.")))
    for where, ids in [(s.key, s.citations) for s in draft.sections] + [(i.key, i.citations) for i in draft.items]:
        for missing in [cid for cid in ids if cid not in known]:
            findings.append(Finding(
                check="grounding", severity="warning",
                message=_("The source “{id}” is referred to but not listed.", id=missing), where=where,
                fix=_("Add the source to the draft's sources or remove the reference.")))
    return findings
