"""The FAQ composer and answers to a user's own question: structure, grounding, register, questions that fit the
tool, guidance as sender's notes, own questions answered from the brief (snapshot-free)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import (
    OTHER,
    FakeRetriever,
    contractions,
    marks,
    register_fields,
    register_hits,
    ungrounded_numbers,
)
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from toolkit import drafting
from toolkit.brief import TOOL_KINDS, BriefError, load_brief, parse_brief
from toolkit.citations import CitationBook
from toolkit.drafting import faq
from toolkit.i18n import format_long_date
from toolkit.models import Citation, Hit
from toolkit.templates import load_template

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# Questions every tool gets; a chatbot also gets "human", a summariser "correct_summary" (see the kind tests below).
REQUIRED = {"job", "why_now", "what_ai", "training", "monitoring", "success", "wrong", "career", "input",
            "timeline", "contact"}
CHATBOT_ONLY = {"human", "handled"}
CASES = [("nl", "je"), ("nl", "u"), ("sv", "du"), ("sv", "ni"), ("en", "plain"), ("en", "formal")]


@pytest.fixture(scope="module")
def retriever():
    return FakeRetriever()


def brief_for(lang: str, register: str | None = None, **changes):
    brief = load_brief(EXAMPLES / f"brief-{lang}.yaml")
    return brief.model_copy(update={**changes, **register_fields(register)})


def check_register(text: str, lang: str, register: str, addressed: bool = True) -> None:
    """One register throughout; `addressed` also demands that the reader is addressed at least once."""
    if lang == "en":
        found = contractions(text)
        assert (found == []) if register == "formal" else (found or not addressed)
    else:
        assert register_hits(text, register) or not addressed
        assert register_hits(text, OTHER[register]) == []


@pytest.mark.parametrize(("lang", "register"), CASES)
def test_faq_answers_the_questions_staff_ask(lang, register, retriever):
    brief = brief_for(lang, register)
    draft = faq.compose(brief, lang, retriever)
    assert draft.kind == "faq" and draft.register == register and len(draft.items) >= 12
    keys = [item.key for item in draft.items]
    assert set(keys) >= REQUIRED and len(set(keys)) == len(keys)
    assert keys[0] == "job", "the worry comes first"
    assert all(item.question.strip() and len(item.answer.split()) >= 8 for item in draft.items)
    assert len(draft.sections) <= 1
    text = draft.text
    assert format_long_date(brief.start_date, lang) in draft.derived
    assert brief.contact_person in next(i for i in draft.items if i.key == "contact").answer
    for item in brief.stops_doing:
        assert item.lower().rstrip(".") in text.lower()
    check_register(text, lang, register)


@pytest.mark.parametrize(("lang", "register"), CASES)
def test_faq_is_grounded_and_names_its_sources_in_words(lang, register, retriever):
    """No [n] marks in staff text: an outside figure names its source in words, its card stays in the sources
    (so the grounding check traces the figure), and guidance becomes a sender's note."""
    brief = brief_for(lang, register)
    draft = faq.compose(brief, lang, retriever)
    assert ungrounded_numbers(draft, brief) == []
    assert marks(draft.text) == []
    assert draft.citations and all(c.kind == "fact" for c in draft.citations)
    listed = {c.id for c in draft.citations}
    for item in draft.items:
        assert set(item.citations) <= listed
    assert "Loman" not in draft.text, "no adviser is cited to staff"
    guidance = [n for n in draft.notes if n.source not in ("plan", "")]
    assert guidance and all(n.section in {i.key for i in draft.items} for n in draft.notes)
    for note in guidance:
        assert note.text not in draft.text, "a note is for the sender, never in the staff text"


def test_job_answer_promises_only_what_the_brief_commits_to(retriever):
    with_promise = faq.compose(brief_for("nl"), "nl", retriever)
    job = next(i for i in with_promise.items if i.key == "job")
    assert "geen gedwongen ontslagen" in job.answer
    assert "training in werktijd" not in job.answer, "a commitment about training is not a job promise"
    without = faq.compose(brief_for("nl", commitments=[]), "nl", retriever)
    job = next(i for i in without.items if i.key == "job")
    assert "ontslag" not in job.answer and "beloven niets" in job.answer


def test_union_is_named_only_when_the_brief_says_so(retriever):
    named = next(i for i in faq.compose(brief_for("en"), "en", retriever).items if i.key == "monitoring")
    assert "union" in named.answer
    silent = next(i for i in faq.compose(brief_for("en", commitments=[]), "en", retriever).items
                  if i.key == "monitoring")
    assert "union" not in silent.answer.lower() and "works council" not in silent.answer.lower()
    assert brief_for("en").contact_person in silent.answer


def test_faq_variant_differs(retriever):
    brief = brief_for("sv")
    assert faq.compose(brief, "sv", retriever).text == faq.compose(brief, "sv", retriever).text
    assert faq.compose(brief, "sv", retriever, variant=1).text != faq.compose(brief, "sv", retriever).text


def test_no_stays_same_drops_that_question_but_keeps_twelve(retriever):
    draft = faq.compose(brief_for("sv", stays_same=[]), "sv", retriever)
    assert "same" not in [i.key for i in draft.items] and len(draft.items) >= 12


@pytest.mark.parametrize(("lang", "register", "question", "expected"), [
    ("nl", "u", "Moet ik na een gesprek nog zelf de notities uittypen?", "notities"),
    ("sv", "ni", "Kan kunden välja att prata med en människa i stället för Ella?", "människa"),
    ("en", "plain", "Will customers still trust us if a bot answers?", "trust"),
])
def test_answer_to_an_own_question_is_grounded_and_names_its_sources(lang, register, question, expected, retriever):
    brief = brief_for(lang, register)
    book = CitationBook()
    item = faq.answer(question, brief, lang, retriever, book=book)
    assert item.custom and item.question == question and expected in item.answer.lower()
    assert marks(item.answer) == []
    assert set(item.citations) <= {c.id for c in book.citations}
    draft_like = faq.compose(brief, lang, retriever).model_copy(update={"items": [item], "sections": [],
                                                                        "citations": book.citations})
    assert ungrounded_numbers(draft_like, brief) == []
    check_register(item.answer, lang, register, addressed=False)


def test_answer_continues_a_draft_list_of_sources(retriever):
    brief = brief_for("en")
    earlier = Citation(id="earlier-card", title="Earlier", source="Test", kind="fact")
    book = CitationBook([earlier])
    first = faq.answer("How will you measure success?", brief, "en", retriever, book=book)
    second = faq.answer("Will customers trust a person more than the assistant?", brief, "en", retriever, book=book)
    assert book.citations[0] == earlier and "gartner-trust-humans" in {c.id for c in book.citations}
    assert first.key != second.key and marks(first.answer + second.answer) == []


# --- the questions fit the tool ------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["nl", "sv", "en"])
def test_a_summariser_gets_no_chatbot_questions(lang, retriever):
    draft = faq.compose(brief_for(lang, tool_kinds=["summaries"]), lang, retriever)
    keys = {item.key for item in draft.items}
    assert keys >= REQUIRED | {"correct_summary", "summary_readers"} and len(keys) >= 12
    assert not keys & CHATBOT_ONLY, "no 'what if a customer wants a person?', no 'how many does it handle?'"
    assert draft.notices == [], "the brief names the kind: nothing inferred"


@pytest.mark.parametrize("lang", ["nl", "sv", "en"])
def test_speech_analytics_gets_the_scoring_question(lang, retriever):
    draft = faq.compose(brief_for(lang, tool_kinds=["analytics"]), lang, retriever)
    scored = next(item for item in draft.items if item.key == "scored")
    assert brief_for(lang).contact_person in scored.answer
    assert not {"correct_summary", "human"} & {item.key for item in draft.items}


def test_a_chatbot_gets_the_customer_questions(retriever):
    draft = faq.compose(brief_for("sv", tool_kinds=["chatbot"]), "sv", retriever)
    assert {item.key for item in draft.items} >= CHATBOT_ONLY
    assert "correct_summary" not in {item.key for item in draft.items}


@pytest.mark.parametrize(("lang", "expected"), [("nl", "samenvattingen na het gesprek"),
                                                ("sv", "en chattbot för kunder"),
                                                ("en", "summaries after calls")])
def test_kinds_inferred_from_the_brief_are_named_in_a_notice(lang, expected, retriever):
    brief = brief_for(lang).model_copy(update={"tool_kinds": []})  # the examples name theirs; infer them here
    draft = faq.compose(brief, lang, retriever)
    assert len(draft.notices) == 1 and expected in draft.notices[0]
    assert "Kind of AI tool" not in draft.notices[0] or lang == "en", "the notice is in the draft's language"


def test_tool_kinds_are_validated_with_a_clear_message():
    data = load_brief(EXAMPLES / "brief-nl.yaml").model_dump(mode="json")
    assert parse_brief({**data, "tool_kinds": "Agent-assist, summaries"}).tool_kinds == ["agent_assist", "summaries"]
    with pytest.raises(BriefError) as caught:
        parse_brief({**data, "tool_kinds": ["chatbot", "robot"]}, "nl")
    assert "robot" in str(caught.value) and "Soort AI-tool" in str(caught.value) and "summaries" in str(caught.value)


def test_every_faq_item_names_the_same_kinds_in_every_language():
    kinds = {lang: {key: item["kinds"] for key, item in load_template(lang, "faq")["items"].items()}
             for lang in ("en", "nl", "sv")}
    assert kinds["nl"] == kinds["en"] == kinds["sv"]
    assert all(set(k) <= set(TOOL_KINDS) and k for k in kinds["en"].values())
    assert set(kinds["en"]) == set(faq.ORDER)


# --- own questions from the brief first ----------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "question", "line"), [
    ("nl", "Mag ik de samenvatting aanpassen als die niet klopt?",
     "Je controleert de samenvatting en past die aan waar nodig"),
    ("sv", "Får jag ändra sammanfattningen om den är fel?", "Du kontrollerar sammanfattningen och ändrar den vid behov"),
    ("en", "Can I correct the summary if it is wrong?", "You check the summary and correct it where needed"),
])
def test_an_own_question_is_answered_from_the_brief(lang, question, line, retriever):
    brief = brief_for(lang, changes=[*brief_for(lang).changes, line])
    item = faq.answer(question, brief, lang, retriever)
    assert line in item.answer
    assert sentence_unknown(lang, brief) not in item.answer


def sentence_unknown(lang: str, brief) -> str:
    """The first sentence of the 'we have no good answer yet' reply."""
    block = load_template(lang, "faq")["answer"]["unknown"]
    return next(iter(block.values()))[0].split(".")[0]


def test_a_brief_line_answers_a_question_no_standard_topic_covers(retriever):
    line = "Het dossier van elke klant bewaren we vijf jaar"
    brief = brief_for("nl", stays_same=[*brief_for("nl").stays_same, line])
    item = faq.answer("Hoe lang bewaren jullie het dossier van een klant?", brief, "nl", retriever)
    assert line in item.answer and item.citations == []


def test_a_quote_from_an_upload_reads_as_a_sentence():
    text = "Beleid Notulist\n\nMedewerkers mogen de samenvatting altijd aanpassen voordat die wordt opgeslagen."
    hit = Hit(id="u1", card_id="upload-1", text=text, title="Beleid Notulist", source="Beleid Notulist.docx",
              lang="nl", kind="upload", origin="upload")

    class Uploads:
        def search(self, query, lang=None, k=5):
            return [hit]

    brief = brief_for("nl", tool_kinds=["chatbot"])
    item = faq.answer("Worden opgeslagen gesprekken bewaard door de notulist?", brief, "nl", Uploads())
    assert "Medewerkers mogen de samenvatting altijd aanpassen" in item.answer
    assert "Notulist Medewerkers" not in item.answer and item.citations == ["upload-1"]


def test_unanswerable_question_is_referred_to_the_contact_person(retriever):
    brief = brief_for("nl")
    item = faq.answer("Welke kleur krijgen de nieuwe bureaustoelen?", brief, "nl", retriever)
    assert brief.contact_person in item.answer
    assert item.citations == [] and marks(item.answer) == []


class RecordingModel(FakeListChatModel):
    """A scripted chat model that keeps the messages it was sent."""

    seen: list = []

    def _call(self, messages, stop=None, run_manager=None, **kwargs):
        self.seen.append(list(messages))
        return super()._call(messages, stop, run_manager, **kwargs)


def test_the_language_model_gets_the_brief_lines_that_answer_first(retriever):
    line = "Je controleert de samenvatting en past die aan waar nodig"
    brief = brief_for("nl", changes=[*brief_for("nl").changes, line])
    current = faq.compose(brief, "nl", retriever)
    model = RecordingModel(responses=['{"answer": "Ja. Je controleert de samenvatting en past die aan.", '
                                      '"sources": []}'], seen=[])
    result = drafting.add_question(current, "Mag ik de samenvatting aanpassen als die niet klopt?", brief,
                                   retriever=retriever, chat_model=model, timeout=5)
    prompt = model.seen[0][-1].content
    assert f"<brief_answers>\n- {line}\n</brief_answers>" in prompt
    assert prompt.index("<brief_answers>") < prompt.index("<passages>")
    assert result.items[-1].answer.startswith("Ja.")


def test_an_offline_own_answer_keeps_its_guidance_as_sender_notes(retriever):
    brief = brief_for("en")
    current = faq.compose(brief, "en", retriever)
    result = drafting.add_question(current, "What won't I have to do any more after the start?", brief,
                                   retriever=retriever)
    item = result.items[-1]
    assert item.custom and marks(item.answer) == []
    assert [n for n in result.notes if n.section == item.key], "the guidance behind the answer is a note"
    assert len(result.notes) > len(current.notes)
