"""Checks on hand-built drafts in nl, sv and en with known problems (no composer needed)."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor

import pytest

from toolkit import checks
from toolkit.brief import parse_brief
from toolkit.models import Citation, Draft, FaqItem, Section, SurveyQuestion, WorkshopBlock

NL_SCALE = ["Helemaal oneens", "Oneens", "Neutraal", "Eens", "Helemaal eens"]
SV_SCALE = ["Instämmer inte alls", "Instämmer inte", "Varken eller", "Instämmer", "Instämmer helt"]
EN_SCALE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
SCALES = {"nl": NL_SCALE, "sv": SV_SCALE, "en": EN_SCALE}


def story(lang: str, paragraphs: list[str], register: str = "", **kwargs) -> Draft:
    return Draft(kind="story", lang=lang, title=kwargs.pop("title", "Titel"), register=register,
                 sections=[Section(key="why", heading=kwargs.pop("heading", "Waarom"), paragraphs=paragraphs,
                                   bullets=kwargs.pop("bullets", []))], **kwargs)


def brief(lang: str = "nl", **overrides):
    data = {"organisation": "Zorgverzekeraar Noord", "ai_tool": "Klantwijs", "purpose": "Sneller antwoord geven.",
            "changes": ["De assistent zoekt informatie op."], "stops_doing": ["Notities typen"],
            "start_date": "2027-03-01", "audience": "Klantenservice", "team_size": 45,
            "contact_person": "Anna de Vries", "tone": "informal",
            "facts": ["We voeren 4000 gesprekken per week.", "De wachttijd is 2,5 minuut."]}
    data.update(overrides)
    return parse_brief(data, lang)


def kinds(findings, check=None, severity=None):
    return [f for f in findings if (check is None or f.check == check) and (severity is None or f.severity == severity)]


# --- register ----------------------------------------------------------------------------------------------

def test_dutch_mixed_je_and_u_is_flagged_in_dutch():
    draft = story("nl", ["Vanaf maart helpt de assistent je bij vragen. Jij houdt het gesprek.",
                         "Heeft u vragen? Stel ze aan uw teamleider."], register="je")
    found = kinds(checks.check_register(draft), "register", "error")
    assert len(found) == 1
    assert found[0].where.startswith("why:") and "u vragen" in found[0].where
    assert "Aanspreekvorm gemengd" in found[0].message and "“u”" in found[0].message
    assert found[0].fix


def test_dutch_pure_je_is_not_flagged_and_u_lookalikes_are_ignored():
    draft = story("nl", ["Vanaf maart helpt de assistent je. Jouw teamleider legt het uit aan jullie.",
                         "De training begint om 9.00 u in zaal U-2. Je maakt een U-bocht naar de kantine."],
                  register="je")
    assert checks.check_register(draft) == []


def test_dutch_pure_u_is_fine_but_a_whole_text_in_the_wrong_form_is_flagged():
    text = ["Vanaf maart helpt de assistent u bij vragen. Uw teamleider legt het uit."]
    assert checks.check_register(story("nl", text, register="u")) == []
    wrong = checks.check_register(story("nl", text, register="je"))
    assert [f.severity for f in wrong] == ["error"]


def test_dutch_register_inferred_from_majority_when_unset():
    draft = story("nl", ["Je krijgt hulp. Jij beslist. Je teamleider helpt.", "Heeft u vragen?"])
    found = checks.check_register(draft)
    assert len(found) == 1 and "u vragen" in found[0].where


def test_dutch_capital_u_inside_a_sentence_is_info():
    draft = story("nl", ["Wij helpen U graag verder."], register="u")
    found = checks.check_register(draft)
    assert [(f.check, f.severity) for f in found] == [("register", "info")]


def test_swedish_du_and_ni_mixed_is_flagged():
    draft = story("sv", ["Från mars hjälper assistenten dig med frågor.",
                         "Vi berättar mer för er på mötet."], register="du")
    found = kinds(checks.check_register(draft), "register", "error")
    assert len(found) == 1 and "för er på" in found[0].where
    assert "Blandat tilltal" in found[0].message


def test_swedish_pure_du_and_the_noun_era_are_fine():
    draft = story("sv", ["Från mars hjälper assistenten dig. Din chef berättar mer.",
                         "Det här är början på en ny era för kundtjänsten."], register="du")
    assert checks.check_register(draft) == []
    ni = story("sv", ["Vi berättar mer för er. Ni får utbildning i mars."], register="ni")
    assert checks.check_register(ni) == []


def test_english_contractions_are_info_only_in_formal_drafts():
    paragraphs = ["We'll start in March. The assistant doesn't replace anyone."]
    formal = checks.check_register(story("en", paragraphs, register="formal"))
    assert [(f.severity, f.check) for f in formal] == [("info", "register")]
    assert "We'll" in formal[0].message
    assert checks.check_register(story("en", paragraphs, register="plain")) == []


# --- language ----------------------------------------------------------------------------------------------

def test_a_section_in_another_language_is_flagged():
    draft = Draft(kind="faq", lang="nl", title="Vragen over Klantwijs", items=[
        FaqItem(key="job", question="Verlies ik mijn baan?",
                answer="Nee. Klantwijs neemt werk uit handen, maar jij blijft het gesprek met de klant voeren."),
        FaqItem(key="data", question="What happens to my data?",
                answer="Recordings are kept for thirty days and are only used to improve the answers."),
    ])
    found = checks.check_language(draft)
    assert [(f.severity, f.where.split(":")[0]) for f in found] == [("warning", "data")]
    assert "Engels" in found[0].message


def test_a_draft_in_the_wrong_language_is_an_error():
    draft = story("sv", ["From March the assistant helps you answer questions from customers.",
                         "Your team leader will explain everything in a meeting next week."])
    errors = kinds(checks.check_language(draft), "language", "error")
    assert len(errors) == 1 and "engelska" in errors[0].message


def test_a_clean_draft_in_its_language_has_no_language_findings():
    draft = story("en", ["From March the assistant helps you answer questions from customers.",
                         "Your team leader will explain everything in a meeting next week."])
    assert checks.check_language(draft) == []


# --- readability -------------------------------------------------------------------------------------------

def test_flesch_douma_matches_the_formula_by_hand():
    # mor-gen be-gint de nieu-we as-sis-tent (5 words, 10 syllables); je krijgt eerst een trai-ning (5, 6)
    result = checks.readability_of_text("Morgen begint de nieuwe assistent. Je krijgt eerst een training.", "nl")
    assert (result.sentences, result.words, result.syllables) == (2, 10, 16)
    by_hand = 206.835 - 0.93 * (10 / 2) - 77 * (16 / 10)
    assert result.metric == "Flesch-Douma"
    assert result.score == pytest.approx(by_hand, abs=0.06)


def test_lix_of_a_known_swedish_text():
    # 13 words, 2 sentences, long words: assistent, kundtjänsten, hjälper, snabbare
    text = "Vi inför en ny assistent i kundtjänsten. Den hjälper dig att svara snabbare."
    result = checks.readability_of_text(text, "sv")
    assert (result.sentences, result.words, result.long_words) == (2, 13, 4)
    assert result.score == pytest.approx(13 / 2 + 100 * 4 / 13, abs=0.06)


def test_english_flesch_is_computed_offline(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access during a readability check")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    import nltk

    monkeypatch.setattr(nltk, "download", no_network)
    # our cus-tom-ers will get an-swers fast-er (6 words, 10 syllables); we start on mon-day (4, 5)
    result = checks.readability_of_text("Our customers will get answers faster. We start on Monday.", "en")
    assert (result.sentences, result.words, result.syllables) == (2, 10, 15)
    assert result.score == pytest.approx(206.835 - 1.015 * 5 - 84.6 * 1.5, abs=0.06)


def test_sentence_splitting_keeps_decimals_and_abbreviations():
    sentences = checks.split_sentences("We voeren 4.000 gesprekken, bijv. Over facturen. Dat is 2,5 keer meer [1].")
    assert sentences == ["We voeren 4.000 gesprekken, bijv. Over facturen.", "Dat is 2,5 keer meer."]


def test_hard_dutch_text_gets_a_warning_with_the_longest_sentence():
    long = ("De implementatie van de geautomatiseerde kennisondersteuningsapplicatie binnen de klantcontactorganisatie "
            "vereist een zorgvuldige afstemming tussen operationele verantwoordelijkheden, informatiebeveiliging en "
            "personeelsvertegenwoordiging, teneinde de continuïteit van de dienstverlening te waarborgen.")
    draft = story("nl", [long, "Wij informeren alle betrokken medewerkers tijdig over de consequenties daarvan."])
    found = checks.check_readability(draft)
    assert len(found) == 1 and found[0].severity == "warning"
    assert found[0].score is not None and found[0].score < 60
    assert found[0].where.startswith("why:") and "implementatie" in found[0].where
    assert "doel" in found[0].message and found[0].fix


def test_easy_text_meets_the_target_as_info_with_score():
    text = ["Vanaf maart helpt de assistent je. Je krijgt eerst een korte training. Daarna werk je samen met de "
            "assistent. Je teamleider helpt je op weg. Heb je vragen? Stel ze gerust. We praten elke week even kort "
            "samen over hoe het gaat."]
    found = checks.check_readability(story("nl", text))
    assert [f.severity for f in found] == ["info"] and found[0].score >= 60


def test_readability_is_thread_safe():
    texts = {"nl": "Morgen begint de nieuwe assistent. Je krijgt eerst een training.",
             "sv": "Vi inför en ny assistent i kundtjänsten. Den hjälper dig att svara snabbare.",
             "en": "Our customers will get answers faster. We start on Monday."}
    serial = {lang: checks.readability_of_text(t, lang).score for lang, t in texts.items()}
    jobs = list(texts.items()) * 6
    with ThreadPoolExecutor(max_workers=6) as pool:
        scores = list(pool.map(lambda job: (job[0], checks.readability_of_text(job[1], job[0]).score), jobs))
    assert all(score == serial[lang] for lang, score in scores)


# --- grounding ---------------------------------------------------------------------------------------------

def test_figure_absent_from_brief_and_sources_is_flagged():
    draft = story("nl", ["73% van de klanten wil sneller antwoord."], organisation="Zorgverzekeraar Noord",
                  ai_tool="Klantwijs")
    found = checks.check_grounding(draft, brief())
    assert [(f.check, f.severity) for f in found] == [("grounding", "error")]
    assert "73%" in found[0].message and found[0].where.startswith("why:")


def test_figures_from_brief_citations_and_structure_pass():
    draft = story("nl", [
        "We voeren nu 4.000 gesprekken per week. De wachttijd is 2,5 minuut.",  # brief facts: 4000, 2,5
        "Uit onderzoek blijkt dat 98 % van de teams sneller werkt [1].",  # cited: 98 procent
        "Ons team van 45 mensen begint op 1 maart 2027 in de 2e golf.",  # team_size, start date, ordinal
    ], citations=[Citation(id="c1", title="Studie 2024", source="Bureau", year=2024,
                           text="In 2024 werkte 98 procent van de teams sneller.")],
        organisation="Zorgverzekeraar Noord", ai_tool="Klantwijs")
    assert checks.check_grounding(draft, brief()) == []


@pytest.mark.parametrize("written", ["4,000", "4 000", "4.000", "4\u00a0000"])
def test_thousands_separators_are_handled(written):
    draft = story("en", [f"We answer {written} calls a week."])
    assert checks.check_grounding(draft, brief("en")) == []
    other = story("en", [f"We answer {written.replace('4', '5')} calls a week."])
    assert len(checks.check_grounding(other, brief("en"))) == 1


def test_derived_dates_are_not_flagged_but_the_same_date_without_derived_is():
    text = ["De tweede peiling volgt op 15 april 2027."]
    assert len(checks.check_grounding(story("nl", text), brief())) == 1
    assert checks.check_grounding(story("nl", text, derived=["15 april 2027"]), brief()) == []


def test_another_source_of_figures_plugs_into_grounding():
    draft = story("nl", ["Na de eerste peiling zegt 72% van de collega's dat het helpt."])
    assert len(checks.check_grounding(draft, brief())) == 1

    def survey_results(draft, brief):
        return ["Eerste peiling: 72 % vindt dat KlantAssist helpt."]

    assert checks.check_grounding(draft, brief(), sources=(*checks.SOURCES, survey_results)) == []
    assert len(checks.check_grounding(draft, brief(), sources=checks.SOURCES)) == 1


def test_citation_marks_must_resolve_and_are_not_figures():
    draft = story("en", ["Teams work faster with help [1]. Staff want a say [3]."],
                  citations=[Citation(id="c1", title="Study", source="Institute", text="Teams work faster.")])
    found = checks.check_grounding(draft, brief("en"))
    assert [f.severity for f in found] == ["error"]
    assert "[3]" in found[0].message


def test_nps_scale_workshop_times_and_numbered_positions_are_not_figures():
    draft = Draft(kind="plan", lang="en", title="Plan", sections=[
        Section(key="steps", heading="Steps", numbered=["Announce", "Meet", "Train", "Go live"])],
        workshop=[WorkshopBlock(start="09:00", minutes=45, title="Welcome",
                                description="From 09:00 we spend 45 minutes on what changes."),
                  WorkshopBlock(start="09:45", minutes=30, title="Worries and hopes", description="A round.")],
        questions=[SurveyQuestion(key="enps", text="How likely are you to recommend us as a place to work?",
                                  type="nps", options=[str(n) for n in range(11)], dimension="enps")])
    assert checks.check_grounding(draft, brief("en")) == []


def test_percentages_written_as_words_are_checked():
    draft = story("en", ["Seventy percent of calls are simple."])
    found = checks.check_grounding(draft, brief("en"))
    assert len(found) == 1 and "Seventy percent" in found[0].message


def test_without_a_brief_unknown_figures_are_warnings():
    found = checks.check_grounding(story("en", ["We answer 812 calls a day."]))
    assert [f.severity for f in found] == ["warning"]


def test_number_readings():
    assert checks.number_values("4.000") == {"4000", "4"}
    assert checks.number_values("12.000,50") == {"12000.5"}
    assert checks.number_values("2,5") == {"2.5"}
    assert checks.number_values("1 234") == {"1234"}


# --- survey ------------------------------------------------------------------------------------------------

def survey(lang: str, texts: list[str], ai_tool: str = "", scale: list[str] | None = None) -> Draft:
    questions = [SurveyQuestion(key=f"q{n}", text=t, type="likert", options=scale or SCALES[lang], dimension="x")
                 for n, t in enumerate(texts, start=1)]
    questions.append(SurveyQuestion(key="enps", text="eNPS?", type="nps", options=[str(n) for n in range(11)],
                                    dimension="enps"))
    questions.append(SurveyQuestion(key="open", text="?", type="open", dimension="open"))
    return Draft(kind="survey", lang=lang, title="Survey", questions=questions, ai_tool=ai_tool)


SURVEY_CASES = {
    "nl": (["Ik begrijp waarom we de assistent invoeren.", "Ik heb genoeg tijd voor mijn werk.",
            "De balans tussen werk en privé is goed.", "Ik werk graag met Vraag en Antwoord."],
           "Ik krijg genoeg training en steun.", "Natuurlijk maakt de assistent je werk leuker.",
           "Ik maak me geen zorgen over mijn baan.", "Vraag en Antwoord"),
    "sv": (["Jag förstår varför vi inför assistenten.", "Jag har tillräckligt med tid för mitt arbete.",
            "Balansen mellan arbete och fritid är bra.", "Jag arbetar gärna med Frågor och Svar."],
           "Jag får tillräcklig utbildning och stöd.", "Visst gör assistenten jobbet roligare.",
           "Jag oroar mig inte för mitt jobb.", "Frågor och Svar"),
    "en": (["I understand why we are introducing the assistant.", "I have enough time for my work.",
            "The balance between work and private life is good.", "I like working with Search and Answer."],
           "I get enough training and support.", "How much do you appreciate the new assistant?",
           "I never feel worried about my job.", "Search and Answer"),
}


@pytest.mark.parametrize("lang", ["nl", "sv", "en"])
def test_clean_survey_items_pass(lang):
    clean, *_rest, tool = SURVEY_CASES[lang]
    assert checks.check_survey(survey(lang, clean, ai_tool=tool)) == []


@pytest.mark.parametrize("lang", ["nl", "sv", "en"])
def test_double_barrelled_leading_and_negated_items_are_flagged(lang):
    clean, double, leading, negated, tool = SURVEY_CASES[lang]
    found = checks.check_survey(survey(lang, [*clean, double, leading, negated], ai_tool=tool))
    flagged = {f.where.split(":")[0]: f.message for f in found}
    assert set(flagged) == {"q5", "q6", "q7"}
    assert all(f.check == "survey" and f.severity == "warning" and f.fix for f in found)


def test_scale_problems_are_flagged():
    draft = survey("en", ["I have enough time for my work.", "My team leader listens to me."])
    draft.questions[1].options = EN_SCALE[:4]
    draft.questions[2].options = [str(n) for n in range(1, 11)]  # the nps item
    draft.questions = draft.questions[:3]  # drop the open question
    messages = [f.message for f in checks.check_survey(draft)]
    assert any("different scale labels" in m for m in messages)
    assert any("0 to 10" in m for m in messages)
    assert any("no open question" in m for m in messages)


def test_unbalanced_shared_scale_and_missing_nps():
    draft = survey("nl", ["Ik heb genoeg tijd voor mijn werk."], scale=NL_SCALE[:4])
    draft.questions = [q for q in draft.questions if q.type != "nps"]
    messages = [f.message for f in checks.check_survey(draft)]
    assert any("vijf punten" in m for m in messages)
    assert any("niet in balans" in m for m in messages)
    assert any("precies één eNPS-vraag" in m for m in messages)


# --- run and summary ---------------------------------------------------------------------------------------

def test_run_does_not_change_the_draft_and_summary_counts():
    draft = story("nl", ["Heeft u vragen? Dan helpt je teamleider je. 73% wil dit."], register="je")
    before = draft.model_dump()
    findings = checks.run(draft, brief())
    assert draft.model_dump() == before
    result = checks.summary(findings)
    assert result["error"] == len(kinds(findings, severity="error")) >= 2
    assert result["by_check"]["register"] == 1 and result["by_check"]["grounding"] == 1
    assert result["readability"] is not None and result["passed"] is False
    assert checks.summary([])["passed"] is True


def test_workshop_end_times_are_allowed_but_other_times_are_not():
    blocks = [WorkshopBlock(start="09:00", minutes=90, title="Morning", description="We work until 10:30."),
              WorkshopBlock(start="10:30", minutes=30, title="Close", description="We end at 11:00, not 11:15.")]
    draft = Draft(kind="plan", lang="en", title="Workshop", workshop=blocks)
    found = checks.check_grounding(draft, brief("en"))
    assert [f.message for f in found] == ["The figure “11:15” is not in the brief or in a cited source."]


def test_summary_with_language_names_the_metric_and_target():
    findings = checks.check_readability(story("sv", ["Vi inför en ny assistent i kundtjänsten. Den hjälper dig."]))
    result = checks.summary(findings, "sv")
    assert result["readability_metric"] == "LIX" and result["readability_target"] == 40
    assert result["readability_higher_is_better"] is False
    assert result["readability"] == findings[0].score
