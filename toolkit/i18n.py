"""Translations (babel gettext catalogs under toolkit/locale) and locale formatting of dates and numbers.

Catalogs are `.po` files compiled in memory at first use, so a fresh checkout needs no build step.
"""

from __future__ import annotations

import gettext
import io
from datetime import date
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from toolkit.models import LANGS

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LOCALES = {"en": "en_GB", "nl": "nl_NL", "sv": "sv_SE"}
WORD_LANG = {"en": "en-GB", "nl": "nl-NL", "sv": "sv-SE"}
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands", "sv": "Svenska"}


def normalise_lang(lang: str | None, default: str = "en") -> str:
    lang = (lang or default).strip().lower()[:2]
    return lang if lang in LANGS else default


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    po_path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def translator(lang: str | None):
    """Return `_` for a language: `_("Text {x}", x=1)` translates, then formats with the keywords."""
    translations = _translations(normalise_lang(lang))

    def _(message: str, **kwargs) -> str:
        text = translations.gettext(message)
        return text.format(**kwargs) if kwargs else text

    return _


def plural_translator(lang: str | None):
    """Return `n_` for a language: `n_("{n} passage", "{n} passages", n)` picks the catalog's plural form for
    `n` (gettext `ngettext`), then formats with `n` and the other keywords."""
    translations = _translations(normalise_lang(lang))

    def n_(singular: str, plural: str, n: int, **kwargs) -> str:
        return translations.ngettext(singular, plural, n).format(n=n, **kwargs)

    return n_


def format_long_date(value: date, lang: str) -> str:
    """'1 maart 2027', '15 januari 2027', '8 February 2027'."""
    return format_date(value, format="long", locale=LOCALES[normalise_lang(lang)])


def format_short_date(value: date, lang: str) -> str:
    return format_date(value, format="medium", locale=LOCALES[normalise_lang(lang)])


def format_weekday_date(value: date, lang: str) -> str:
    """'maandag 1 maart 2027' style, for timelines."""
    return format_date(value, format="EEEE d MMMM y", locale=LOCALES[normalise_lang(lang)])


def format_number(value: float, lang: str) -> str:
    return format_decimal(value, locale=LOCALES[normalise_lang(lang)])


def locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[normalise_lang(lang)])


class LocalisedError(Exception):
    """An error whose message is an English msgid with `{placeholders}`, translated when shown: the CLI prints
    `str(error)` (English), the app shows `error.message(lang)`. Each room subclasses it (knowledge, results)."""

    def __init__(self, msgid: str, **values) -> None:
        super().__init__(msgid.format(**values))
        self.msgid = msgid
        self.values = values

    def message(self, lang: str | None = None) -> str:
        """The message in the user's language (en, nl or sv)."""
        return translator(lang)(self.msgid, **self.values)
