"""Every UI string has a Dutch and a Swedish translation with the same placeholders; formatting follows
the locale."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

from toolkit.i18n import LOCALE_DIR, format_long_date, format_number, translator

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _msgids() -> dict[str, str]:
    """Every literal passed to `_()` in ui/, toolkit/ and streamlit_app.py -> where it was found."""
    found: dict[str, str] = {}
    options = {"keywords": {"_": None}, "comment_tags": ()}
    for folder in ("ui", "toolkit"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords={"_": None}
        ):
            if isinstance(message, str) and message:
                found.setdefault(message, f"{folder}/{filename}:{lineno}")
    for lineno, message, _comments, _context in extract_from_file("python", ROOT / "streamlit_app.py", **options):
        if isinstance(message, str) and message:
            found.setdefault(message, f"streamlit_app.py:{lineno}")
    return found


def _catalog(lang: str) -> dict[str, str]:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str)}


def test_extraction_finds_the_ui_strings():
    msgids = _msgids()
    assert "Purpose story" in msgids and "Create project" in msgids
    assert "Ready to send" in msgids and "For review" in msgids
    assert len(msgids) > 150


@pytest.mark.parametrize("lang", ["nl", "sv"])
def test_every_ui_string_is_translated(lang):
    catalog = _catalog(lang)
    missing = [f"{where}: {msgid!r}" for msgid, where in sorted(_msgids().items(), key=lambda kv: kv[1])
               if not catalog.get(msgid, "").strip()]
    assert missing == [], f"{len(missing)} strings lack a {lang} translation:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", ["nl", "sv"])
def test_placeholders_match(lang):
    wrong = []
    for msgid, msgstr in _catalog(lang).items():
        if msgstr and sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr)):
            wrong.append(f"{msgid!r} -> {msgstr!r}")
    assert wrong == []


@pytest.mark.parametrize("lang", ["nl", "sv"])
def test_no_duplicate_msgids(lang):
    text = (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    ids = re.findall(r'^msgid "(.+)"$', text, flags=re.M)
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == []


def test_translator_formats_and_falls_back():
    assert translator("nl")("Create project") == "Project aanmaken"
    assert translator("sv")("Create project") == "Skapa projekt"
    assert translator("en")("Create project") == "Create project"
    assert translator("sv")("{n} cards", n=3) == "3 kort"
    assert translator("nl")("A string nobody translated") == "A string nobody translated"


def test_dates_and_numbers_follow_the_locale():
    day = date(2027, 3, 1)
    assert format_long_date(day, "nl") == "1 maart 2027"
    assert format_long_date(day, "sv") == "1 mars 2027"
    assert format_long_date(day, "en") == "1 March 2027"
    assert format_number(1234.5, "nl") == "1.234,5"
    assert format_number(1234.5, "sv").replace("\xa0", " ") == "1 234,5"
    assert format_number(1234.5, "en") == "1,234.5"


def test_pot_extraction_script_runs(tmp_path):
    script = ROOT / "scripts" / "extract_messages.sh"
    pybabel = Path(sys.executable).parent / "pybabel"
    out = subprocess.run(["bash", str(script)], cwd=ROOT, capture_output=True, text=True,
                         env={"PYBABEL": str(pybabel), "PATH": "/usr/bin:/bin",
                              "POT_FILE": str(tmp_path / "messages.pot")}, timeout=120)
    assert out.returncode == 0, out.stderr
    pot = (tmp_path / "messages.pot").read_text(encoding="utf-8")
    assert 'msgid "Purpose story"' in pot


@pytest.mark.parametrize("lang", ["nl", "sv"])
def test_every_plural_message_is_translated_in_both_forms(lang):
    """Plural messages (`n_(singular, plural, n)`) need both forms in Dutch and Swedish."""
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = {m.id[0]: m.string for m in read_po(handle, locale=lang) if isinstance(m.id, tuple)}
    missing = []
    for folder in ("ui", "toolkit"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords={"n_": (1, 2)}
        ):
            if isinstance(message, tuple) and message[0]:
                forms = catalog.get(message[0])
                if not forms or not all(forms):
                    missing.append(f"{folder}/{filename}:{lineno} {message[0]}")
    assert missing == []
