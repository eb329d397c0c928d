"""The composers' shared room: one template resolver, one localise rule, one sentence toolkit, one Draft shell."""

from __future__ import annotations

from datetime import date

from fakes import FakeRetriever, card_hit, make_cards

from toolkit.brief import load_brief
from toolkit.cards import get_card
from toolkit.drafting import compose
from toolkit.drafting.compose import Blocks, Guidance, join_list, lc_first, localise, resolve, sentence
from toolkit.models import Hit
from toolkit.settings import PROJECT_ROOT

EXAMPLES = PROJECT_ROOT / "examples"


def test_resolve_walks_wave_then_register_then_all_at_any_depth():
    node = {"before": {"je": {"all": ["a", "b"]}, "u": "c"}, "all": "fallback"}
    assert resolve(node, "before", "je") == ["a", "b"]
    assert resolve(node, "before", "u") == "c"
    assert resolve(node, "after", "je") == "fallback"
    assert resolve({"je": "x"}, "", "u") is None
    assert resolve("plain", "before", "je") == "plain"


def test_blocks_fill_slots_and_keep_variant_zero_stable():
    blocks = Blocks("nl", "survey", "je", variant=0, wave="before", slots={"tool": "Klantassistent"})
    assert "Klantassistent" in blocks.say("title")
    assert blocks.say("no.such.path") == ""
    assert Blocks("nl", "survey", "je", 0, "before", {"tool": "X"}).say("title") == blocks.say("title", tool="X")


def test_localise_reads_a_card_in_the_draft_language_and_drops_what_it_cannot_read():
    card = get_card("adkar", "en")
    english = card_hit(card)
    dutch = localise(english, "nl")
    assert dutch is not None and dutch.lang == "nl" and dutch.text == get_card("adkar", "nl").body
    assert localise(english, "en") is english
    upload = Hit(id="u:1", card_id="upload-1", text="Our own notes", title="Notes", source="notes.pdf",
              lang="en", origin="upload")
    assert localise(upload, "sv") is None, "an upload in another language is not quoted"
    assert localise(upload.model_copy(update={"lang": "sv"}), "sv") is not None


def test_guidance_falls_back_to_the_shipped_card_when_retrieval_misses_it():
    unrelated = FakeRetriever(make_cards({"other": {"sv": "Något helt annat om fika."}}))
    guidance = Guidance(unrelated, "sv")
    mark, card_id = guidance.mark("fika", ["pulse-survey-waves"])
    assert (mark, card_id) == ("[1]", "pulse-survey-waves")
    assert guidance.book.citations[0].lang == "sv"
    assert Guidance(None, "sv").mark("anything", ["no-such-card"]) == ("", "")


def test_sentence_helpers():
    assert sentence("  we start in March") == "We start in March."
    assert sentence("Ready?") == "Ready?"
    assert lc_first("Typing call notes") == "typing call notes"
    assert lc_first("KPI reports") == "KPI reports"
    assert lc_first("Copilot drafts replies", names=["Copilot"]) == "Copilot drafts replies"


def test_join_list_reads_as_a_sentence_in_each_language_or_with_a_separator():
    items = ["Typing notes.", "Searching the wiki;", " "]
    assert join_list(items, "en") == "typing notes and searching the wiki"
    assert join_list(items, "nl") == "typing notes en searching the wiki"
    assert join_list(items, "sv") == "typing notes och searching the wiki"
    assert join_list(["Copilot checks", "Forms"], sep="; ", names=["Copilot"]) == "Copilot checks; forms"
    assert join_list(["Only one."], "en") == "only one"


def test_draft_shell_sets_the_fields_every_kind_shares():
    brief = load_brief(EXAMPLES / "brief-sv.yaml")
    result = compose.draft_shell("plan", brief, "sv", title="Plan", variant=2)
    assert (result.kind, result.lang, result.title, result.variant) == ("plan", "sv", "Plan", 2)
    assert result.register == brief.register("sv")
    assert result.organisation == brief.organisation and result.ai_tool == brief.ai_tool
    assert result.date == brief.start_date.isoformat() == date.fromisoformat(result.date).isoformat()
    assert result.subtitle.startswith(f"{brief.organisation} · {brief.ai_tool} · ")
