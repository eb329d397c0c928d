"""House style of staff text (templates/{lang}/style.yaml): every kind drafted from the example briefs, in every
register, holds none of the register's avoided words, no form that breaks the register (English plain contracts,
formal never does) and, in English, British spelling. Brief text a draft quotes is the manager's own and is left
out; so are the names of outside sources ("State of the Contact Center")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fakes import FakeRetriever, register_fields
from results_samples import three_waves

from toolkit import drafting
from toolkit.brief import Brief, load_brief, parse_brief
from toolkit.drafting.compose import advice_in
from toolkit.models import LANGS, Draft
from toolkit.results.ledger import Ledger
from toolkit.templates import load_template

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
REGISTERS = {"en": ("plain", "formal"), "nl": ("je", "u"), "sv": ("du", "ni")}  # the second: the formal one, also the plan's
WAVES = ("before", "during", "after")
VARIANTS = range(3)  # the templates hold at most two wordings per block; three variants see each of them
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class NoGuidance:
    def search(self, query, lang=None, k=5):
        return []


def style(lang: str) -> dict:
    return load_template(lang, "style")


def rules(lang: str, register: str, part: str) -> list[str]:
    """The patterns of one part (`avoid`, `forms`) for a register (or `all`)."""
    node = style(lang)[part]
    return [*node.get("all", []), *node.get(register, [])]


def brief_for(brief_lang: str, register: str) -> Brief:
    data = load_brief(EXAMPLES / f"brief-{brief_lang}.yaml").model_dump(mode="json", exclude_none=True)
    return parse_brief({**data, **register_fields(register)})


def brief_texts(brief: Brief) -> list[str]:
    """Every piece of the manager's own text a draft may quote, longest first (so a sentence goes before a
    name inside it)."""
    pieces = [brief.organisation, brief.ai_tool, brief.audience, brief.contact_person, brief.author,
              *SENTENCE_END.split(brief.purpose), *SENTENCE_END.split(brief.vision or ""),
              *brief.changes, *brief.stops_doing, *brief.stays_same, *brief.facts, *brief.success_measures,
              *brief.commitments]
    return sorted({p.strip().rstrip(".") for p in pieces if p and p.strip()}, key=len, reverse=True)


def without_brief(text: str, brief: Brief) -> str:
    for piece in brief_texts(brief):
        text = re.sub(re.escape(piece), " ", text, flags=re.IGNORECASE)
    return re.sub(r"\bState of the Contact Center\b", " ", text)


def prose(draft: Draft) -> str:
    """What staff read in the template's own words: title, sections, answers (survey statements read the same in
    both registers and are checked for words, not forms). Of the manager's plan, its timeline and workshop."""
    if draft.kind == "plan":
        return "\n".join([e.touchpoint for e in draft.timeline] + [f"{b.title}. {b.description}" for b in draft.workshop])
    parts = [draft.title]
    for section in draft.sections:
        parts += [section.heading, *section.paragraphs, *section.bullets, *section.numbered]
    for item in draft.items:
        parts += [item.question, item.answer]
    return "\n".join(parts)


def statements(draft: Draft) -> str:
    return "\n".join(q.text for q in draft.questions)


def every_draft(brief: Brief, lang: str) -> list[Draft]:
    retriever = FakeRetriever()
    made = [drafting.draft("story", brief, lang=lang, variant=v, retriever=retriever) for v in VARIANTS]
    made += [drafting.draft("faq", brief, lang=lang, variant=v, retriever=retriever) for v in VARIANTS]
    made += [drafting.draft("survey", brief, lang=lang, wave=w, variant=v, retriever=retriever)
             for w in WAVES for v in (0, 1)]
    made.append(drafting.draft("plan", brief, lang=lang, retriever=retriever))
    summary = three_waves(lang)
    ledger = Ledger().add(["A buddy for the first weeks", "More practice time"], "before") \
        .mark("A buddy for the first weeks", True)
    for latest in range(1, len(summary.waves) + 1):
        partial = summary.model_copy(update={"waves": summary.waves[:latest]})
        made += [drafting.draft("followup", brief, lang=lang, variant=v, retriever=NoGuidance(), summary=partial,
                                commitments=["Two extra practice sessions"], cannot_do=["A new rota this year"],
                                ledger=ledger if latest > 1 else None) for v in (0, 1)]
    return made


CASES = [(brief_lang, lang, register) for lang in LANGS for register in REGISTERS[lang]
         for brief_lang in (LANGS if lang == "en" else (lang,))]


@pytest.fixture(scope="module")
def drafts():
    return {case: every_draft(brief_for(case[0], case[2]), case[1]) for case in CASES}


def findings(text: str, patterns: list[str], flags: int = re.IGNORECASE) -> list[str]:
    return [f"{pattern!r} in {line.strip()!r}" for line in text.splitlines() for pattern in patterns
            if re.search(pattern, line, flags)]


@pytest.mark.parametrize(("brief_lang", "lang", "register"), CASES)
def test_staff_text_uses_none_of_the_registers_avoided_words(drafts, brief_lang, lang, register):
    brief = brief_for(brief_lang, register).for_lang(lang)
    found = [f"{d.kind}: {hit}" for d in drafts[brief_lang, lang, register]
             for hit in findings(without_brief(f"{prose(d)}\n{statements(d)}", brief),
                                 rules(lang, register if d.kind != "plan" else REGISTERS[lang][1], "avoid"))]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(("brief_lang", "lang", "register"), CASES)
def test_staff_text_keeps_to_the_registers_forms(drafts, brief_lang, lang, register):
    brief = brief_for(brief_lang, register).for_lang(lang)
    found = [f"{d.kind}: {hit}" for d in drafts[brief_lang, lang, register] if d.kind != "plan"
             for hit in findings(without_brief(prose(d), brief), rules(lang, register, "forms"))]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(("brief_lang", "register"), [(b, r) for b in LANGS for r in REGISTERS["en"]])
def test_english_drafts_spell_the_british_way(drafts, brief_lang, register):
    brief = brief_for(brief_lang, register).for_lang("en")
    patterns = [pattern for pattern, _house in style("en")["spelling"]]
    found = [f"{d.kind}: {hit}" for d in drafts[brief_lang, "en", register]
             for hit in findings(without_brief(f"{prose(d)}\n{statements(d)}", brief), patterns, 0)]
    assert found == [], "\n".join(found)


# Lists a template matches a reader's words against (in any spelling), not words it writes.
MATCHING = {"match", "keywords", "stopwords", "not_names", "telltale", "patterns", "query", "queries", "about",
            "brief"}


@pytest.mark.parametrize(("brief_lang", "lang", "register"), CASES)
def test_no_wording_of_any_variant_gives_the_writer_advice(drafts, brief_lang, lang, register):
    """test_staff_text checks the first wording of the story, survey and plan; this checks every wording the
    variants reach, and the FAQ and follow-up as well."""
    found = [f"{d.kind}: {hit} in {line.strip()!r}" for d in drafts[brief_lang, lang, register]
             for line in prose(d).splitlines() for hit in advice_in(line, lang)]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("lang", LANGS)
def test_an_faq_answer_with_an_empty_facts_list_states_no_outside_figure(lang):
    """`facts: []` (the training answer) means no figure, not any figure: a training-gap figure undercuts it."""
    assert load_template(lang, "faq")["items"]["training"]["facts"] == []
    brief = load_brief(EXAMPLES / f"brief-{lang}.yaml")
    faq = drafting.draft("faq", brief, lang=lang, retriever=FakeRetriever())
    training = next(item for item in faq.items if item.key == "training")
    assert training.citations == [] and not re.search(r"\d+\s?(%|procent)", training.answer), training.answer
    job = next(item for item in faq.items if item.key == "job")
    assert job.citations and re.search(r"\d+\s?(%|procent)", job.answer), "an item that lists facts states one"


def template_strings(node) -> list[str]:
    """Every text a template writes (not the vocabulary it matches against)."""
    if isinstance(node, dict):
        return [text for key, value in node.items() if key not in MATCHING for text in template_strings(value)]
    if isinstance(node, list):
        return [text for value in node for text in template_strings(value)]
    return [node] if isinstance(node, str) else []


def test_every_english_template_spells_the_british_way():
    """Also the words no example brief reaches (other tool kinds, the results report, notes for the sender)."""
    from toolkit.settings import TEMPLATES_DIR

    patterns = [pattern for pattern, _house in style("en")["spelling"]]
    found = [f"{path.name}: {hit}" for path in sorted((TEMPLATES_DIR / "en").glob("*.yaml"))
             if path.stem not in ("style", "tool_kinds")
             for text in template_strings(load_template("en", path.stem))
             for hit in findings(re.sub(r"\bContact Center\b", " ", text), patterns, 0)]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("lang", LANGS)
def test_the_style_rules_catch_what_they_are_for(lang):
    """Each rule list is live: a sentence the house style forbids is caught, a house sentence is not."""
    bad, good = {"en": ("We will utilise Aria in order to leverage synergies.", "We'll use Aria to answer faster."),
                 "nl": ("Middels deze brief informeren wij je inzake KlantAssist.", "We vertellen je meer over KlantAssist."),
                 "sv": ("Vi bjuder in till ett meeting i syfte att informera.", "Vi bjuder in till ett möte.")}[lang]
    for register in REGISTERS[lang]:
        assert findings(bad, rules(lang, register, "avoid"))
        assert not findings(good, rules(lang, register, "avoid"))


def test_the_english_forms_and_spelling_rules_catch_what_they_are_for():
    assert findings("There will be room for your questions.", rules("en", "plain", "avoid"))
    assert findings("We will tell you more. It is not settled.", rules("en", "plain", "forms"))
    assert not findings("We'll tell you more. This stays as it is.", rules("en", "plain", "forms"))
    assert findings("We'll tell you more.", rules("en", "formal", "forms"))
    assert findings("That's all.", rules("en", "formal", "forms"))
    assert not findings("We will tell you more in ten years' time. Calabrio's report says so.",
                        rules("en", "formal", "forms"))
    spelling = [pattern for pattern, _house in style("en")["spelling"]]
    assert len(findings("Our organization will prioritize the program. E-mail the center.", spelling, 0)) == 5
    assert not findings("Our organisation will prioritise the programme. Email the centre.", spelling, 0)
    assert not findings(without_brief("Calabrio's State of the Contact Center report", brief_for("en", "formal")),
                        spelling, 0)


@pytest.mark.parametrize(("lang", "me"), [("nl", "mij"), ("sv", "mig"), ("en", "me")])
def test_a_follow_up_from_the_contact_person_says_ask_me(lang, me):
    brief = load_brief(EXAMPLES / f"brief-{lang}.yaml")
    brief = brief.model_copy(update={"author": brief.contact_person.split(",")[0]})
    message = drafting.draft("followup", brief, lang=lang, retriever=NoGuidance(), summary=three_waves(lang))
    contact = next(s for s in message.sections if s.key == "contact")
    assert re.search(rf"\b{me}\b", contact.paragraphs[0], re.IGNORECASE) and brief.author not in contact.paragraphs[0]
    assert contact.paragraphs[-1] == brief.contact_person
