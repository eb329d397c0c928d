"""Readability against the language's target: nl Flesch-Douma, sv LIX, en Flesch Reading Ease.

Measured on prose only: paragraphs, list items, FAQ questions and answers, survey intro and item texts, workshop
descriptions. Headings, scale labels and timeline cells are left out. Sentences are split here (protecting
decimals and common abbreviations); words, syllables and long words are counted with textstat's counters and its
per-language constants (Flesch-Douma for Dutch). English syllables come from pyphen (en_GB), never from cmudict,
so nothing is downloaded; because pyphen's hyphenation points undercount syllables, the English count is the
larger of pyphen's and a vowel-group estimate.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from toolkit.checks._common import Unit, quote, units
from toolkit.i18n import translator
from toolkit.models import Draft, Finding

READABILITY = {  # lang: (metric msgid, target, higher_is_better)
    "en": ("Flesch Reading Ease", 60.0, True),
    "nl": ("Flesch-Douma", 60.0, True),
    "sv": ("LIX", 40.0, False),
}
LONG_SENTENCE = 20  # words; longer sentences are listed when readability misses its target

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
    places = [f"{w}: “{quote(s, width=90)}” ({_('{n} words', n=len(s.split()))})"
              for w, s in longest[:3] if len(s.split()) > LONG_SENTENCE // 2]
    message = (_("{metric} {score} is below the target of {target}.", **numbers) if higher
               else _("{metric} {score} is above the target of {target}.", **numbers))
    fix = (_("Split long sentences (aim for 15 words or fewer) and use shorter words: LIX counts every word "
             "longer than six letters.") if draft.lang == "sv"
           else _("Split long sentences (aim for 15 words or fewer) and use everyday words with fewer syllables."))
    return [Finding(check="readability", severity="warning", score=result.score, message=message,
                    where=" | ".join(places), fix=fix)]
