"""The pulse survey composer: structure, item rules, waves, registers, citations and the editing helpers."""

from __future__ import annotations

import re

import pytest
from fakes import FakeRetriever, make_cards, register_fields

from toolkit import checks, editing
from toolkit.brief import parse_brief
from toolkit.drafting import plan, survey
from toolkit.i18n import format_long_date

LANGS = ("en", "nl", "sv")
WAVES = survey.WAVES

BRIEFS = {
    "en": dict(organisation="Harbour Energy", ai_tool="Copilot Assist", tone="formal", language="en",
               purpose="Customers with simple billing questions get answers faster.",
               changes=["Copilot Assist suggests replies in live chat"], stops_doing=["typing call notes"],
               start_date="2027-02-08", audience="All advisers", team_size=14,
               contact_person="Priya Shah, team leader"),
    "nl": dict(organisation="Zilveren Kust", ai_tool="Klantassistent", tone="informal", language="nl",
               purpose="Klanten krijgen sneller antwoord op eenvoudige vragen.",
               changes=["Klantassistent stelt antwoorden voor in de chat"],
               stops_doing=["gespreksnotities typen"], start_date="2027-03-01",
               audience="Alle medewerkers klantenservice", team_size=24, contact_person="Sanne de Vries"),
    "sv": dict(organisation="Nordbank", ai_tool="Svarshjälpen", tone="informal", language="sv",
               purpose="Kunderna får snabbare svar på enkla frågor.",
               changes=["Svarshjälpen föreslår svar i chatten"], stops_doing=["skriva anteckningar för hand"],
               start_date="2027-01-18", audience="Alla medarbetare i kundservice", team_size=9,
               contact_person="Karin Lund"),
}
REGISTERS = {"en": ("plain", "formal"), "nl": ("je", "u"), "sv": ("du", "ni")}

# Words that join two things to rate, and negations, per language (whole words).
CONJUNCTIONS = {"en": ("and", "or"), "nl": ("en", "of"), "sv": ("och", "eller")}
NEGATIONS = {"en": ("not", "no", "never", r"\w+n't"), "nl": ("niet", "geen", "nooit"),
             "sv": ("inte", "ej", "aldrig", "icke")}
# Pronouns of the *other* register, which must not appear.
FOREIGN_PRONOUNS = {"je": ("u", "uw"), "u": ("je", "jij", "jou", "jouw"), "du": ("ni", "er", "era", "ert"),
                    "ni": ("du", "dig", "din", "ditt", "dina"), "plain": (), "formal": ()}

SURVEY_CARDS = {
    "survey-design-rules": {
        "en": "Survey item design: one idea per item, a balanced labelled agree scale, no leading or negated items.",
        "nl": "Vragenlijst ontwerpen: één onderwerp per stelling, een gebalanceerde antwoordschaal, geen sturende "
              "of ontkennende stellingen.",
        "sv": "Utforma enkätfrågor: en sak per påstående, en balanserad skala med etiketter, inga ledande eller "
              "negerade påståenden."},
    "pulse-survey-waves": {
        "en": "Pulse survey waves before, during and after the rollout show what changes.",
        "nl": "Een pulsmeting in golven voor, tijdens en na de invoering laat zien wat verandert.",
        "sv": "Pulsmätning i omgångar före, under och efter införandet visar vad som förändras."},
    "enps": {
        "en": "The employee Net Promoter Score (eNPS) asks how likely staff are to recommend the organisation as a "
              "place to work.",
        "nl": "De employee Net Promoter Score (eNPS) vraagt of medewerkers de organisatie aanraden als werkgever.",
        "sv": "Employee Net Promoter Score (eNPS) frågar om medarbetare skulle rekommendera organisationen som "
              "arbetsplats."},
    "unrelated-card": {
        "en": "Customers who want a human can always reach an adviser.",
        "nl": "Klanten die een mens willen spreken, kunnen altijd een medewerker bereiken.",
        "sv": "Kunder som vill prata med en människa kan alltid nå en medarbetare."},
}


@pytest.fixture
def retriever() -> FakeRetriever:
    return FakeRetriever(make_cards(SURVEY_CARDS))


def brief_for(lang: str, register: str | None = None, **changes):
    return parse_brief({**BRIEFS[lang], **changes, **register_fields(register)})


def words(text: str, lang: str, brief) -> str:
    """The text in lower case without the organisation's and tool's names (which may contain any word)."""
    for name in (brief.organisation, brief.ai_tool):
        text = text.replace(name, " ")
    return text.lower()


def has_word(text: str, options: tuple[str, ...]) -> str | None:
    for word in options:
        if re.search(rf"(?<!\w){word}(?!\w)", text):
            return word
    return None


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("wave", WAVES)
def test_default_survey_structure(lang, wave, retriever):
    draft = survey.compose(brief_for(lang), lang, retriever, wave=wave)
    questions = draft.questions
    assert draft.kind == "survey" and draft.wave == wave and draft.lang == lang
    assert 12 <= len(questions) <= 20
    assert len({q.key for q in questions}) == len(questions)
    assert {q.dimension for q in questions} == set(survey.RATED_DIMENSIONS) | {"enps", "open"}
    nps = [q for q in questions if q.type == "nps"]
    assert len(nps) == 1 and nps[0].options == [str(n) for n in range(11)]
    opens = [q for q in questions if q.type == "open"]
    assert len(opens) == 2 and all(q.options == [] for q in opens)
    likert = [q for q in questions if q.type == "likert"]
    assert all(q.options == survey.SCALES[lang] for q in likert)
    for dim in survey.RATED_DIMENSIONS:
        assert sum(q.dimension == dim for q in likert) >= 1
    for q in questions:
        assert q.dimension_label == survey.DIMENSIONS[q.dimension][lang]
        assert q.text and "{" not in q.text and q.text[-1] in ".?"


@pytest.mark.parametrize("lang", LANGS)
def test_scale_is_five_labelled_points_in_the_survey_language(lang):
    scale = survey.SCALES[lang]
    assert len(scale) == 5 and len(set(scale)) == 5
    stem = {"en": "agree", "nl": "eens", "sv": "instämmer"}[lang]
    assert stem in scale[-1].lower() and stem in scale[3].lower()
    # balanced: the extremes carry the same intensifier, the middle is neutral
    intensifier = {"en": "strongly", "nl": "helemaal", "sv": "helt"}[lang]
    assert intensifier in scale[0].lower() and intensifier in scale[4].lower()
    assert intensifier not in scale[1].lower() and intensifier not in scale[2].lower()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("wave", WAVES)
@pytest.mark.parametrize("variant", [0, 1, 2, 3])
def test_items_ask_one_thing_without_negation(lang, wave, variant):
    for register in REGISTERS[lang]:
        brief = brief_for(lang, register)
        draft = survey.compose(brief, lang, None, variant=variant, wave=wave)
        for q in draft.questions:
            text = words(q.text, lang, brief)
            assert has_word(text, CONJUNCTIONS[lang]) is None, (q.key, q.text)
            assert has_word(text, NEGATIONS[lang]) is None, (q.key, q.text)


@pytest.mark.parametrize("lang", LANGS)
def test_items_fill_in_tool_and_organisation(lang):
    brief = brief_for(lang)
    for wave in WAVES:
        draft = survey.compose(brief, lang, None, wave=wave)
        rated = [q for q in draft.questions if q.type == "likert"]
        assert sum(brief.ai_tool in q.text for q in rated) >= len(rated) // 2
        assert brief.organisation in next(q for q in draft.questions if q.type == "nps").text
        assert any(brief.organisation in q.text for q in rated)


@pytest.mark.parametrize("lang", LANGS)
def test_wave_changes_the_wording_of_the_second_item(lang):
    brief = brief_for(lang)
    texts = {w: {q.key: q.text for q in survey.compose(brief, lang, None, wave=w).questions} for w in WAVES}
    assert texts["before"].keys() == texts["during"].keys() == texts["after"].keys()
    for key in ("purpose_2", "usefulness_2"):
        assert len({texts[w][key] for w in WAVES}) == 3, key
    changed = [k for k in texts["before"] if k.endswith("_2") and texts["before"][k] != texts["during"][k]]
    assert len(changed) >= 5, changed
    # before the rollout, usefulness is an expectation; after, an effect
    expect = {"en": "expect", "nl": "verwacht", "sv": "tror att"}[lang]
    assert expect in texts["before"]["usefulness_2"].lower()
    assert expect not in texts["after"]["usefulness_2"].lower()


@pytest.mark.parametrize("lang", LANGS)
def test_each_dimension_has_one_item_that_reads_the_same_in_every_wave(lang):
    """Change tracking compares items by key and leaves out reworded ones: `_1` never changes, in any wave or
    variant, so every dimension can be compared from one wave to the next."""
    brief = brief_for(lang)
    for dimension in survey.RATED_DIMENSIONS:
        key = f"{dimension}_1"
        texts = {q.text for w in WAVES for v in range(4)
                 for q in survey.compose(brief, lang, None, variant=v, wave=w).questions if q.key == key}
        assert len(texts) == 1, (key, texts)


@pytest.mark.parametrize("lang", LANGS)
def test_register_is_not_mixed(lang):
    for register in REGISTERS[lang]:
        brief = brief_for(lang, register)
        for wave in WAVES:
            draft = survey.compose(brief, lang, None, wave=wave)
            assert draft.register == register
            text = words(draft.text, lang, brief)
            assert has_word(text, FOREIGN_PRONOUNS[register]) is None, (register, wave)
    if lang != "en":
        je, u = (survey.compose(brief_for(lang, r), lang, None).survey_intro for r in REGISTERS[lang])
        assert je != u


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("wave", WAVES)
def test_intro_tells_time_anonymity_and_when_results_come(lang, wave):
    brief = brief_for(lang)
    draft = survey.compose(brief, lang, None, wave=wave)
    minutes = survey.estimate_minutes(draft.questions)
    assert minutes == 7  # 14 statements and the eNPS item at about 20 s, two open questions at a minute
    label = {"en": f"{minutes} minutes", "nl": f"{minutes} minuten", "sv": f"{minutes} minuter"}[lang]
    assert label in draft.survey_intro and label in draft.derived
    assert {"en": "anonymous", "nl": "anoniem", "sv": "anonyma"}[lang] in draft.survey_intro
    results = format_long_date(plan.results_date(brief.start_date, wave), lang)
    assert results in draft.survey_intro and results in draft.derived
    assert plan.results_date(brief.start_date, wave) > plan.survey_date(brief.start_date, wave)
    assert brief.contact_person in draft.survey_intro
    assert draft.subtitle == f"{brief.organisation} · {brief.ai_tool} · {format_long_date(brief.start_date, lang)}"


@pytest.mark.parametrize("lang", LANGS)
def test_intro_section_rests_on_survey_guidance_found_by_retrieval_as_notes(lang, retriever):
    draft = survey.compose(brief_for(lang), lang, retriever)
    assert [s.key for s in draft.sections] == ["about"]
    section = draft.sections[0]
    assert {c.id for c in draft.citations} == {"survey-design-rules", "pulse-survey-waves", "enps"}
    assert set(section.citations) == {c.id for c in draft.citations}
    assert not re.search(r"\[\d+\]", draft.text), "the staff survey cites nothing (issue 9)"
    about = [n for n in draft.notes if n.section == "about"]
    assert [n.source for n in about] == ["survey-design-rules", "pulse-survey-waves", "enps"]
    assert all(n.text for n in about)
    assert section.bullets == [survey.DIMENSIONS[d][lang] for d in survey.RATED_DIMENSIONS]
    assert all(query_lang == lang for _query, query_lang in retriever.queries)


def test_without_sources_nothing_is_cited(monkeypatch):
    monkeypatch.setattr("toolkit.drafting.compose.get_card", lambda *_args, **_kw: None)
    only_enps = FakeRetriever(make_cards({"enps": SURVEY_CARDS["enps"]}))
    draft = survey.compose(brief_for("en"), "en", only_enps)
    assert [c.id for c in draft.citations] == ["enps"]
    assert not re.search(r"\[\d+\]", draft.text)
    assert [n.source for n in draft.notes if n.section == "about"] == ["enps"]
    bare = survey.compose(brief_for("en"), "en", None)
    assert bare.citations == [] and not re.search(r"\[\d+\]", bare.text)


@pytest.mark.parametrize("lang", LANGS)
def test_every_number_is_traceable(lang, retriever):
    brief = brief_for(lang)
    for wave in WAVES:
        draft = survey.compose(brief, lang, retriever, wave=wave)
        sources = " ".join([*draft.derived, brief.model_dump_json(), *(c.text for c in draft.citations)])
        text = re.sub(r"\[\d+\]", "", draft.text)
        text = re.sub(r"(?m)^\d+\. ", "", text)  # the rendering's own question numbers
        for number in re.findall(r"\d+", text):
            assert number in sources, (number, wave)


@pytest.mark.parametrize("lang", LANGS)
def test_checks_find_nothing_to_fix(lang, retriever):
    for register in REGISTERS[lang]:
        brief = brief_for(lang, register)
        for wave in WAVES:
            findings = checks.run(survey.compose(brief, lang, retriever, wave=wave), brief)
            problems = [f for f in findings if f.severity != "info"]
            assert problems == [], (register, wave, problems)


def test_variants_reword_but_keep_keys():
    brief = brief_for("nl")
    base = survey.compose(brief, "nl", None)
    assert [q.text for q in survey.compose(brief, "nl", None).questions] == [q.text for q in base.questions]
    others = [survey.compose(brief, "nl", None, variant=v) for v in range(1, 6)]
    assert all([q.key for q in o.questions] == [q.key for q in base.questions] for o in others)
    assert any([q.text for q in o.questions] != [q.text for q in base.questions] for o in others)


def test_unknown_wave_is_refused():
    with pytest.raises(ValueError):
        survey.compose(brief_for("en"), "en", None, wave="later")


# --- editing -----------------------------------------------------------------------------------------------

def dumps(draft, skip: set[str] = frozenset()):
    return {q.key: q.model_dump() for q in draft.questions if q.key not in skip}


def test_add_item_keeps_keys_and_other_items():
    draft = survey.compose(brief_for("sv"), "sv", None)
    before = draft.model_copy(deep=True)
    added = editing.add_survey_item(draft, "  Jag får den tid jag behöver för att lära mig verktyget. ", "likert", "trust")
    assert draft.model_dump() == before.model_dump()  # the input is left alone
    keys = [q.key for q in added.questions]
    assert keys.index("custom_1") == keys.index("trust_2") + 1
    new = added.questions[keys.index("custom_1")]
    assert new.custom and new.options == survey.SCALES["sv"] and new.dimension_label == "Förtroende"
    assert new.text == "Jag får den tid jag behöver för att lära mig verktyget."
    assert dumps(added, {"custom_1"}) == dumps(draft)
    again = editing.add_survey_item(added, "Vad vill du säga till ledningen?", "open", "open")
    assert again.questions[-1].key == "custom_2" and again.questions[-1].options == []
    new_dim = editing.add_survey_item(draft, "Jag trivs i min grupp.", "likert", "team_spirit")
    position = [q.key for q in new_dim.questions].index("custom_1")
    assert new_dim.questions[position + 1].key == "enps"
    assert new_dim.questions[position].dimension_label == "team_spirit"


def test_add_item_refuses_bad_input():
    draft = survey.compose(brief_for("en"), "en", None)
    with pytest.raises(ValueError):
        editing.add_survey_item(draft, "Rate this", "slider", "trust")
    with pytest.raises(ValueError):
        editing.add_survey_item(draft, " \x00 ", "likert", "trust")


def test_adding_and_removing_items_keeps_the_time_estimate_true():
    draft = survey.compose(brief_for("en"), "en", None)
    assert "7 minutes" in draft.survey_intro
    longer = draft
    for n in range(3):
        longer = editing.add_survey_item(longer, f"What else should we know, part {n}?", "open", "open")
    assert survey.estimate_minutes(longer.questions) == 10
    assert "10 minutes" in longer.survey_intro and "7 minutes" not in longer.survey_intro
    assert "10 minutes" in longer.derived and "7 minutes" not in longer.derived
    shorter = editing.remove_survey_item(editing.remove_survey_item(draft, "open_1"), "open_2")
    assert "5 minutes" in shorter.survey_intro


def test_remove_item_keeps_other_items():
    draft = survey.compose(brief_for("nl"), "nl", None)
    removed = editing.remove_survey_item(draft, "trust_1")
    assert "trust_1" not in [q.key for q in removed.questions]
    assert dumps(removed) == dumps(draft, {"trust_1"})
    with pytest.raises(KeyError):
        editing.remove_survey_item(removed, "trust_1")


def test_edit_item_marks_it_edited_and_keeps_its_key():
    draft = survey.compose(brief_for("nl"), "nl", None)
    edited = editing.edit_survey_item(draft, "workload_1", "Ik heb genoeg tijd voor mijn klanten.")
    changed = next(q for q in edited.questions if q.key == "workload_1")
    assert changed.text == "Ik heb genoeg tijd voor mijn klanten." and changed.edited
    assert [q.key for q in edited.questions] == [q.key for q in draft.questions]
    assert dumps(edited, {"workload_1"}) == dumps(draft, {"workload_1"})
    assert not next(q for q in draft.questions if q.key == "workload_1").edited
    with pytest.raises(KeyError):
        editing.edit_survey_item(draft, "nope", "Tekst.")
    with pytest.raises(ValueError):
        editing.edit_survey_item(draft, "workload_1", "   ")


def test_dimension_labels_exist_in_every_language():
    for key, labels in survey.DIMENSIONS.items():
        assert set(labels) == set(LANGS), key
        assert all(label.strip() for label in labels.values())
    assert set(survey.RATED_DIMENSIONS) < set(survey.DIMENSIONS)
