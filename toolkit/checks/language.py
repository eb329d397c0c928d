"""Language: the whole draft, each part, each sentence and each source shown to readers is in the draft's language.

Decisions:
- The whole draft and each part (section, item, question) of at least `MIN_UNIT_LETTERS` letters are judged by the
  detector (`toolkit.language`, lingua) as before.
- Then each sentence (`MIN_SENTENCE_LETTERS`; flagged as a whole only when it also holds a tell-tale word of the
  language found) and each clause (split at commas, brackets, colons and dashes;
  `MIN_CLAUSE_LETTERS`), so one Dutch role title inside a Swedish sentence ("Kontakta Sanne de Vries, teamleider
  klantenservice") is caught although the sentence as a whole reads Swedish.
- Names are no language: the tool and the organisation are left out, and so is any run of capitalised words
  ("Sanne de Vries", "State of the Contact Center"), a person's name or a title as published.
- A clause too short for the detector still counts as another language when it holds one of that language's
  tell-tale words (`templates/<lang>/language.yaml`), words the other two languages never use, unless the
  detector reads the clause as the draft's language. That catches "report" or "(11th edition)" in a source line.
- Sources: each cited source's title and description (`source`) are shown to readers in the source list, so they
  are judged as text of the draft's language too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.checks._common import capped, quote, units
from toolkit.i18n import translator
from toolkit.language import detect_language
from toolkit.models import LANGS, Draft, Finding
from toolkit.templates import load_template

LANG_NAMES = {  # names of the languages in each draft language, as used mid-sentence
    "en": {"en": "English", "nl": "Dutch", "sv": "Swedish"},
    "nl": {"en": "Engels", "nl": "Nederlands", "sv": "Zweeds"},
    "sv": {"en": "engelska", "nl": "nederländska", "sv": "svenska"},
}
MIN_UNIT_LETTERS = 40  # a part needs this many letters before its language is judged on its own
MIN_SENTENCE_LETTERS = 25  # ... a sentence this many
MIN_CLAUSE_LETTERS = 12  # ... a clause this many (fewer: only tell-tale words count)

_CLAUSE = re.compile(r"\s*[,;:()\[\]“”\"«»]\s*|\s+[–—-]\s+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")
# A run of at least two capitalised words, joined by the small words of names and titles ("Jan van Dijk",
# "State of the Contact Center", "Bain & Company").
_JOINERS = r"(?:of|the|and|for|in|on|de|der|den|van|von|af|la|le|du|och|för|&)"
_CAP = r"[A-ZÅÄÖÉ][\w'’.-]*"
_TITLE_RUN = re.compile(rf"\b{_CAP}(?:\s+(?:{_JOINERS}\s+)*{_CAP})+")
_WORD = re.compile(r"[\w’]+")


@dataclass(frozen=True)
class Span:
    """A sentence or clause that reads as another language, where it sits, and which language."""

    where: str
    text: str
    found: str


def _strip_names(text: str, draft: Draft) -> str:
    for name in (draft.ai_tool, draft.organisation):
        if name:
            text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    return text


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def telltale(lang: str) -> tuple[str, ...]:
    """The words (and short phrases) only `lang` uses among the toolkit's languages."""
    return tuple(str(word).lower() for word in load_template(lang, "language").get("telltale", []))


def _has_telltale(text: str, lang: str) -> bool:
    lowered = " " + " ".join(_WORD.findall(text.lower())) + " "
    return any(f" {word} " in lowered for word in telltale(lang))


def foreign_language(text: str, lang: str, min_letters: int = MIN_CLAUSE_LETTERS) -> str | None:
    """The other language a sentence or clause reads as, or None when it is in `lang` or cannot be told.

    Runs of capitalised words (names, titles as published) are left out first."""
    bare = " ".join(_TITLE_RUN.sub(" ", text).split())
    own = _has_telltale(bare, lang)
    found = detect_language(bare) if _letters(bare) >= min_letters else None
    if found is not None and found != lang:
        # Words of the draft's own language and none of the other's: a name fooled the detector ("Telekom idag").
        return None if own and not _has_telltale(bare, found) else found
    if found == lang or own or detect_language(bare) == lang:
        return None
    return next((other for other in LANGS if other != lang and _has_telltale(bare, other)), None)


def foreign_spans(where: str, text: str, lang: str) -> list[Span]:
    """The sentences (or, inside a sentence in `lang`, the clauses) of `text` that read as another language."""
    spans: list[Span] = []
    for sentence in _SENTENCE.split(text):
        long_enough = _letters(sentence) >= MIN_SENTENCE_LETTERS
        found = foreign_language(sentence, lang, MIN_SENTENCE_LETTERS) if long_enough else None
        # A whole sentence counts as another language only with one of that language's own words in it: a
        # sentence of names and loanwords can fool the detector. Otherwise its clauses are judged one by one.
        if found is not None and _has_telltale(_TITLE_RUN.sub(" ", sentence), found):
            spans.append(Span(where, sentence.strip(), found))
            continue
        for clause in _CLAUSE.split(sentence):
            if clause.strip() and (found := foreign_language(clause, lang)) is not None:
                spans.append(Span(where, clause.strip(), found))
    return spans


def check_language(draft: Draft) -> list[Finding]:
    """The whole draft, each part, each sentence and each cited source is in the draft's language."""
    _ = translator(draft.lang)
    names = LANG_NAMES[draft.lang]
    target = names[draft.lang]
    findings: list[Finding] = []
    pieces = [u for u in units(draft) if u.role != "meta"]
    whole = _strip_names("\n".join(u.text for u in pieces), draft)
    detected = detect_language(whole)
    if detected and detected != draft.lang:
        findings.append(Finding(
            check="language", severity="error",
            message=_("The draft reads as {found}, not {target}.", found=names[detected], target=target),
            where=quote(whole), fix=_("Write the draft in {target}, or choose {found} as its language.",
                                       target=target, found=names[detected])))
    grouped: dict[str, list[str]] = {}
    for unit in pieces:
        grouped.setdefault(unit.where, []).append(unit.text)
    whole_parts: set[str] = set()
    for where, texts in grouped.items():
        text = _strip_names("\n".join(texts), draft)
        if _letters(text) < MIN_UNIT_LETTERS:
            continue
        found = detect_language(text)
        if found and found != draft.lang:
            whole_parts.add(where)
            findings.append(Finding(
                check="language", severity="warning",
                message=_("This part reads as {found}, not {target}.", found=names[found], target=target),
                where=f"{where}: “{quote(text)}”", fix=_("Translate this part into {target}.", target=target)))
    if not detected or detected == draft.lang:
        findings += _sentence_findings(draft, pieces, whole_parts, _)
    findings += _source_findings(draft, _)
    return capped(findings, _)


def _sentence_findings(draft: Draft, pieces, skip: set[str], _) -> list[Finding]:
    """A finding for each sentence or clause in another language, in parts not already flagged as a whole."""
    names = LANG_NAMES[draft.lang]
    target = names[draft.lang]
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for unit in pieces:
        if unit.where in skip:
            continue
        for span in foreign_spans(unit.where, _strip_names(unit.text, draft), draft.lang):
            if (span.where, span.text) in seen:
                continue
            seen.add((span.where, span.text))
            out.append(Finding(
                check="language", severity="warning",
                message=_("These words are in {found}, not {target}.", found=names[span.found], target=target),
                where=f"{span.where}: “{quote(span.text)}”",
                fix=_("Translate them into {target}. Text from the brief can be given per language there.",
                      target=target)))
    return out


def _source_findings(draft: Draft, _) -> list[Finding]:
    """A finding for each cited source whose title or description, shown to readers, is in another language."""
    names = LANG_NAMES[draft.lang]
    target = names[draft.lang]
    out: list[Finding] = []
    for n, citation in enumerate(draft.citations, start=1):
        for text in (citation.title, citation.source):
            spans = foreign_spans(f"[{n}]", text or "", draft.lang)
            if spans:
                out.append(Finding(
                    check="language", severity="warning",
                    message=_("Source {n} is shown to readers in {found}: “{text}”.", n=n,
                              found=names[spans[0].found], text=quote(text)),
                    where=f"[{n}]", fix=_("Give the source a {target} title and description.", target=target)))
    return out
