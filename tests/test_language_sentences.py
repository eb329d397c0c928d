"""The language check works per sentence and clause: one Dutch role title in a Swedish text, English in a source
shown to Swedish readers, and no false alarm on the example briefs' drafts in their own language."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import FakeRetriever

from toolkit import drafting
from toolkit.brief import load_brief
from toolkit.checks.language import check_language, foreign_language, foreign_spans
from toolkit.i18n import translator
from toolkit.models import LANGS, Citation, Draft, Section

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
KINDS = ("story", "faq", "survey", "plan")


def _draft(lang: str, *paragraphs: str, citations: list[Citation] | None = None) -> Draft:
    return Draft(kind="story", lang=lang, title={"sv": "Om förändringen", "nl": "Over de verandering",
                                                 "en": "About the change"}[lang],
                 sections=[Section(key="contact", heading={"sv": "Frågor", "nl": "Vragen", "en": "Questions"}[lang],
                                   paragraphs=list(paragraphs))], citations=citations or [])


def test_a_dutch_role_title_inside_a_swedish_sentence_is_flagged():
    draft = _draft("sv", "Vi börjar använda det nya verktyget i mars och går igenom det tillsammans på "
                         "gruppmötet. Har du frågor? Kontakta Mark Jansen, teamleider klantenservice.")
    findings = check_language(draft)
    assert len(findings) == 1
    assert findings[0].severity == "warning" and "nederländska" in findings[0].message
    assert "teamleider klantenservice" in findings[0].where and findings[0].where.startswith("contact:")


@pytest.mark.parametrize(("lang", "text"), [
    ("sv", "Har du frågor? Kontakta Johan Lindqvist, chef för kundtjänst."),
    ("nl", "Heb je een vraag? Neem dan contact op met Sanne de Vries, teamleider klantenservice."),
    ("en", "Any questions? Ask Jan van Dijk, team leader customer service."),
    ("sv", "Vi mäter stämningen med employee Net Promoter Score (eNPS) före och efter starten."),
    ("nl", "Volgens het rapport State of the Contact Center van Calabrio gebruikt bijna elk contactcenter AI."),
])
def test_names_titles_and_terms_are_no_other_language(lang, text):
    assert check_language(_draft(lang, text)) == []


def test_english_in_a_source_shown_to_swedish_readers_is_flagged():
    english = Citation(id="c1", title="Nästan alla kontaktcenter använder redan AI", lang="sv",
                       source="Calabrio, State of the Contact Center report")
    described = Citation(id="c2", title="Var ärlig – även om målen", lang="sv",
                         source="Toolkit editors, drawing on Prosci's ADKAR model")
    clean = Citation(id="c3", title="Kundsamtalen har blivit svårare", lang="sv",
                     source="Calabrio, State of the Contact Center")
    findings = check_language(_draft("sv", "Vi börjar i mars [1] [2] [3].", citations=[english, described, clean]))
    assert [f.where for f in findings] == ["[1]", "[2]"]
    assert all("engelska" in f.message for f in findings)


def test_short_clauses_count_only_with_a_telltale_word():
    assert foreign_language("report", "sv") == "en"
    assert foreign_language("(11th edition)", "nl") == "en"
    assert foreign_language("Emilie Loman, Telekom idag", "en") is None
    assert foreign_language("as reported in Telekom idag", "en") is None
    assert [s.found for s in foreign_spans("x", "Klarna; Telekom idag", "nl")] == []


@pytest.fixture(scope="module")
def example_drafts() -> dict[tuple[str, str, str], Draft]:
    """Every kind drafted from each example brief in each language."""
    retriever = FakeRetriever()
    out = {}
    for brief_lang in LANGS:
        brief = load_brief(EXAMPLES / f"brief-{brief_lang}.yaml")
        for lang in LANGS:
            for kind in KINDS:
                out[(brief_lang, lang, kind)] = drafting.draft(kind, brief, lang=lang, retriever=retriever)
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_example_briefs_in_their_own_language_raise_no_language_alarm(example_drafts, lang):
    for kind in KINDS:
        draft = example_drafts[(lang, lang, kind)]
        assert [f.message for f in draft.checks if f.check == "language"] == [], (lang, kind)
        assert draft.notices == [], (lang, kind)


@pytest.mark.parametrize(("brief_lang", "lang"), [(b, d) for b in LANGS for d in LANGS if b != d])
def test_example_briefs_in_another_language_flag_only_the_brief_text(example_drafts, brief_lang, lang):
    """A Dutch brief drafted in Swedish quotes Dutch brief text: the notice names the fields to translate, each
    sentence the check flags quotes that text, and no source is flagged (the cards are read in the draft's
    language)."""
    brief = load_brief(EXAMPLES / f"brief-{brief_lang}.yaml").for_lang(lang)
    quoted = " ".join(str(getattr(brief, name)) for name in brief.untranslated).lower()
    sentence_message = translator(lang)("These words are in {found}, not {target}.", found="", target="")[:8]
    flagged = 0
    for kind in KINDS:
        draft = example_drafts[(brief_lang, lang, kind)]
        assert len(draft.notices) == 1, (kind, draft.notices)
        language = [f for f in draft.checks if f.check == "language"]
        flagged += len(language)
        assert not [f for f in language if f.where.startswith("[")], kind
        for finding in (f for f in language if f.message.startswith(sentence_message)):
            snippet = finding.where.split("“", 1)[1].lower()
            assert any(len(word) >= 5 and word in quoted for word in re.findall(r"\w+", snippet)), \
                (kind, finding.where)
    assert flagged


def _cli(*args: str, data_dir: Path) -> dict:
    env = {**os.environ, "TOOLKIT_DATA_DIR": str(data_dir), "TOOLKIT_EMBEDDINGS": "hash"}
    result = subprocess.run([sys.executable, "-m", "toolkit", *args, "--json"], capture_output=True, text=True,
                            cwd=ROOT, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cli_swedish_survey_of_a_dutch_brief_warns_and_the_dutch_one_is_clean(tmp_path):
    swedish = _cli("draft", "survey", "--brief", str(EXAMPLES / "brief-nl.yaml"), "--lang", "sv",
                   data_dir=tmp_path)
    assert "Kontakta Sanne de Vries, teamleider klantenservice." in swedish["text"]
    assert any("Kontaktperson" in notice for notice in swedish["notices"])
    assert any("teamleider klantenservice" in f["where"] for f in swedish["checks"] if f["check"] == "language")
    dutch = _cli("draft", "survey", "--brief", str(EXAMPLES / "brief-nl.yaml"), data_dir=tmp_path)
    assert dutch["notices"] == [] and [f for f in dutch["checks"] if f["check"] == "language"] == []
