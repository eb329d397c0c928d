"""The pulse survey: statements over named dimensions, one eNPS item and two open questions, per wave.

Items come from `templates/{lang}/survey.yaml`, one wording per wave (`before`: expectations, `during`:
experience, `after`: effect) where the wave matters, and one for all waves where it does not. Every Likert item
uses the same 5-point labelled agree scale in the survey language (`scale` in the template; `SCALES`). Keys
are stable (`purpose_1`, `enps`, `open_1`, ...) across waves and variants, so a regenerated or edited item keeps
its place.

The introduction for respondents states the time needed (estimated from the items: `SECONDS_PER_ITEM`), that
answers are anonymous (HR runs the survey), and when the results are shared: at the meeting the communication
plan schedules for that wave (`toolkit.drafting.plan.results_date`). Editing a survey is `toolkit.editing`.

Item `_1` of every dimension reads the same in every wave (and variant), so the waves can be compared on it;
`_2` is worded for the wave. With a commitment ledger (`toolkit.results.ledger`), a wave after the first asks one
more statement, `ledger_1` in the dimension `follow_through`: whether what was promised after the last wave has
been done; the introduction names those promises. Before the first wave, a sender's note says how large a
change this team size can reliably show.

The survey cites nothing: the guidance behind its introduction (item rules, waves, eNPS) becomes notes for the
sender (`notes` in the template), its cards stay in `Draft.citations` for the review edition. The results meeting
and the training it speaks of are the plan's touchpoints (`Draft.touchpoints`, with notes to confirm them).
"""

from __future__ import annotations

import math

from toolkit.brief import Brief
from toolkit.drafting import plan
from toolkit.drafting.compose import Blocks, Guidance, Retriever, SenderNotes, draft_shell, join_list
from toolkit.i18n import format_long_date
from toolkit.models import LANGS, Draft, Note, Section, SurveyQuestion
from toolkit.results.ledger import Commitment, Ledger, as_ledger
from toolkit.results.scoring import detectable_change
from toolkit.templates import load_template

WAVES: tuple[str, ...] = ("before", "during", "after")
QUESTION_TYPES: tuple[str, ...] = ("likert", "nps", "open")

# The scale labels and dimension names live in the per-language templates (`scale`, `dimensions`).
SCALES: dict[str, list[str]] = {lang: list(load_template(lang, "survey")["scale"]) for lang in LANGS}
NPS_OPTIONS: list[str] = [str(n) for n in range(11)]
# Stable dimension keys -> their names per language, in the order the survey asks them.
DIMENSIONS: dict[str, dict[str, str]] = {
    key: {lang: load_template(lang, "survey")["dimensions"][key] for lang in LANGS}
    for key in load_template(LANGS[0], "survey")["dimensions"]}
RATED_DIMENSIONS: tuple[str, ...] = ("purpose", "trust", "job_security", "workload", "readiness", "involvement",
                                     "usefulness")

# The default items: key, type, dimension. Two statements per rated dimension, eNPS, two open questions.
ITEMS: tuple[tuple[str, str, str], ...] = (
    *((f"{dim}_{n}", "likert", dim) for dim in RATED_DIMENSIONS for n in (1, 2)),
    ("enps", "nps", "enps"),
    ("open_1", "open", "open"),
    ("open_2", "open", "open"),
)
# The ledger statement: asked only when commitments made after the previous wave are due (see compose).
LEDGER_ITEM: tuple[str, str, str] = ("ledger_1", "likert", "follow_through")
# Items where agreeing is the unfavourable answer (a worry, stress): `reverse: true` in the template.
REVERSE_ITEMS: frozenset[str] = frozenset(
    key for key, node in load_template(LANGS[0], "survey")["items"].items() if node.get("reverse"))
SECONDS_PER_ITEM = {"likert": 20, "nps": 20, "open": 60}


def dimension_label(dimension: str, lang: str) -> str:
    """The name of a dimension in a language (the key itself for a dimension the user made up)."""
    return load_template(lang, "survey")["dimensions"].get(dimension, dimension)


def options_for(kind: str, lang: str) -> list[str]:
    """The answer options of a question type: the scale labels, 0..10, or none."""
    if kind == "likert":
        return list(load_template(lang, "survey")["scale"])
    if kind == "nps":
        return list(NPS_OPTIONS)
    return []


def estimate_minutes(questions: list[SurveyQuestion]) -> int:
    """Minutes a respondent needs, rounded up (about 20 s per rated item, a minute per open question)."""
    seconds = sum(SECONDS_PER_ITEM[q.type] for q in questions)
    return max(1, math.ceil(seconds / 60))


def compose(brief: Brief, lang: str, retriever: Retriever, variant: int = 0, wave: str = "before",
            ledger: Ledger | list[Commitment] | None = None, confirmed: bool = False) -> Draft:
    """The pulse survey for a brief and wave (`before`, `during`, `after`), in `lang`. With a `ledger`, the
    commitments made after the previous wave are asked about (`ledger_1`) and named in the introduction.

    `confirmed` says whether the user confirmed the plan whose dates it uses (else its notes ask to)."""
    if wave not in WAVES:
        raise ValueError(f"unknown wave {wave!r}; choose one of {', '.join(WAVES)}")
    register = brief.register(lang)
    slots = {"tool": brief.ai_tool, "org": brief.organisation, "contact": brief.contact_person}
    blocks = Blocks(lang, "survey", register, variant, wave, slots)
    promised = [c.text for c in as_ledger(ledger).due_in(wave)]
    questions = [_question(blocks, key, kind, dim) for key, kind, dim in _items(bool(promised))]
    long_date = format_long_date(brief.start_date, lang)
    minutes = blocks.say("minutes", n=str(estimate_minutes(questions)))
    results = format_long_date(plan.results_date(brief.start_date, wave), lang)
    ledger_line = blocks.say("intro.ledger", commitments=join_list(promised, lang)) if promised else ""
    notes = SenderNotes(lang, plan.schedule(brief.start_date), confirmed)
    notes.touchpoints.append(plan.SURVEY_TOUCHPOINT[wave])  # the wave itself: moving it in the plan moves this
    notes.mention("intro", plan.RESULTS_SHARED[wave])
    for question in questions:
        notes.mention(question.key, blocks.say(f"touchpoints.{question.key}"))
    intro = " ".join(p for p in (
        blocks.say("intro.opening"), ledger_line, blocks.say("intro.time", minutes=minutes),
        blocks.say("intro.anonymous"), blocks.say("intro.results", results=results), blocks.say("intro.contact"))
        if p)
    guidance = Guidance(retriever, lang)
    derived = [long_date, minutes, results, " / ".join(NPS_OPTIONS)]
    return draft_shell("survey", brief, lang, title=blocks.say("title"), variant=variant,
                       sections=[_about(blocks, guidance, notes, lang)], citations=list(guidance.book.citations),
                       questions=questions, survey_intro=intro, wave=wave, derived=list(dict.fromkeys(derived)),
                       notes=[*_in_reading_order(notes, questions), *_notes(brief, lang, wave)],
                       touchpoints=list(notes.touchpoints))


def _items(with_ledger: bool) -> tuple[tuple[str, str, str], ...]:
    """The items asked: the default ones, with the ledger statement after the rated ones when it is due."""
    if not with_ledger:
        return ITEMS
    rated = [item for item in ITEMS if item[1] == "likert"]
    return (*rated, LEDGER_ITEM, *ITEMS[len(rated):])


def detectable_change_note(team_size: int, lang: str) -> str:
    """How large a change between two waves this team can reliably show (`detectable_change` in
    templates/{lang}/results.yaml); `toolkit.results.summary.detectable_change_sentence` says the same."""
    points = detectable_change(team_size)
    return load_template(lang, "results")["detectable_change"].format(team=team_size, points=round(points))


def _notes(brief: Brief, lang: str, wave: str) -> list[Note]:
    """For the sender: before the first wave, what size of change the team can show (staff need not know)."""
    if wave != "before" or brief.team_size < 1:
        return []
    return [Note(section="intro", text=detectable_change_note(brief.team_size, lang))]  # computed, not a card



def _in_reading_order(notes: SenderNotes, questions: list[SurveyQuestion]):
    """The notes as a respondent meets their parts: introduction, about, then the items."""
    order = ["intro", "about", *(q.key for q in questions)]
    return sorted(notes.notes, key=lambda n: order.index(n.section) if n.section in order else len(order))


def _question(blocks: Blocks, key: str, kind: str, dimension: str) -> SurveyQuestion:
    path = f"items.{key}" if kind == "likert" else key
    text = blocks.say(path)
    if not text:
        raise ValueError(f"templates/{blocks.lang}/survey.yaml has no wording for {key} ({blocks.wave})")
    return SurveyQuestion(key=key, text=text, type=kind, options=options_for(kind, blocks.lang),
                          dimension=dimension, dimension_label=dimension_label(dimension, blocks.lang),
                          reverse=bool((blocks.block(path) or {}).get("reverse")))


def _about(blocks: Blocks, guidance: Guidance, notes: SenderNotes, lang: str) -> Section:
    """What the survey measures and how it is built, for respondents (no marks); the survey guidance it rests on
    becomes the sender's notes."""
    cited: list[str] = []
    paragraphs = []
    scale = SCALES[lang]
    for part, extra in (("design", {"low": scale[0], "high": scale[-1]}), ("waves", {}), ("enps", {})):
        _mark, card_id = guidance.mark(blocks.say(f"queries.{part}"), blocks.block(f"cards.{part}"))
        if card_id and card_id not in cited:
            cited.append(card_id)
            notes.add("about", blocks.say(f"notes.{part}"), card_id)
        paragraphs.append(blocks.say(f"about.{part}", **extra))
    paragraphs.append(blocks.say("about.themes"))  # leads into the bullet list of dimensions
    bullets = [dimension_label(d, lang) for d in RATED_DIMENSIONS]
    return Section(key="about", heading=blocks.say("about.heading"), paragraphs=paragraphs, bullets=bullets,
                   citations=cited)
