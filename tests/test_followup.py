"""The follow-up message ("you said – here is what we will do") from real answer files, in nl, sv and en:
its sections, grounding against the results, confidentiality, register, the commitment ledger and Word."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from results_files import BRIEFS, HIDDEN, SHOWN, forms_summary, make_files

from toolkit import drafting, export
from toolkit.brief import load_brief
from toolkit.checks import check_grounding, check_register, figures
from toolkit.drafting import followup
from toolkit.drafting import survey as survey_drafting
from toolkit.models import LANGS
from toolkit.results.ledger import Commitment, Ledger
from toolkit.results.model import Change, Score, Summary, WaveSummary

COMMITMENTS = {"nl": ["Meer oefentijd in werktijd, vanaf 1 juni", "Een maatje voor de eerste weken"],
               "sv": ["Mer tid att öva på arbetstid, från den 1 juni", "En fadder under de första veckorna"],
               "en": ["More practice time in working hours, from 1 June", "A buddy for the first weeks"]}
CANNOT = {"nl": ["De wachtrij wordt nog niet korter: nieuwe collega's beginnen pas in september"],
          "sv": ["Kön blir inte kortare än: nya kollegor börjar först i september"],
          "en": ["The queue will not get shorter yet: new colleagues only start in September"]}
SECTIONS = ("thanks", "going_well", "worries", "themes", "will_do", "cannot_do", "last_time", "next_wave", "contact")
ALTERNATE = {"nl": "u", "sv": "ni", "en": "formal"}


class NoGuidance:
    def search(self, query, lang=None, k=5):
        return []


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return make_files(tmp_path_factory.mktemp("answers"))


@pytest.fixture(scope="module")
def summaries(files, tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:  # what conftest sets per test, set here for the whole module
        patch.setenv("TOOLKIT_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        patch.setenv("TOOLKIT_EMBEDDINGS", "hash")
        return {lang: forms_summary(files, lang) for lang in LANGS}


def ledger_for(lang: str) -> Ledger:
    """What was promised after the first wave: one done, one not done."""
    first, second = COMMITMENTS[lang]
    return Ledger().add([first, second], "before").mark(first, True).mark(second, False)


def follow_up(lang, summary, brief=None, variant=0, **extra):
    brief = brief or load_brief(BRIEFS[lang])
    context = {"commitments": COMMITMENTS[lang], "cannot_do": CANNOT[lang], "ledger": ledger_for(lang)} | extra
    return drafting.draft("followup", brief, lang=lang, variant=variant, retriever=NoGuidance(), summary=summary,
                          **context)


@pytest.mark.parametrize("lang", LANGS)
def test_the_follow_up_has_every_section_in_order_and_no_marks(lang, summaries):
    draft = follow_up(lang, summaries[lang])
    assert draft.kind == "followup" and draft.lang == lang and draft.wave == "during"
    assert [s.key for s in draft.sections] == list(SECTIONS)
    title = {"nl": "Dit hebben jullie gezegd – dit gaan we doen", "sv": "Det här sa teamet – det här gör vi",
             "en": "You said – here is what we will do"}[lang]
    assert draft.title == title
    assert not re.search(r"\[\d+\]", draft.text) and not draft.citations
    will_do = next(s for s in draft.sections if s.key == "will_do")
    assert [b.rstrip(".") for b in will_do.bullets] == COMMITMENTS[lang]
    assert not [f for f in draft.checks if f.severity in ("warning", "error")], draft.checks


@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_is_a_value_computed_from_the_results(lang, summaries):
    summary = summaries[lang]
    draft = follow_up(lang, summary)
    during = summary.waves[-1]
    computed = {during.responses, round(during.response_rate), *(round(d.favourable) for d in during.dimensions),
                *(t.count for t in during.themes), 1}  # 1: the sender's own "from 1 June"
    computed |= {round(v) for c in summary.changes if c.to == "during" for v in (c.from_value, c.to_value)}
    body = "\n".join(p for s in draft.sections if s.key != "next_wave" for p in (*s.paragraphs, *s.bullets))
    stated = {int(float(v)) for _w, values, _s, _e in figures(body, lang) for v in values}
    assert stated and stated <= computed, stated - computed
    assert round(during.response_rate) in stated and during.responses in stated
    assert not [f for f in draft.checks if f.check == "grounding"]


@pytest.mark.parametrize("lang", LANGS)
def test_a_figure_planted_in_the_text_is_flagged(lang, summaries):
    draft = follow_up(lang, summaries[lang])
    well = next(s for s in draft.sections if s.key == "going_well")
    well.bullets.append({"nl": "Werkdruk: 97 procent was positief.", "sv": "Arbetsbelastning: 97 procent svarade "
                         "positivt.", "en": "Workload: 97% answered positively."}[lang])
    findings = check_grounding(draft, load_brief(BRIEFS[lang]))
    assert [f.severity for f in findings] == ["error"] and "97" in findings[0].message


@pytest.mark.parametrize("lang", LANGS)
def test_nothing_about_a_hidden_group_appears(lang, files, summaries):
    """The attack: a reader who knows the groups looks for any trace of the small ones. The follow-up reads the
    same whether or not the file was split by group, and no group's name is anywhere in the draft or the .docx."""
    summary = summaries[lang]
    assert {g.name for g in summary.waves[-1].groups if not g.shown} == set(HIDDEN)
    with_groups = follow_up(lang, summary)
    without = follow_up(lang, forms_summary(files, lang, groups=False))
    assert with_groups.text == without.text
    document = _docx_text(export.to_docx(with_groups))
    dumped = str(with_groups.to_json_dict())
    for name in (*HIDDEN, *SHOWN):
        assert name not in dumped and name not in document, name


@pytest.mark.parametrize("lang", LANGS)
def test_no_comment_is_quoted(lang, summaries):
    summary = summaries[lang]
    text = follow_up(lang, summary).text
    quotes = [q for w in summary.waves for t in w.themes for q in t.quotes]
    assert quotes and not [q for q in quotes if q in text]
    assert summary.waves[-1].themes[0].label in text


@pytest.mark.parametrize("lang", LANGS)
def test_one_register_throughout_in_both_forms_of_address(lang, summaries):
    brief = load_brief(BRIEFS[lang])
    for register in (brief.register(lang), ALTERNATE[lang]):
        changed = brief.model_copy(update={"address": register} if lang != "en" else
                                   {"tone": "formal" if register == "formal" else "informal"})
        for variant in (0, 1):
            draft = follow_up(lang, summaries[lang], changed, variant=variant)
            assert draft.register == register
            assert not check_register(draft), (register, variant, check_register(draft))


@pytest.mark.parametrize("lang", LANGS)
def test_the_sender_gets_the_guidance_and_the_hidden_notes_staff_do_not(lang, summaries):
    summary = summaries[lang]
    draft = follow_up(lang, summary)
    sources = {n.source for n in draft.notes}
    assert {"loman-follow-up", "loman-individual-and-group-meetings"} <= sources
    hidden_note = next(n for n in summary.notes if n in {x.text for x in draft.notes})
    assert hidden_note not in draft.text and not any(n.text in draft.text for n in draft.notes)


def _summary(lang: str, changes: list[Change]) -> Summary:
    scores = [Score(key="readiness", label="r", n=60, favourable=65.0), Score(key="purpose", label="p", n=60,
              favourable=71.0), Score(key="workload", label="w", n=60, favourable=30.0)]
    return Summary(lang=lang, waves=[WaveSummary(wave="before", responses=60, dimensions=scores),
                                    WaveSummary(wave="during", responses=60, response_rate=75.0, dimensions=scores)],
                   changes=changes)


def _change(key, verdict, first, second) -> Change:
    return Change(dimension=key, from_="before", to="during", delta=second - first, verdict=verdict,
                  method="two-proportion z-test", from_value=first, to_value=second)


def test_a_real_change_is_stated_with_both_figures_and_chance_as_about_the_same():
    summary = _summary("nl", [_change("readiness", "rose", 40.2, 65.0), _change("purpose", "no clear change",
                                                                                 68.0, 71.0),
                              _change("workload", "fell", 45.0, 30.0)])
    draft = follow_up("nl", summary, commitments=[], cannot_do=[], ledger=None)
    text = draft.text
    assert "meer collega's zijn positief dan de vorige keer (van 40 naar 65 procent)" in text
    assert "Begrip van het doel: ongeveer gelijk gebleven (71 procent was positief)" in text
    assert "minder collega's zijn positief dan de vorige keer (van 45 naar 30 procent)" in text
    assert "68" not in text  # the earlier figure of a change chance explains is not stated
    assert "cannot_do" not in [s.key for s in draft.sections] and "last_time" not in [s.key for s in draft.sections]
    assert any(n.section == "will_do" and "geen stappen" in n.text for n in draft.notes)


def test_suggested_commitments_follow_the_weakest_dimensions():
    suggestions = followup.suggest_commitments(_summary("sv", []), "sv")
    assert suggestions[:2] == ["Ett tydligt arbetssätt för när verktyget lämnar över till en kollega",
                               "Mindre arbete i kön under veckorna då vi lär oss"]  # workload is weakest
    assert "Mer tid att öva på arbetstid" in suggestions and len(suggestions) <= followup.SUGGESTIONS
    assert followup.suggest_commitments(_summary("en", []), "en")[0] == \
        "A clear hand-over procedure from the tool to a colleague"


def test_a_wave_below_the_minimum_only_thanks_and_says_why():
    summary = Summary(lang="en", waves=[WaveSummary(wave="before", responses=3, response_rate=5.0)])
    draft = follow_up("en", summary, commitments=[], cannot_do=[], ledger=None)
    assert [s.key for s in draft.sections] == ["thanks", "will_do", "next_wave", "contact"]
    assert "Fewer than 5 colleagues answered" in draft.text and draft.chart is None
    assert not [f for f in draft.checks if f.check == "grounding"]


def test_a_summary_in_another_language_is_refused(summaries):
    with pytest.raises(ValueError, match="summary is in sv"):
        follow_up("nl", summaries["sv"])


# --- the commitment ledger, from one wave to the next ----------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_commitments_after_one_wave_are_asked_about_and_reported_in_the_next(lang, summaries):
    brief = load_brief(BRIEFS[lang])
    after_before = Ledger().add(COMMITMENTS[lang], "before")
    before = survey_drafting.compose(brief, lang, None, wave="before", ledger=after_before)
    during = survey_drafting.compose(brief, lang, None, wave="during", ledger=after_before)
    assert "ledger_1" not in {q.key for q in before.questions}  # nothing was promised before the first wave
    item = next(q for q in during.questions if q.key == "ledger_1")
    assert item.type == "likert" and item.dimension == "follow_through" and not item.reverse
    assert item.text == {"nl": "Wat na de vorige pulsmeting is beloofd, is ook gedaan.",
                         "sv": "Det vi lovade efter förra pulsmätningen har blivit gjort.",
                         "en": "What was promised after the last survey has been done."}[lang]
    assert all(c.split(",")[0].lower() in during.survey_intro.lower() for c in COMMITMENTS[lang])
    assert [q.key for q in during.questions].index("ledger_1") == 14  # after the rated items, before eNPS
    # the follow-up of the next wave says what was done
    done = after_before.mark(COMMITMENTS[lang][0], True).mark(COMMITMENTS[lang][1], False)
    draft = follow_up(lang, summaries[lang], ledger=done)
    said = next(s for s in draft.sections if s.key == "last_time")
    words = {"nl": ("Gedaan:", "Nog niet gedaan:"), "sv": ("Klart:", "Inte klart än:"),
             "en": ("Done:", "Not done yet:")}[lang]
    assert said.bullets[0].startswith(words[0]) and said.bullets[1].startswith(words[1])
    assert COMMITMENTS[lang][1][1:].lower() in said.bullets[1].lower()


def test_the_ledger_is_pure_data():
    ledger = Ledger().add(["Buddy", "Buddy", " ", "Practice"], "before").add(["Buddy"], "before")
    assert [c.text for c in ledger.entries] == ["Buddy", "Practice"]
    assert ledger.due_in("during") == ledger.made_after("before") and ledger.due_in("before") == []
    marked = ledger.mark("Buddy", True)
    assert marked.entries[0].done is True and ledger.entries[0].done is None
    assert Ledger.model_validate_json(marked.model_dump_json()) == marked
    assert Commitment(text="x", wave="during").done is None  # open until someone says


def test_the_ledger_can_be_a_list_of_commitments(summaries):
    entries = [Commitment(text=COMMITMENTS["en"][0], wave="before", done=True)]
    draft = follow_up("en", summaries["en"], ledger=entries)
    assert "Done: more practice time in working hours, from 1 June." in draft.text


def test_the_survey_before_the_first_wave_tells_the_sender_what_change_the_team_can_show():
    from toolkit.results.summary import detectable_change_sentence

    brief = load_brief(BRIEFS["nl"])
    before = survey_drafting.compose(brief, "nl", None, wave="before")
    sentence = detectable_change_sentence(brief.team_size, "nl")
    note = next(n for n in before.notes if n.text == sentence)  # a note on the introduction
    assert note.section == "intro" and "140" in note.text
    assert note.text not in before.text
    assert all(n.text != sentence for n in survey_drafting.compose(brief, "nl", None, wave="during").notes)


# --- the language model and Word -------------------------------------------------------------------------------

def test_a_language_model_rewrites_the_prose_and_its_invented_figure_is_flagged(summaries):
    base = follow_up("en", summaries["en"])
    entries = [{"key": s.key, "paragraphs": [f"Rewritten {s.key}."], "bullets": s.bullets} for s in base.sections]
    entries[1]["paragraphs"] = ["Over 90% of you are happy."]
    model = FakeListChatModel(responses=[__import__("json").dumps({"sections": entries})])
    draft = drafting.draft("followup", load_brief(BRIEFS["en"]), lang="en", retriever=NoGuidance(),
                           summary=summaries["en"], commitments=COMMITMENTS["en"], chat_model=model, timeout=10)
    assert draft.engine != "composer" and "Rewritten thanks." in draft.text
    assert [f for f in draft.checks if f.check == "grounding" and "90" in f.message]
    assert draft.notes == base.notes and draft.chart == base.chart


@pytest.mark.parametrize("lang", LANGS)
def test_the_word_document_is_plain_with_one_chart_that_has_alt_text(lang, summaries):
    draft = follow_up(lang, summaries[lang])
    data = export.to_docx(draft)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        body = package.read("word/document.xml").decode("utf-8")
    assert len(media) == 1 and media[0].endswith(".png")
    alt = re.search(r'descr="([^"]*)"', body).group(1)
    assert alt == draft.chart.alt and str(round(summaries[lang].waves[-1].dimensions[0].favourable)) in alt
    text = _docx_text(data)
    assert text.index(draft.sections[2].heading) < text.index(draft.sections[3].heading)  # chart between
    assert "<w:tbl>" not in body  # no tables: a letter, not a report


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = "".join(package.read(n).decode("utf-8") for n in package.namelist()
                      if n.startswith("word/") and n.endswith(".xml"))
    return re.sub(r"<[^>]+>", "", xml)


def test_one_section_is_written_anew_and_the_edits_elsewhere_stay(summaries):
    brief = load_brief(BRIEFS["nl"])
    draft = follow_up("nl", summaries["nl"], brief)
    draft.sections[0].paragraphs[0] = "Mijn eigen woorden."
    again = drafting.regenerate_section(draft, brief, "going_well", variant=1, retriever=NoGuidance(),
                                        summary=summaries["nl"], commitments=COMMITMENTS["nl"])
    assert again.sections[0].paragraphs[0] == "Mijn eigen woorden."
    assert [s.key for s in again.sections] == [s.key for s in draft.sections]
    assert again.notes == draft.notes and again.chart == draft.chart
