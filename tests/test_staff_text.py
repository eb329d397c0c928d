"""Staff text tells staff about this rollout; the advice behind it is a note for the sender (issue 9 §1).

Over the three example briefs drafted in each of the three languages: no advice-to-the-writer sentence
(`templates/{lang}/advice_patterns.yaml`), no adviser named, no [n] mark in the story or the survey; the guidance
is in `Draft.notes`, every meeting a text mentions is one of the plan's, with the plan's date.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import FakeRetriever

from toolkit import drafting
from toolkit.brief import load_brief
from toolkit.checks.grounding import check_grounding
from toolkit.citations import MARK
from toolkit.drafting import plan
from toolkit.drafting.compose import advice_in
from toolkit.i18n import format_long_date
from toolkit.models import LANGS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CASES = [(brief, lang) for brief in LANGS for lang in LANGS]


@pytest.fixture(scope="module")
def retriever():
    return FakeRetriever()


@pytest.fixture(scope="module")
def drafts(retriever):
    """(brief language, draft language, kind) -> the checked draft."""
    made = {}
    for brief_lang, lang in CASES:
        brief = load_brief(EXAMPLES / f"brief-{brief_lang}.yaml")
        for kind in ("story", "survey", "plan"):
            made[brief_lang, lang, kind] = drafting.draft(kind, brief, lang=lang, retriever=retriever)
    return made


def staff_text(draft) -> str:
    """What staff read: the whole story or survey; of the manager's plan, its timeline and workshop agenda."""
    if draft.kind != "plan":
        return draft.text
    return "\n".join([e.touchpoint for e in draft.timeline] + [f"{b.title}. {b.description}" for b in draft.workshop])


@pytest.mark.parametrize("lang", LANGS)
def test_the_advice_patterns_catch_the_sentences_the_issue_quotes(lang):
    quoted = {
        "nl": ["Een woord als 'efficiënt' betekent voor iedereen iets anders. Daarom moet duidelijk zijn wat we "
               "ermee bedoelen [9].", "Je laat het oude makkelijker los als je weet wat blijft [4].",
               "Een geruststelling die later niet klopt, kost meer vertrouwen dan een eerlijk 'dat weten we nog niet'.",
               "Emilie Loman wees in 2024 op een rapport van Calabrio."],
        "en": ["A word like 'efficiency' means something different to everyone.", "Change is easier when you know "
               "what stays.", "A Calabrio report, cited by Emilie Loman in 2024, found that 70% ..."],
        "sv": ["Ett ord som ”effektiv” betyder olika saker för olika personer.", "En förändring blir lättare när man "
               "vet vad som finns kvar.", "Emilie Loman hänvisade 2024 till en rapport från Calabrio."],
    }[lang]
    for sentence in quoted:
        assert advice_in(sentence, lang), sentence
    assert advice_in("Op 15 februari 2027 komen we met het hele team bij elkaar.", lang) == []


@pytest.mark.parametrize(("brief_lang", "lang"), CASES)
@pytest.mark.parametrize("kind", ["story", "survey", "plan"])
def test_no_staff_text_gives_advice_to_the_writer(drafts, brief_lang, lang, kind):
    assert advice_in(staff_text(drafts[brief_lang, lang, kind]), lang) == []


@pytest.mark.parametrize(("brief_lang", "lang"), CASES)
@pytest.mark.parametrize("kind", ["story", "survey"])
def test_story_and_survey_carry_no_citation_marks(drafts, brief_lang, lang, kind):
    draft = drafts[brief_lang, lang, kind]
    assert MARK.search(draft.text) is None
    assert draft.citations, "the sources stay with the draft, for the review edition"


@pytest.mark.parametrize(("brief_lang", "lang"), CASES)
def test_the_guidance_behind_the_story_is_a_note_for_the_sender(drafts, brief_lang, lang):
    draft = drafts[brief_lang, lang, "story"]
    keys = {s.key for s in draft.sections}
    cited = {c.id for c in draft.citations}
    guidance = {c.id for c in draft.citations if c.kind != "fact"}
    assert guidance and guidance <= {n.source for n in draft.notes}
    assert all(n.section in keys and n.text for n in draft.notes)
    assert all(n.source in cited or n.source == "plan" for n in draft.notes)
    assert all(advice_in(n.text, lang) == [] or n.source for n in draft.notes)


@pytest.mark.parametrize("lang", LANGS)
def test_an_outside_figure_is_attributed_in_words_and_still_traced(drafts, lang):
    draft = drafts[lang, lang, "story"]
    numbers = next(s for s in draft.sections if s.key == "numbers")
    facts = [c for c in draft.citations if c.kind == "fact" and c.id in numbers.citations]
    assert facts
    figure = next(p for p in numbers.paragraphs if "Calabrio" in p or "Gartner" in p)
    assert MARK.search(figure) is None
    brief = load_brief(EXAMPLES / f"brief-{lang}.yaml")
    assert check_grounding(draft, brief) == []
    untraced = draft.model_copy(update={"citations": [c for c in draft.citations if c not in facts]})
    assert any("not in the brief" in f.message or f.severity == "error" for f in check_grounding(untraced, brief))


@pytest.mark.parametrize(("brief_lang", "lang"), CASES)
@pytest.mark.parametrize("kind", ["story", "survey"])
def test_meetings_are_the_plans_with_its_dates_and_a_note_to_confirm_them(drafts, brief_lang, lang, kind):
    draft = drafts[brief_lang, lang, kind]
    brief = load_brief(EXAMPLES / f"brief-{brief_lang}.yaml")
    dates = plan.schedule(brief.start_date)
    assert draft.touchpoints and set(draft.touchpoints) <= set(dates)
    confirm = [n for n in draft.notes if n.source == "plan"]
    for key in draft.touchpoints:
        if key == plan.SURVEY_TOUCHPOINT.get(draft.wave or ""):
            continue  # the survey wave itself: recorded so a plan change marks it stale, nothing promised
        day = format_long_date(dates[key], lang)
        if key != "training" or draft.kind == "story":  # a survey item asks about "the training", undated
            assert day in draft.text, key
        assert any(day in n.text for n in confirm), key


def test_a_confirmed_plan_needs_no_note_to_confirm_it(retriever):
    from toolkit.drafting import story

    brief = load_brief(EXAMPLES / "brief-nl.yaml")
    proposal = story.compose(brief, "nl", retriever)
    confirmed = story.compose(brief, "nl", retriever, confirmed=True)
    assert any(n.source == "plan" for n in proposal.notes)
    assert not any(n.source == "plan" for n in confirmed.notes)
    assert confirmed.touchpoints == proposal.touchpoints
    assert "Deze tekst belooft persoonlijke gesprekken vanaf 8 februari 2027" in " ".join(
        n.text for n in proposal.notes)


def test_regenerating_a_section_replaces_its_notes_only(retriever):
    brief = load_brief(EXAMPLES / "brief-en.yaml")
    current = drafting.draft("story", brief, retriever=retriever)
    fresh = drafting.regenerate_section(current, brief, "involve", variant=1, retriever=retriever)
    others = [n for n in current.notes if n.section != "involve"]
    assert [n for n in fresh.notes if n.section != "involve"] == others
    assert any(n.section == "involve" for n in fresh.notes)
