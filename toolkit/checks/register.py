"""Register: one form of address throughout.

- Dutch: *je/jij/jou/jouw/jezelf/jullie* count as the je-form (*jullie* is the informal plural; the formal plural
  is *u*); *u/uw/uzelf* count as the u-form. A "u" after a number ("9.00 u", Belgian for *uur*), in a hyphenated
  word ("U-bocht") or an abbreviation ("u.i.") is not a pronoun.
- Swedish: *du/dig/din/ditt/dina/dej* against *ni/er/ert/era/eder*; "era" after "en", "ny", "nya", "denna" or
  "den" is the noun (an era). Survey items in the *jag* form use neither and are fine.
- English: no pronoun register; a `formal` draft gets an info finding per contraction ("we'll", "don't").
"""

from __future__ import annotations

import re

from toolkit.checks._common import Unit, capped, quote, units
from toolkit.i18n import translator
from toolkit.models import Draft, Finding

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
                where=f"{unit.where}: “{quote(unit.text, match.start(), match.end())}”",
                fix=_("Use “{expected}” throughout, or change the form of address in the brief.",
                      expected=FORM_WORDS[expected])))
            break  # one finding per piece of text is enough to point at it
    findings = capped(findings, _)
    if draft.lang == "nl" and expected == "u":
        findings.extend(_capital_u(pieces, _))
    return findings


def _capital_u(pieces: list[Unit], _) -> list[Finding]:
    """Dutch: a capital U or Uw inside a sentence is old-fashioned (info)."""
    for unit in pieces:
        for match in re.finditer(r"(?<=[^\s.!?:]\s)(U|Uw)\b", unit.text):
            return [Finding(check="register", severity="info",
                            message=_("A capital “U” inside a sentence is old-fashioned."),
                            where=f"{unit.where}: “{quote(unit.text, match.start(), match.end())}”",
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
                where=f"{unit.where}: “{quote(unit.text, match.start(), match.end())}”",
                fix=_("Write the words in full, e.g. “we will”, “do not”.")))
    return capped(findings, _)
