"""The communication plan and workshop composer: dated touchpoints, senders, the timed agenda, citations."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from fakes import FakeRetriever, make_cards, register_fields

from toolkit import checks
from toolkit.brief import parse_brief
from toolkit.drafting import plan
from toolkit.i18n import format_long_date, format_weekday_date

LANGS = ("en", "nl", "sv")

BRIEFS = {
    "en": dict(organisation="Harbour Energy", ai_tool="Copilot Assist", tone="formal", language="en",
               purpose="Customers with simple billing questions get answers faster. Advisers get time back.",
               changes=["Copilot Assist suggests replies in live chat", "Calls are summarised automatically"],
               stops_doing=["Typing call notes by hand", "searching three systems for one record"],
               stays_same=["Advisers decide what is sent to the customer"],
               start_date="2027-02-08", audience="All advisers", team_size=6,
               contact_person="Priya Shah, team leader"),
    "nl": dict(organisation="Zilveren Kust", ai_tool="Klantassistent", tone="informal", language="nl",
               purpose="Klanten krijgen sneller antwoord op eenvoudige vragen.",
               changes=["Klantassistent stelt antwoorden voor in de chat"],
               stops_doing=["Gespreksnotities typen", "steeds dezelfde vragen beantwoorden"],
               start_date="2027-03-01", audience="Alle medewerkers klantenservice", team_size=24,
               contact_person="Sanne de Vries"),
    "sv": dict(organisation="Nordbank", ai_tool="Svarshjälpen", tone="informal", language="sv",
               purpose="Kunderna får snabbare svar på enkla frågor.",
               changes=["Svarshjälpen föreslår svar i chatten"], stops_doing=["Skriva anteckningar för hand"],
               stays_same=["Samma schema och samma grupp"],
               start_date="2027-01-18", audience="Alla medarbetare i kundservice", team_size=12,
               contact_person="Karin Lund"),
}
REGISTERS = {"en": ("plain", "formal"), "nl": ("je", "u"), "sv": ("du", "ni")}
PRONOUNS = {"nl": ("je", "jij", "jou", "jouw", "u", "uw"), "sv": ("du", "dig", "din", "ditt", "dina", "ni", "er",
                                                                  "era", "ert")}
TOUCHPOINTS = {"announce", "survey_before", "individual", "group", "training", "go_live",
               "follow_up_individual_1", "follow_up_group_1", "survey_during", "follow_up_individual_2",
               "follow_up_group_2", "survey_after", "evaluation"}
MONTHS = {"en": "February", "nl": "februari", "sv": "februari"}
WEEKDAYS = {"en": "Monday", "nl": "maandag", "sv": "måndag"}

PLAN_CARDS = {
    "prosci-preferred-senders": {
        "en": "Preferred senders: employees want the business reason from senior leaders and the personal impact "
              "from their direct manager.",
        "nl": "Voorkeursafzender: medewerkers willen de zakelijke reden van de directie en de persoonlijke gevolgen "
              "van de leidinggevende.",
        "sv": "Föredragen avsändare: medarbetare vill höra affärsskälet från ledningen och den personliga påverkan "
              "från närmaste chef."},
    "loman-individual-and-group-meetings": {
        "en": "Involve employees in individual meetings and group meetings.",
        "nl": "Betrek medewerkers in individuele gesprekken en groepsgesprekken.",
        "sv": "Involvera medarbetarna i individuella möten och gruppmöten."},
    "loman-follow-up": {
        "en": "Follow up individually and in groups to pick up reactions.",
        "nl": "Opvolging individueel en in de groep helpt reacties opvangen.",
        "sv": "Uppföljning individuellt och i grupp fångar upp reaktioner."},
    "pulse-survey-waves": {
        "en": "Pulse survey waves before, during and after the rollout.",
        "nl": "Pulsmeting in golven voor, tijdens en na de invoering.",
        "sv": "Pulsmätning före, under och efter införandet."},
    "loman-what-we-stop-doing": {
        "en": "Saying what we will no longer have to do is a motivation trigger.",
        "nl": "Zeggen wat we niet meer hoeven te doen, werkt als motivatie.",
        "sv": "Att säga vad vi slipper göra fungerar som motivation."},
    "bridges-transition": {
        "en": "Transition starts with endings: letting go, and naming what stays the same.",
        "nl": "Transitie begint met afscheid: loslaten, en benoemen wat hetzelfde blijft.",
        "sv": "Övergång börjar med avslut: att släppa taget och se det som är sig likt."},
    "loman-reactions-empathy": {
        "en": "Meet reactions to change with empathy and clear roles that build security.",
        "nl": "Ga in op reacties op verandering met empathie en duidelijke rollen voor veiligheid.",
        "sv": "Möt reaktioner på förändring med empati och tydliga roller som ger trygghet."},
}


@pytest.fixture
def retriever() -> FakeRetriever:
    return FakeRetriever(make_cards(PLAN_CARDS))


def brief_for(lang: str, register: str | None = None, **changes):
    return parse_brief({**BRIEFS[lang], **changes, **register_fields(register)})


def lc_first(text: str) -> str:
    return text[:1].lower() + text[1:]


@pytest.mark.parametrize("offset", range(7))
def test_timeline_is_ordered_and_skips_weekends(offset):
    start = date(2027, 3, 1) + timedelta(days=offset)  # every day of the week, Monday to Sunday
    brief = brief_for("en", start_date=start.isoformat())
    draft = plan.compose(brief, "en", None)
    days = [date.fromisoformat(e.date) for e in draft.timeline]
    assert days == sorted(days)
    assert all(d.weekday() < 5 for d in days)
    assert {e.key for e in draft.timeline} == TOUCHPOINTS
    live = next(d for d, e in zip(days, draft.timeline, strict=True) if e.key == "go_live")
    if start.weekday() < 5:
        assert live == start and draft.notices == []
    else:
        assert live.weekday() == 0 and 0 < (live - start).days <= 2
        assert len(draft.notices) == 1 and format_weekday_date(live, "en") in draft.notices[0]


def test_touchpoints_sit_where_the_plan_says():
    brief = brief_for("nl")
    dates = {e.key: date.fromisoformat(e.date) for e in plan.compose(brief, "nl", None).timeline}
    live = dates["go_live"]
    assert 26 <= (live - dates["announce"]).days <= 30
    assert dates["announce"] < dates["survey_before"] < dates["individual"] < dates["group"]
    assert 7 <= (live - dates["training"]).days <= 14
    assert dates["group"] < dates["training"] < live
    assert live < dates["follow_up_individual_1"] <= dates["follow_up_group_1"] < dates["survey_during"]
    assert dates["survey_during"] < dates["follow_up_individual_2"] <= dates["follow_up_group_2"]
    assert dates["follow_up_group_2"] < dates["survey_after"] < dates["evaluation"]
    assert 13 <= (dates["follow_up_individual_1"] - live).days <= 16
    assert 41 <= (dates["follow_up_individual_2"] - live).days <= 44
    for wave in ("before", "during", "after"):
        assert plan.survey_date(brief.start_date, wave) == dates[plan.SURVEY_TOUCHPOINT[wave]]


@pytest.mark.parametrize("offset", range(7))
def test_survey_results_are_shared_within_two_weeks(offset):
    start = date(2027, 3, 1) + timedelta(days=offset)
    for wave in ("before", "during", "after"):
        waited = (plan.results_date(start, wave) - plan.survey_date(start, wave)).days
        assert 0 < waited <= 14, (wave, waited)


@pytest.mark.parametrize("lang", LANGS)
def test_dates_are_formatted_for_the_locale(lang):
    brief = brief_for(lang, start_date="2027-03-01")
    draft = plan.compose(brief, lang, None)
    for entry in draft.timeline:
        assert entry.date_label == format_weekday_date(date.fromisoformat(entry.date), lang)
        assert entry.date_label in draft.derived
    announce = next(e for e in draft.timeline if e.key == "announce")
    assert MONTHS[lang] in announce.date_label and WEEKDAYS[lang] in announce.date_label
    assert draft.subtitle == f"{brief.organisation} · {brief.ai_tool} · {format_long_date(brief.start_date, lang)}"
    assert draft.date == "2027-03-01" and draft.kind == "plan"


@pytest.mark.parametrize("lang", LANGS)
def test_every_touchpoint_names_sender_audience_and_channel(lang):
    brief = brief_for(lang, sender="executive")
    timeline = {e.key: e for e in plan.compose(brief, lang, None).timeline}
    for entry in timeline.values():
        assert entry.sender.strip() and entry.audience.strip() and entry.channel.strip() and entry.touchpoint
        assert "{" not in entry.touchpoint + entry.sender + entry.audience + entry.channel
    executive = {"en": "Senior management", "nl": "Directie", "sv": "Ledningen"}[lang]
    leader = {"en": "Team leader", "nl": "Teamleider", "sv": "Teamledare"}[lang]
    assert timeline["announce"].sender == executive == timeline["evaluation"].sender
    for key in ("individual", "group", "follow_up_individual_1", "follow_up_group_2"):
        assert timeline[key].sender == leader
    for key in ("survey_before", "survey_during", "survey_after"):
        assert timeline[key].sender == "HR"
    assert timeline["announce"].audience == brief.audience
    assert timeline["individual"].audience != timeline["group"].audience
    assert brief.ai_tool in timeline["go_live"].touchpoint
    # a team leader who sends the purpose story still has senior management behind the announcement
    both = plan.compose(brief_for(lang, sender="team_leader"), lang, None).timeline[0].sender
    assert both.startswith(executive) and leader.lower() in both.lower()


@pytest.mark.parametrize("lang", LANGS)
def test_workshop_blocks_follow_each_other_and_hold_the_exercises(lang):
    brief = brief_for(lang)
    draft = plan.compose(brief, lang, None)
    blocks = draft.workshop
    assert blocks[0].start == "09:00"
    clock = 9 * 60
    for block in blocks:
        assert block.start == f"{clock // 60:02d}:{clock % 60:02d}"
        assert block.start in draft.derived and f"{block.minutes} min" in draft.derived
        assert block.title and block.description and "{" not in block.description
        clock += block.minutes
    assert 150 <= clock - 9 * 60 <= 180  # two and a half to three hours
    assert f"{clock // 60:02d}:{clock % 60:02d}" in draft.derived
    text = " ".join(b.description for b in blocks)
    for entry in brief.stops_doing + brief.changes + brief.stays_same:
        assert entry in text or lc_first(entry) in text, entry
    assert brief.contact_person in text and brief.ai_tool in text
    exercises = [b for b in blocks if b.exercise]
    assert len(exercises) >= 4
    stop_words = {"en": "stop doing", "nl": "niet meer doen", "sv": "slutar göra"}[lang]
    same_words = {"en": "stays the same", "nl": "hetzelfde blijft", "sv": "sig likt"}[lang]
    worry_words = {"en": "worries", "nl": "zorgen", "sv": "oro"}[lang]
    titles = [b.title.lower() for b in exercises]
    for phrase in (stop_words, same_words, worry_words):
        assert any(phrase in t for t in titles), phrase
    assert any(brief.ai_tool in b.title for b in blocks if not b.exercise)  # the demonstration


def test_workshop_adapts_to_team_size_and_missing_lists():
    small = plan.compose(brief_for("en", team_size=5, stays_same=[]), "en", None)
    medium = plan.compose(brief_for("en", team_size=20), "en", None)
    large = plan.compose(brief_for("en", team_size=140), "en", None)
    assert sum(b.minutes for b in large.workshop) > sum(b.minutes for b in small.workshop)
    small_advice, medium_advice, large_advice = (
        next(s for s in d.sections if s.key == "workshop").paragraphs[-1] for d in (small, medium, large))
    assert "5 people" in small_advice and "everyone" in small_advice
    assert "20 people" in medium_advice and "small groups" in medium_advice
    assert "140 people" in large_advice and "once for each team" in large_advice
    stays = next(b for b in small.workshop if b.title == "What stays the same")
    assert "make the list themselves" in stays.description


def test_names_keep_their_capitals_inside_lists():
    brief = brief_for("en", ai_tool="Aria", changes=["Aria suggests answers", "Calls are summarised"])
    demo = next(b for b in plan.compose(brief, "en", None).workshop if b.title == "Demonstration of Aria")
    assert "Aria suggests answers; calls are summarised" in demo.description


@pytest.mark.parametrize("lang", LANGS)
def test_sections_explain_the_order_and_cite_retrieved_guidance(lang, retriever):
    draft = plan.compose(brief_for(lang), lang, retriever)
    sections = {s.key: s for s in draft.sections}
    assert list(sections) == ["order", "senders", "workshop"]
    assert "prosci-preferred-senders" in sections["senders"].citations
    assert {"loman-individual-and-group-meetings", "loman-follow-up", "pulse-survey-waves"} <= set(
        sections["order"].citations)
    assert {"loman-what-we-stop-doing", "bridges-transition", "loman-reactions-empathy"} <= set(
        sections["workshop"].citations)
    for section in sections.values():
        marks = {int(m) for p in section.paragraphs for m in re.findall(r"\[(\d+)\]", p)}
        assert {draft.citations[m - 1].id for m in marks} == set(section.citations)
    assert len(draft.citations) == len({c.id for c in draft.citations})


def test_uncited_rationale_without_sources(monkeypatch):
    monkeypatch.setattr("toolkit.drafting.compose.get_card", lambda *_args, **_kw: None)
    draft = plan.compose(brief_for("sv"), "sv", FakeRetriever([]))
    assert draft.citations == [] and not re.search(r"\[\d+\]", draft.text)
    assert all(s.paragraphs for s in draft.sections)


@pytest.mark.parametrize("lang", ("nl", "sv"))
def test_plan_text_uses_no_form_of_address(lang):
    # The plan speaks to the manager in the we-form and imperatives, so it fits either register.
    for register in REGISTERS[lang]:
        brief = brief_for(lang, register)
        draft = plan.compose(brief, lang, None)
        assert draft.register == register
        text = draft.text.lower()
        for word in PRONOUNS[lang]:
            assert not re.search(rf"(?<!\w){word}(?!\w)", text), (register, word)


@pytest.mark.parametrize("lang", LANGS)
def test_every_number_is_traceable(lang, retriever):
    brief = brief_for(lang)
    draft = plan.compose(brief, lang, retriever)
    sources = " ".join([*draft.derived, brief.model_dump_json(), *(c.text for c in draft.citations)])
    for number in re.findall(r"\d+", re.sub(r"\[\d+\]", "", draft.text)):
        assert number in sources, number


@pytest.mark.parametrize("lang", LANGS)
def test_checks_find_nothing_to_fix(lang, retriever):
    for register in REGISTERS[lang]:
        brief = brief_for(lang, register)
        findings = checks.run(plan.compose(brief, lang, retriever), brief)
        assert [f for f in findings if f.severity != "info"] == [], register


def test_variants_reword_but_keep_the_schedule():
    brief = brief_for("en")
    base = plan.compose(brief, "en", None)
    assert plan.compose(brief, "en", None).text == base.text
    others = [plan.compose(brief, "en", None, variant=v) for v in range(1, 6)]
    assert any(o.text != base.text for o in others)
    assert all([e.date for e in o.timeline] == [e.date for e in base.timeline] for o in others)
    assert all([b.start for b in o.workshop] == [b.start for b in base.workshop] for o in others)
