"""The pulse survey: statements over named dimensions, one eNPS item and two open questions, per wave.

Items come from `templates/{lang}/survey.yaml`, one wording per wave (`before`: expectations, `during`:
experience, `after`: effect) where the wave matters, and one for all waves where it does not. Every Likert item
uses the same 5-point labelled agree scale in the survey language (`SCALES`). Keys are stable (`purpose_1`,
`enps`, `open_1`, ...) across waves and variants, so a regenerated or edited item keeps its place.

The introduction for respondents states the time needed (estimated from the items: `SECONDS_PER_ITEM`), that
answers are anonymous (HR runs the survey), and when the results are shared: at the meeting the communication
plan schedules for that wave (`toolkit.drafting.plan.results_date`).
"""

from __future__ import annotations

import math

from toolkit.brief import Brief
from toolkit.drafting import plan
from toolkit.drafting.blocks import Blocks, Guidance
from toolkit.drafting.common import Retriever, with_mark
from toolkit.i18n import format_long_date
from toolkit.models import Draft, Section, SurveyQuestion
from toolkit.text import one_line

WAVES: tuple[str, ...] = ("before", "during", "after")
QUESTION_TYPES: tuple[str, ...] = ("likert", "nps", "open")

# One balanced, fully labelled agree scale per language, with a neutral midpoint; the same for every item.
SCALES: dict[str, list[str]] = {
    "en": ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"],
    "nl": ["Helemaal mee oneens", "Mee oneens", "Neutraal", "Mee eens", "Helemaal mee eens"],
    "sv": ["Tar helt avstånd", "Tar delvis avstånd", "Varken eller", "Instämmer delvis", "Instämmer helt"],
}
NPS_OPTIONS: list[str] = [str(n) for n in range(11)]

# Stable dimension keys with their names per language, in the order the survey asks them.
DIMENSIONS: dict[str, dict[str, str]] = {
    "purpose": {"en": "Understanding of the purpose", "nl": "Begrip van het doel", "sv": "Förståelse för syftet"},
    "trust": {"en": "Trust", "nl": "Vertrouwen", "sv": "Förtroende"},
    "job_security": {"en": "Worry and job security", "nl": "Zorgen en baanzekerheid",
                     "sv": "Oro och anställningstrygghet"},
    "workload": {"en": "Workload and stress", "nl": "Werkdruk en stress", "sv": "Arbetsbelastning och stress"},
    "readiness": {"en": "Readiness and training", "nl": "Voorbereiding en training",
                  "sv": "Förberedelse och utbildning"},
    "involvement": {"en": "Involvement", "nl": "Betrokkenheid", "sv": "Delaktighet"},
    "usefulness": {"en": "Usefulness of the tool", "nl": "Nut van het hulpmiddel", "sv": "Verktygets nytta"},
    "enps": {"en": "Recommendation (eNPS)", "nl": "Aanbeveling (eNPS)", "sv": "Rekommendation (eNPS)"},
    "open": {"en": "Open questions", "nl": "Open vragen", "sv": "Öppna frågor"},
}
RATED_DIMENSIONS: tuple[str, ...] = ("purpose", "trust", "job_security", "workload", "readiness", "involvement",
                                     "usefulness")

# The default items: key, type, dimension. Two statements per rated dimension, eNPS, two open questions.
ITEMS: tuple[tuple[str, str, str], ...] = (
    *((f"{dim}_{n}", "likert", dim) for dim in RATED_DIMENSIONS for n in (1, 2)),
    ("enps", "nps", "enps"),
    ("open_1", "open", "open"),
    ("open_2", "open", "open"),
)
# Items where agreeing is the unfavourable answer (a worry, stress): scoring reads them reversed.
REVERSE_ITEMS: frozenset[str] = frozenset({"job_security_2", "workload_2"})
SECONDS_PER_ITEM = {"likert": 20, "nps": 20, "open": 60}
CARDS = {"design": ("survey-design-rules",), "waves": ("pulse-survey-waves",), "enps": ("enps",)}


def dimension_label(dimension: str, lang: str) -> str:
    """The name of a dimension in a language (the key itself for a dimension the user made up)."""
    return DIMENSIONS.get(dimension, {}).get(lang, dimension)


def options_for(kind: str, lang: str) -> list[str]:
    """The answer options of a question type: the scale labels, 0..10, or none."""
    if kind == "likert":
        return list(SCALES[lang])
    if kind == "nps":
        return list(NPS_OPTIONS)
    return []


def estimate_minutes(questions: list[SurveyQuestion]) -> int:
    """Minutes a respondent needs, rounded up (about 20 s per rated item, a minute per open question)."""
    seconds = sum(SECONDS_PER_ITEM[q.type] for q in questions)
    return max(1, math.ceil(seconds / 60))


def compose(brief: Brief, lang: str, retriever: Retriever, variant: int = 0, wave: str = "before") -> Draft:
    """The pulse survey for a brief and wave (`before`, `during`, `after`), in `lang`."""
    if wave not in WAVES:
        raise ValueError(f"unknown wave {wave!r}; choose one of {', '.join(WAVES)}")
    register = brief.register(lang)
    slots = {"tool": brief.ai_tool, "org": brief.organisation, "contact": brief.contact_person}
    blocks = Blocks(lang, "survey", register, variant, wave, slots)
    questions = [_question(blocks, key, kind, dim) for key, kind, dim in ITEMS]
    long_date = format_long_date(brief.start_date, lang)
    minutes = blocks.say("minutes", n=str(estimate_minutes(questions)))
    results = format_long_date(plan.results_date(brief.start_date, wave), lang)
    intro = " ".join(p for p in (
        blocks.say("intro.opening"), blocks.say("intro.time", minutes=minutes), blocks.say("intro.anonymous"),
        blocks.say("intro.results", results=results), blocks.say("intro.contact")) if p)
    guidance = Guidance(retriever, lang)
    derived = [long_date, minutes, results, " / ".join(NPS_OPTIONS)]
    return Draft(kind="survey", lang=lang, title=blocks.say("title"), variant=variant,
                 subtitle=" · ".join((brief.organisation, brief.ai_tool, long_date)),
                 sections=[_about(blocks, guidance, lang)], citations=list(guidance.book.citations),
                 questions=questions, survey_intro=intro, wave=wave, derived=list(dict.fromkeys(derived)),
                 register=register, organisation=brief.organisation, ai_tool=brief.ai_tool,
                 date=brief.start_date.isoformat())


def _question(blocks: Blocks, key: str, kind: str, dimension: str) -> SurveyQuestion:
    path = f"items.{key}" if kind == "likert" else key
    text = blocks.say(path)
    if not text:
        raise ValueError(f"templates/{blocks.lang}/survey.yaml has no wording for {key} ({blocks.wave})")
    return SurveyQuestion(key=key, text=text, type=kind, options=options_for(kind, blocks.lang),
                          dimension=dimension, dimension_label=dimension_label(dimension, blocks.lang),
                          reverse=key in REVERSE_ITEMS)


def _about(blocks: Blocks, guidance: Guidance, lang: str) -> Section:
    """What the survey measures and how it is built, for respondents; cites the survey guidance."""
    cited: list[str] = []
    paragraphs = []
    scale = SCALES[lang]
    for part, extra in (("design", {"low": scale[0], "high": scale[-1]}), ("waves", {}), ("enps", {})):
        mark, card_id = guidance.mark(blocks.say(f"queries.{part}"), *CARDS[part])
        if card_id and card_id not in cited:
            cited.append(card_id)
        paragraphs.append(with_mark(blocks.say(f"about.{part}", **extra), mark))
    paragraphs.append(blocks.say("about.themes"))  # leads into the bullet list of dimensions
    bullets = [dimension_label(d, lang) for d in RATED_DIMENSIONS]
    return Section(key="about", heading=blocks.say("about.heading"), paragraphs=paragraphs, bullets=bullets,
                   citations=cited)


# --- editing (used by the UI) -------------------------------------------------------------------------------

def add_item(draft: Draft, text: str, type: str, dimension: str) -> Draft:  # noqa: A002 - the UI's word
    """A copy of the survey with a new item after the last item of its dimension (open questions last).

    The new item gets the key `custom_<n>`, the options of its type and `custom=True`."""
    if type not in QUESTION_TYPES:
        raise ValueError(f"unknown question type {type!r}; choose one of {', '.join(QUESTION_TYPES)}")
    text = one_line(text)
    if not text:
        raise ValueError("an item needs text")
    result = draft.model_copy(deep=True)
    taken = {q.key for q in result.questions}
    n = 1
    while f"custom_{n}" in taken:
        n += 1
    question = SurveyQuestion(key=f"custom_{n}", text=text, type=type, options=options_for(type, draft.lang),
                              dimension=dimension, dimension_label=dimension_label(dimension, draft.lang),
                              custom=True)
    result.questions.insert(_insert_at(result.questions, dimension), question)
    return _retime(draft, result)


def _insert_at(questions: list[SurveyQuestion], dimension: str) -> int:
    same = [i for i, q in enumerate(questions) if q.dimension == dimension]
    if same:
        return same[-1] + 1
    firsts = [i for i, q in enumerate(questions) if q.dimension in ("enps", "open")]
    return firsts[0] if firsts and dimension != "open" else len(questions)


def remove_item(draft: Draft, key: str) -> Draft:
    """A copy of the survey without the item `key` (KeyError if there is none); other keys stay as they are."""
    if all(q.key != key for q in draft.questions):
        raise KeyError(key)
    result = draft.model_copy(deep=True)
    result.questions = [q for q in result.questions if q.key != key]
    return _retime(draft, result)


def edit_item(draft: Draft, key: str, text: str) -> Draft:
    """A copy of the survey with new text for item `key` (KeyError if there is none), marked as edited."""
    text = one_line(text)
    if not text:
        raise ValueError("an item needs text")
    result = draft.model_copy(deep=True)
    for question in result.questions:
        if question.key == key:
            question.text = text
            question.edited = True
            return result
    raise KeyError(key)


def _retime(before: Draft, after: Draft) -> Draft:
    """Keep the introduction's time estimate true after items were added or removed."""
    old, new = estimate_minutes(before.questions), estimate_minutes(after.questions)
    if old == new:
        return after
    blocks = Blocks(after.lang, "survey", after.register)
    old_label, new_label = blocks.say("minutes", n=str(old)), blocks.say("minutes", n=str(new))
    if old_label in after.survey_intro:
        after.survey_intro = after.survey_intro.replace(old_label, new_label)
        after.derived = [new_label if d == old_label else d for d in after.derived]
        if new_label not in after.derived:
            after.derived.append(new_label)
    return after
