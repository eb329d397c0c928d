"""Masking of open answers: e-mail addresses, phone numbers and the names the project knows become placeholders.

Masking only removes; it never guesses who someone is. Whatever a quote still reveals after masking is judged by
`has_identifiers`, and such a quote is not shown at all (see themes.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from toolkit.i18n import normalise_lang
from toolkit.models import LANGS
from toolkit.templates import load_template

_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# International (+31, +46, 0031, 0046, any +CC) or national (06-, 070-, 08-) numbers with spaces, dashes, dots
# or brackets between digit groups. The digit count is checked afterwards, so dates (01-03-2027) stay.
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s().\-/]{6,}\d(?!\w)")
_DIGITS_NATIONAL = range(9, 12)  # 06 1234 5678 (10), 08-123 456 78 (10), 0xx-xx xx xx (9)
_DIGITS_INTERNATIONAL = range(8, 16)  # E.164 allows at most 15
# Words between a first name and a surname that are part of the surname (van der Berg, af Klint).
PARTICLES = frozenset({"van", "de", "der", "den", "het", "ter", "ten", "te", "in", "'t", "af", "von", "du", "la",
                        "le", "di", "da", "del", "op"})
_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)


def placeholders(lang: str) -> dict[str, str]:
    """The placeholders ("name", "email", "phone") in a language, from templates/<lang>/results.yaml."""
    return dict(load_template(normalise_lang(lang), "results")["themes"]["placeholders"])


def mask(text: str, names: Iterable[str] = (), *, lang: str = "en") -> str:
    """`text` with e-mail addresses, phone numbers and the given people's names replaced by placeholders.

    Names match as whole words, case-insensitively; for a full name the first name and the surname alone are
    masked too ("Sanne de Vries" also masks "Sanne" and "de Vries"). Placeholders are in `lang`.
    """
    marks = placeholders(lang)
    text = _EMAIL.sub(marks["email"], text or "")
    text = _mask_phones(text, marks["phone"])
    pattern = _names_pattern(names)
    return pattern.sub(marks["name"], text) if pattern else text


def all_placeholders() -> set[str]:
    """Every placeholder in every language (to tell a masked quote from an untouched one)."""
    return {value for lang in LANGS for value in placeholders(lang).values()}


def has_identifiers(text: str) -> bool:
    """True when a text still holds something that may point at a person: an @, or a long number."""
    return "@" in text or re.search(r"\d{5,}", text.replace(" ", "")) is not None


def names_from_brief(brief) -> list[str]:
    """The people's names in a brief (contact person and author): roles, teams and addresses left out.

    "Sanne de Vries (teamleider)" gives "Sanne de Vries"; "your team leader" or "HR" give nothing.
    """
    found: list[str] = []
    for field in ("contact_person", "author"):
        value = getattr(brief, field, "") or ""
        for name in person_names(_EMAIL.sub(" ", value)):
            if name.lower() not in (n.lower() for n in found):
                found.append(name)
    return found


def person_names(text: str) -> list[str]:
    """Runs of capitalised words that read as a person's name ("Sanne de Vries", "Per af Klint")."""
    stop = _not_names()
    names, run = [], []
    for token in [*_TOKEN.findall(text), ""]:
        if _name_word(token, stop) or (run and token.lower() in PARTICLES):
            run.append(token)
        else:
            while run and run[-1].lower() in PARTICLES:
                run.pop()
            if run:
                names.append(" ".join(run))
            run = []
    return names


def _name_word(token: str, stop: frozenset[str]) -> bool:
    """Capitalised, not an acronym (HR), and no part of it a role word (HR-servicedesk, Teamleider)."""
    return bool(token) and token[0].isupper() and not token.isupper() and stop.isdisjoint(
        re.split(r"[-.]", token.lower()))


@cache
def _not_names() -> frozenset[str]:
    words: set[str] = set()
    for lang in LANGS:
        words.update(str(w).lower() for w in load_template(lang, "results")["themes"]["not_names"])
    return frozenset(words)


def _name_variants(name: str) -> list[str]:
    """The full name, the first name and the surname (with its particles) of one person."""
    parts = name.split()
    variants = [" ".join(parts)]
    if len(parts) > 1:
        variants.append(parts[0])
        surname = parts[1:]
        variants.append(" ".join(surname))
        core = [p for p in surname if p.lower() not in PARTICLES]
        if core and core != surname:
            variants.append(" ".join(core))
    return [v for v in variants if len(v) >= 2]


def _names_pattern(names: Iterable[str]) -> re.Pattern | None:
    variants = {v for name in names if name and name.strip() for v in _name_variants(name.strip())}
    if not variants:
        return None
    # Longest first, so "Sanne de Vries" is masked as one name rather than as "Sanne" plus "de Vries".
    alternatives = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in sorted(variants, key=len, reverse=True))
    # A genitive ("Sannes", "Sanne's", "Annas") is the same person.
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:['’]?s)?(?!\w)", re.IGNORECASE | re.UNICODE)


def _mask_phones(text: str, placeholder: str) -> str:
    """Replace phone numbers; a run of digits that is too long is tried group by group, so two numbers in a
    row are both masked and a reference number in front of a phone number does not hide it."""
    out, pos = [], 0
    while match := _PHONE.search(text, pos):
        length = _phone_length(match.group(0))
        if length:
            out.extend((text[pos:match.start()], placeholder))
            pos = match.start() + length
        else:
            first_group = re.match(r"\D*\d+", match.group(0)).end()
            out.append(text[pos:match.start() + first_group])
            pos = match.start() + first_group
    out.append(text[pos:])
    return "".join(out)


def _phone_length(candidate: str) -> int:
    """The length of the longest start of `candidate`, ending after a digit group, that is a phone number."""
    ends = [m.end() for m in re.finditer(r"\d+", candidate)]
    for end in reversed(ends):
        if _is_phone(candidate[:end]):
            return end
    return 0


def _is_phone(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if candidate.startswith("+"):
        return len(digits) in _DIGITS_INTERNATIONAL
    if candidate.startswith("00"):
        return len(digits) - 2 in _DIGITS_INTERNATIONAL
    return candidate.lstrip("(").startswith("0") and len(digits) in _DIGITS_NATIONAL
