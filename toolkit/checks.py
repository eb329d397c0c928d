"""Checks attached to every draft: language, register, readability, grounding and survey items.

`run(draft, brief)` returns `Finding`s (what, where, how to fix) in the draft's language. Checks only read the
draft; they never change it. Each check is also callable on its own.

Decisions worth knowing:
- Register, Dutch: *je/jij/jou/jouw/jezelf/jullie* count as the je-form (*jullie* is the informal plural; the
  formal plural is *u*); *u/uw/uzelf* count as the u-form. A "u" after a number ("9.00 u", Belgian for *uur*),
  in a hyphenated word ("U-bocht") or an abbreviation ("u.i.") is not a pronoun.
- Register, Swedish: *du/dig/din/ditt/dina/dej* against *ni/er/ert/era/eder*; "era" after "en", "ny", "nya",
  "denna" or "den" is the noun (an era). Survey items in the *jag* form use neither and are fine.
- English: no pronoun register; a `formal` draft gets an info finding per contraction ("we'll", "don't").
- Readability is measured on prose only: paragraphs, list items, FAQ questions and answers, survey intro and
  item texts, workshop descriptions. Headings, scale labels and timeline cells are left out. Sentences are
  split here (protecting decimals and common abbreviations); words, syllables and long words are counted with
  textstat's counters and its per-language constants (Flesch-Douma for Dutch). English syllables come from
  pyphen (en_GB), never from cmudict, so nothing is downloaded; because pyphen's hyphenation points undercount
  syllables, the English count is the larger of pyphen's and a vowel-group estimate.
- Grounding compares numeric values, so "4.000", "4 000" and "4,000" match each other and "98 %" matches
  "98%". Digits glued to letters ("2e", "GPT-4o", "B1", "3-jarig"), the idioms 1:1 and 24/7, citation marks,
  scale labels, numbered-list positions, workshop start times and durations, timeline dates and the number of
  survey questions are not claims. Without a brief, unknown figures are warnings rather than errors.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache

from toolkit.brief import Brief
from toolkit.i18n import format_long_date, format_short_date, format_weekday_date, translator
from toolkit.language import detect_language
from toolkit.models import Draft, Finding

LANG_NAMES = {  # names of the languages in each draft language, as used mid-sentence
    "en": {"en": "English", "nl": "Dutch", "sv": "Swedish"},
    "nl": {"en": "Engels", "nl": "Nederlands", "sv": "Zweeds"},
    "sv": {"en": "engelska", "nl": "nederländska", "sv": "svenska"},
}
READABILITY = {  # lang: (metric msgid, target, higher_is_better)
    "en": ("Flesch Reading Ease", 60.0, True),
    "nl": ("Flesch-Douma", 60.0, True),
    "sv": ("LIX", 40.0, False),
}
LONG_SENTENCE = 20  # words; longer sentences are listed when readability misses its target
MIN_UNIT_LETTERS = 40  # a part needs this many letters before its language is judged on its own
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


def _quote(text: str, start: int = 0, end: int | None = None, width: int = 70) -> str:
    """A short quote around text[start:end] for `where`."""
    end = start if end is None else end
    left = max(0, start - width // 2)
    right = min(len(text), max(end, left + width))
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


def _capped(findings: list[Finding], _) -> list[Finding]:
    """Keep at most MAX_PLACES findings; summarise the rest in one more (same check and severity)."""
    if len(findings) <= MAX_PLACES:
        return findings
    rest = findings[MAX_PLACES:]
    extra = Finding(check=rest[0].check, severity=rest[0].severity,
                    message=_("And {n} more places like these.", n=len(rest)),
                    where=", ".join(dict.fromkeys(f.where.split(":")[0] for f in rest)), fix=rest[0].fix)
    return findings[:MAX_PLACES] + [extra]


# --- 1. Language -------------------------------------------------------------------------------------------

def _strip_names(text: str, draft: Draft) -> str:
    for name in (draft.ai_tool, draft.organisation):
        if name:
            text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    return text


def check_language(draft: Draft) -> list[Finding]:
    """The whole draft, and each section, item or question, is in the draft's language."""
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
            where=_quote(whole), fix=_("Write the draft in {target}, or choose {found} as its language.",
                                       target=target, found=names[detected])))
    grouped: dict[str, list[str]] = {}
    for unit in pieces:
        grouped.setdefault(unit.where, []).append(unit.text)
    for where, texts in grouped.items():
        text = _strip_names("\n".join(texts), draft)
        if sum(ch.isalpha() for ch in text) < MIN_UNIT_LETTERS:
            continue
        found = detect_language(text)
        if found and found != draft.lang:
            findings.append(Finding(
                check="language", severity="warning",
                message=_("This part reads as {found}, not {target}.", found=names[found], target=target),
                where=f"{where}: “{_quote(text)}”", fix=_("Translate this part into {target}.", target=target)))
    return _capped(findings, _)


# --- 2. Register -------------------------------------------------------------------------------------------

NL_FORMS = {
    "je": re.compile(r"(?<![\w-])(je|jij|jou|jouw|jouwe|jezelf|jullie)(?![\w-])", re.IGNORECASE),
    "u": re.compile(r"(?<![\w\-./])(?<!\d\s)(u|uw|uwe|uzelf)(?![\w\-/])(?!\.\w)", re.IGNORECASE),
}
SV_FORMS = {
    "du": re.compile(r"(?<![\w-])(du|dig|dej|din|ditt|dina)(?![\w-])", re.IGNORECASE),
    "ni": re.compile(r"(?<![\w-])(ni|er|ert|era|eder|eran)(?![\w-])", re.IGNORECASE),
}
SV_ERA_NOUN = re.compile(r"\b(en|ny|nya|denna|den|ett)\s+$", re.IGNORECASE)
EN_CONTRACTION = re.compile(
    r"\b\w+n['’]t\b|\b(?:i|you|we|they|he|she|it|that|there|what|who|here|let)['’](?:ll|re|ve|m|d|s)\b",
    re.IGNORECASE)
FORM_WORDS = {"je": "je/jij/jouw", "u": "u/uw", "du": "du/dig/din", "ni": "ni/er/era"}


def _form_hits(lang: str, text: str) -> dict[str, list[re.Match]]:
    forms = NL_FORMS if lang == "nl" else SV_FORMS
    hits: dict[str, list[re.Match]] = {}
    for form, pattern in forms.items():
        for match in pattern.finditer(text):
            if lang == "nl" and form == "u" and re.search(r"\d[\d.:]*\s*$", text[:match.start()]):
                continue  # "9.00 u": Belgian abbreviation of "uur"
            if lang == "sv" and match.group(1).lower() == "era" and SV_ERA_NOUN.search(text[:match.start()]):
                continue  # "en ny era": the noun
            hits.setdefault(form, []).append(match)
    return hits


def check_register(draft: Draft) -> list[Finding]:
    """One form of address throughout: nl je or u, sv du or ni; en formal drafts without contractions."""
    _ = translator(draft.lang)
    if draft.lang == "en":
        return _check_contractions(draft) if draft.register == "formal" else []
    pieces = [u for u in units(draft) if u.role not in ("meta", "option")]
    per_unit = [(u, _form_hits(draft.lang, u.text)) for u in pieces]
    forms = list(NL_FORMS if draft.lang == "nl" else SV_FORMS)
    totals = {form: sum(len(hits.get(form, [])) for _unit, hits in per_unit) for form in forms}
    expected = draft.register if draft.register in forms else None
    if expected is None:
        if not all(totals[f] for f in forms):
            return []
        expected = max(forms, key=lambda f: totals[f])
    other = next(f for f in forms if f != expected)
    findings: list[Finding] = []
    for unit, hits in per_unit:
        for match in hits.get(other, []):
            findings.append(Finding(
                check="register", severity="error",
                message=_("Form of address mixed: “{word}” in a text that uses “{expected}”.",
                          word=match.group(0), expected=FORM_WORDS[expected]),
                where=f"{unit.where}: “{_quote(unit.text, match.start(), match.end())}”",
                fix=_("Use “{expected}” throughout, or change the form of address in the brief.",
                      expected=FORM_WORDS[expected])))
            break  # one finding per piece of text is enough to point at it
    findings = _capped(findings, _)
    if draft.lang == "nl" and expected == "u":
        findings.extend(_capital_u(pieces, _))
    return findings


def _capital_u(pieces: list[Unit], _) -> list[Finding]:
    """Dutch: a capital U or Uw inside a sentence is old-fashioned (info)."""
    for unit in pieces:
        for match in re.finditer(r"(?<=[^\s.!?:]\s)(U|Uw)\b", unit.text):
            return [Finding(check="register", severity="info",
                            message=_("A capital “U” inside a sentence is old-fashioned."),
                            where=f"{unit.where}: “{_quote(unit.text, match.start(), match.end())}”",
                            fix=_("Write “u” and “uw” in lower case."))]
    return []


def _check_contractions(draft: Draft) -> list[Finding]:
    _ = translator(draft.lang)
    findings: list[Finding] = []
    for unit in units(draft):
        if unit.role in ("meta", "option"):
            continue
        match = EN_CONTRACTION.search(unit.text)
        if match:
            findings.append(Finding(
                check="register", severity="info",
                message=_("A contraction (“{word}”) in a formal text.", word=match.group(0)),
                where=f"{unit.where}: “{_quote(unit.text, match.start(), match.end())}”",
                fix=_("Write the words in full, e.g. “we will”, “do not”.")))
    return _capped(findings, _)


# --- 3. Readability ----------------------------------------------------------------------------------------

ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "mr.", "mrs.", "dr.", "no.", "nr.", "bijv.", "bv.", "o.a.",
                 "d.w.z.", "m.a.w.", "i.p.v.", "t.o.v.", "z.s.m.", "ca.", "bl.a.", "t.ex.", "d.v.s.", "dvs.",
                 "m.m.", "s.k.", "osv.", "jfr.", "resp.", "inkl.", "exkl.", "incl.", "excl.")
_ABBR_MARK = "\u2060"  # word joiner: hides an abbreviation's full stops from the sentence splitter
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+(?=[\"'“‘(]?[A-ZÀ-ÖØ-Þ0-9])")
_textstat_lock = threading.Lock()


def prose_units(draft: Draft) -> list[Unit]:
    """The pieces readability is measured on (prose, list items, survey items; no headings or labels)."""
    return [u for u in units(draft) if u.role in ("prose", "list", "item")]


def _clean_for_reading(text: str) -> str:
    text = re.sub(r"\s*\[\d+(?:\s*[,;–-]\s*\d+)*\]", "", text)
    text = re.sub(r"https?://\S+|www\.\S+|\S+@\S+", "link", text)
    for abbr in ABBREVIATIONS:
        text = re.sub(rf"(?<!\w){re.escape(abbr)}", abbr.replace(".", _ABBR_MARK), text, flags=re.IGNORECASE)
    return " ".join(text.split())


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences at . ! ? followed by a capital or digit, keeping abbreviations whole."""
    text = _clean_for_reading(text)
    if not text:
        return []
    parts = _SENTENCE_END.split(text)
    return [p.replace(_ABBR_MARK, ".").strip() for p in parts if any(ch.isalpha() for ch in p)]


def _sentences(draft: Draft) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for unit in prose_units(draft):
        out.extend((unit.where, s) for s in split_sentences(unit.text))
    return out


@cache
def _pyphen(lang: str):
    import pyphen

    return pyphen.Pyphen(lang=lang)


def english_syllables(word: str) -> int:
    """Syllables of an English word from pyphen (en_GB), raised to a vowel-group estimate when that is higher."""
    word = word.lower().strip("'’")
    if not word:
        return 0
    by_pyphen = len(_pyphen("en_GB").positions(word)) + 1
    groups = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1
    if re.search(r"[^aeiou]ed$", word) and not word.endswith(("ted", "ded")) and groups > 1:
        groups -= 1
    return max(by_pyphen, groups, 1)


@dataclass(frozen=True)
class Readability:
    """Counts and score of a text; `score` is Flesch(-Douma) or LIX depending on the language."""

    lang: str
    metric: str
    score: float | None
    sentences: int
    words: int
    syllables: int
    long_words: int


def readability(sentences: Iterable[str], lang: str) -> Readability:
    """Score already split sentences: en Flesch Reading Ease, nl Flesch-Douma, sv LIX. Offline, no global state.

    Uses textstat's word, syllable and long-word counters with an explicit language (never `set_lang`), and its
    Flesch constants per language; English syllables are counted with pyphen (see `english_syllables`).
    """
    from textstat.backend.counts import count_long_words, count_syllables
    from textstat.backend.selections import list_words
    from textstat.backend.utils.constants import LANG_CONFIGS

    metric = READABILITY[lang][0]
    sentences = [s for s in sentences if s.strip()]
    n_sentences = n_words = n_syllables = n_long = 0
    with _textstat_lock:  # textstat's lru caches are shared; keep the counting serial
        for sentence in sentences:
            words = list_words(sentence, rm_apostrophe=True)
            if not words:
                continue
            n_sentences += 1
            n_words += len(words)
            n_long += count_long_words(sentence)
            if lang == "en":
                n_syllables += sum(english_syllables(w) for w in words)
            else:
                n_syllables += count_syllables(sentence, {"nl": "nl_NL", "sv": "sv"}[lang])
    if not n_words:
        return Readability(lang, metric, None, 0, 0, 0, 0)
    if lang == "sv":
        score = n_words / n_sentences + 100 * n_long / n_words
    else:
        cfg = {**LANG_CONFIGS["en"], **LANG_CONFIGS.get(lang, {})}
        score = (cfg["fre_base"] - cfg["fre_sentence_length"] * n_words / n_sentences
                 - cfg["fre_syll_per_word"] * n_syllables / n_words)
    return Readability(lang, metric, round(score, 1), n_sentences, n_words, n_syllables, n_long)


def readability_of_text(text: str, lang: str) -> Readability:
    """Readability of free text (split into sentences here)."""
    return readability(split_sentences(text), lang)


def check_readability(draft: Draft) -> list[Finding]:
    """Readability against the language's target: nl Flesch-Douma >= 60, sv LIX < 40, en Flesch >= 60."""
    _ = translator(draft.lang)
    located = _sentences(draft)
    result = readability([s for _w, s in located], draft.lang)
    metric, target, higher = READABILITY[draft.lang]
    if result.score is None:
        return []
    ok = result.score >= target if higher else result.score < target
    numbers = {"metric": metric, "score": f"{result.score:.0f}", "target": f"{target:.0f}"}
    if result.words < 30:
        return [Finding(check="readability", severity="info", score=result.score,
                        message=_("{metric} {score}: too little text to judge reliably.", **numbers))]
    if ok:
        message = (_("{metric} {score} (target {target} or higher).", **numbers) if higher
                   else _("{metric} {score} (target below {target}).", **numbers))
        return [Finding(check="readability", severity="info", score=result.score, message=message)]
    longest = sorted(located, key=lambda ws: len(ws[1].split()), reverse=True)
    places = [f"{w}: “{_quote(s, width=90)}” ({_('{n} words', n=len(s.split()))})"
              for w, s in longest[:3] if len(s.split()) > LONG_SENTENCE // 2]
    message = (_("{metric} {score} is below the target of {target}.", **numbers) if higher
               else _("{metric} {score} is above the target of {target}.", **numbers))
    fix = (_("Split long sentences (aim for 15 words or fewer) and use shorter words: LIX counts every word "
             "longer than six letters.") if draft.lang == "sv"
           else _("Split long sentences (aim for 15 words or fewer) and use everyday words with fewer syllables."))
    return [Finding(check="readability", severity="warning", score=result.score, message=message,
                    where=" | ".join(places), fix=fix)]


# --- 4. Grounding ------------------------------------------------------------------------------------------

CITATION_MARK = re.compile(r"\[(\d+(?:\s*[,;–-]\s*\d+)*)\]")
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


def allowed_figures(draft: Draft, brief: Brief | None = None) -> set[str]:
    """Numeric readings of every figure the draft may state: brief, cited sources, derived values, structure."""
    texts: list[str] = list(draft.derived)
    texts += [c.text for c in draft.citations] + [c.title for c in draft.citations]
    texts += [c.source for c in draft.citations] + [str(c.year) for c in draft.citations if c.year]
    if brief is not None:
        data = brief.model_dump(mode="json")
        texts += list(_walk(data))
        start = brief.start_date
        texts += [str(start.year), str(start.month), str(start.day), str(brief.team_size)]
    texts += [draft.organisation, draft.ai_tool]
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
    allowed: set[str] = set()
    for text in texts:
        for _written, values, _s, _e in figures(text, draft.lang):
            allowed |= values
        for match in re.finditer(r"\b(\d{4})-(\d{2})-(\d{2})\b", text):  # ISO dates: year, month, day
            allowed |= {str(int(part)) for part in match.groups()}
    return allowed


def _strip_literals(text: str, literals: list[str]) -> str:
    for literal in sorted((x for x in literals if x), key=len, reverse=True):
        text = re.sub(re.escape(literal), lambda m: " " * len(m.group(0)), text, flags=re.IGNORECASE)
    return text


def check_grounding(draft: Draft, brief: Brief | None = None) -> list[Finding]:
    """Every figure is in the brief, a cited source or `draft.derived`; every citation mark resolves."""
    _ = translator(draft.lang)
    allowed = allowed_figures(draft, brief)
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
            if values & allowed or (unit.where, written) in seen:
                continue
            seen.add((unit.where, written))
            findings.append(Finding(
                check="grounding", severity=severity,
                message=_("The figure “{figure}” is not in the brief or in a cited source.", figure=written),
                where=f"{unit.where}: “{_quote(unit.text, start, end)}”",
                fix=_("Add the figure to the brief's own figures, cite a source that states it, or remove it.")))
    return _capped(findings, _)


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
                        where=f"{unit.where}: “{_quote(unit.text, match.start(), match.end())}”",
                        fix=_("Remove the mark or add the source it refers to.")))
    for where, ids in [(s.key, s.citations) for s in draft.sections] + [(i.key, i.citations) for i in draft.items]:
        for missing in [cid for cid in ids if cid not in known]:
            findings.append(Finding(
                check="grounding", severity="warning",
                message=_("The source “{id}” is referred to but not listed.", id=missing), where=where,
                fix=_("Add the source to the draft's sources or remove the reference.")))
    return findings


# --- 5. Survey items ---------------------------------------------------------------------------------------

CONJUNCTIONS = {"en": r"and|or|and/or", "nl": r"en|of|en/of", "sv": r"och|eller|och/eller"}
NOT_DOUBLE = {  # phrases in which the conjunction does not join two things to rate
    "en": r"between\b.*\band\b|whether or not|more and more|now and then|and so on|or not\b|pros and cons",
    "nl": r"tussen\b.*\ben\b|(?:weet|weten|vraag|vragen|twijfel|benieuwd|zeker|afvragen)\w*\b[^.?]*?\bof\b"
          r"|af en toe|meer en meer|steeds meer en|op en neer|voor- en nadelen|^of\b",
    "sv": r"mellan\b.*\boch\b|då och då|mer och mer|om eller när|för- och nackdelar|nu och då",
}
LEADING = {
    "en": r"don['’]t you agree|wouldn['’]t you agree|don['’]t you think|isn['’]t it\b|how much do you "
          r"(?:appreciate|value|like|enjoy)|\bobviously\b|\bof course\b|\bsurely\b|\bundoubtedly\b|"
          r"\beveryone knows\b|\bas we all know\b|\bright\?|\bgreat new\b",
    "nl": r"\bnatuurlijk\b|\buiteraard\b|\bvanzelfsprekend\b|\btoch\s*\?|\bniet dan\s*\?|\bvind(?:t)? (?:je|u) "
          r"(?:ook )?niet\b|hoe tevreden ben (?:je|jij|u) niet|\bhoeveel waardeer|\bgeweldige?\b|"
          r"\bfantastische?\b|\biedereen weet\b|\bzoals we allemaal weten\b",
    "sv": r"\bvisst\b|\bsjälvklart\b|\bnaturligtvis\b|\bgivetvis\b|\bförstås\b|\buppenbarligen\b|"
          r"\bhåller (?:du|ni) inte med\b|\beller hur\b|\bhur mycket uppskattar\b|\bfantastiska?\b|"
          r"\balla vet\b|\bväl\s*\?",
}
NEGATIONS = {
    "en": r"\b(?:not|never|no|nobody|nothing|none|neither|nor|cannot)\b|\b\w+n['’]t\b",
    "nl": r"\b(?:niet|geen|nooit|niemand|niets|nergens)\b",
    "sv": r"\b(?:inte|ej|icke|aldrig|ingen|inget|inga|ingenting|ingen)\b",
}


def _find(pattern: str, text: str) -> re.Match | None:
    return re.search(pattern, text, re.IGNORECASE)


def double_barrelled(text: str, lang: str, names: Iterable[str] = ()) -> re.Match | None:
    """The conjunction that joins two things to rate in a survey item, or None."""
    for name in names:
        if name:
            text = re.sub(re.escape(name), lambda m: "x" * len(m.group(0)), text, flags=re.IGNORECASE)
    text = re.sub(r"[\"“”'‘’][^\"“”'‘’]*[\"“”'‘’]", lambda m: "x" * len(m.group(0)), text)  # quoted names
    text = re.sub(NOT_DOUBLE[lang], lambda m: "x" * len(m.group(0)), text, flags=re.IGNORECASE)
    return re.search(rf"(?<![\w/-])(?:{CONJUNCTIONS[lang]})(?![\w/-])", text, re.IGNORECASE)


def check_survey(draft: Draft) -> list[Finding]:
    """Survey items: one idea each, neutral, not negated; shared balanced labelled 5-point scale; one eNPS 0-10;
    open questions present."""
    if draft.kind != "survey" and not draft.questions:
        return []
    _ = translator(draft.lang)
    lang = draft.lang
    names = (draft.ai_tool, draft.organisation)
    findings: list[Finding] = []
    for q in draft.questions:
        where = f"{q.key}: “{_quote(q.text)}”"
        match = _find(LEADING[lang], q.text)
        if match:
            findings.append(Finding(check="survey", severity="warning", where=where,
                                    message=_("Leading wording (“{word}”) steers the answer.", word=match.group(0)),
                                    fix=_("Ask neutrally: state the item plainly and let the scale do the work.")))
        if q.type != "likert":
            continue
        match = double_barrelled(q.text, lang, names)
        if match:
            findings.append(Finding(check="survey", severity="warning", where=where,
                                    message=_("Double-barrelled item: “{word}” joins two things to rate.",
                                              word=match.group(0)),
                                    fix=_("Split it into two items, or keep the one that matters most.")))
        match = _find(NEGATIONS[lang], re.sub(r"whether or not", "whether", q.text, flags=re.IGNORECASE))
        if match:
            findings.append(Finding(check="survey", severity="warning", where=where,
                                    message=_("Negated item (“{word}”): many respondents misread these.",
                                              word=match.group(0)),
                                    fix=_("Phrase the item positively, e.g. “I feel secure about my job”.")))
    findings += _check_scales(draft, _)
    return findings


def _check_scales(draft: Draft, _) -> list[Finding]:
    findings: list[Finding] = []
    likert = [q for q in draft.questions if q.type == "likert"]
    if likert:
        reference, _count = Counter(tuple(q.options) for q in likert).most_common(1)[0]
        labels = " / ".join(reference)
        if len(reference) != 5 or any(not o.strip() for o in reference):
            findings.append(Finding(check="survey", severity="warning", where=labels or likert[0].key,
                                    message=_("The agree scale should have 5 labelled points."),
                                    fix=_("Use five labels from fully disagree to fully agree.")))
        if len(reference) % 2 == 0 or len(set(reference)) != len(reference):
            findings.append(Finding(check="survey", severity="warning", where=labels,
                                    message=_("The scale is not balanced: it needs an odd number of distinct "
                                              "labels with a neutral midpoint."),
                                    fix=_("Use as many disagree as agree labels, with a neutral one between.")))
        for q in likert:
            if tuple(q.options) != reference:
                findings.append(Finding(check="survey", severity="warning", where=q.key,
                                        message=_("This item uses different scale labels from the others."),
                                        fix=_("Use the same labels for every agree item: {labels}.",
                                              labels=labels)))
    nps = [q for q in draft.questions if q.type == "nps"]
    if len(nps) != 1:
        findings.append(Finding(check="survey", severity="warning", where=", ".join(q.key for q in nps),
                                message=_("The survey should have exactly one eNPS item; it has {n}.", n=len(nps)),
                                fix=_("Keep one item: how likely are you to recommend us as a place to work "
                                      "(0–10).")))
    for q in nps:
        if q.options != [str(n) for n in range(11)]:
            findings.append(Finding(check="survey", severity="error", where=q.key,
                                    message=_("The eNPS item must use the scale 0 to 10."),
                                    fix=_("Set the options to 0, 1, … 10.")))
    if not any(q.type == "open" for q in draft.questions):
        findings.append(Finding(check="survey", severity="warning", where="",
                                message=_("The survey has no open question."),
                                fix=_("Add one or two open questions, e.g. what worries you and what would help.")))
    texts = Counter(" ".join(q.text.lower().split()) for q in draft.questions)
    for q in draft.questions:
        if texts[" ".join(q.text.lower().split())] > 1:
            findings.append(Finding(check="survey", severity="warning", where=f"{q.key}: “{_quote(q.text)}”",
                                    message=_("This item appears more than once."), fix=_("Remove the duplicate.")))
    return findings


# --- All checks --------------------------------------------------------------------------------------------

def run(draft: Draft, brief: Brief | None = None) -> list[Finding]:
    """Run every check on a draft and return the findings (the draft itself is not changed)."""
    findings = check_language(draft)
    findings += check_register(draft)
    findings += check_readability(draft)
    findings += check_grounding(draft, brief)
    findings += check_survey(draft)
    return findings


def summary(findings: list[Finding], lang: str | None = None) -> dict:
    """Counts per severity and per check, the readability score, and whether the draft passes (no warnings or
    errors). With `lang`, also the readability metric's name, its target and whether higher is better."""
    severities = Counter(f.severity for f in findings)
    readable = next((f for f in findings if f.check == "readability" and f.score is not None), None)
    extra = {}
    if lang in READABILITY:
        metric, target, higher = READABILITY[lang]
        extra = {"readability_metric": metric, "readability_target": target, "readability_higher_is_better": higher}
    return {**extra,
        "total": len(findings),
        "error": severities.get("error", 0),
        "warning": severities.get("warning", 0),
        "info": severities.get("info", 0),
        "by_check": dict(Counter(f.check for f in findings)),
        "readability": readable.score if readable else None,
        "passed": not severities.get("error") and not severities.get("warning"),
    }
