"""Language: the whole draft, and each section, item or question, is in the draft's language."""

from __future__ import annotations

import re

from toolkit.checks._common import capped, quote, units
from toolkit.i18n import translator
from toolkit.language import detect_language
from toolkit.models import Draft, Finding

LANG_NAMES = {  # names of the languages in each draft language, as used mid-sentence
    "en": {"en": "English", "nl": "Dutch", "sv": "Swedish"},
    "nl": {"en": "Engels", "nl": "Nederlands", "sv": "Zweeds"},
    "sv": {"en": "engelska", "nl": "nederländska", "sv": "svenska"},
}
MIN_UNIT_LETTERS = 40  # a part needs this many letters before its language is judged on its own


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
            where=quote(whole), fix=_("Write the draft in {target}, or choose {found} as its language.",
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
                where=f"{where}: “{quote(text)}”", fix=_("Translate this part into {target}.", target=target)))
    return capped(findings, _)
