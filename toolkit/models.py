"""Data that crosses module borders: search hits, citations, drafts and findings.

Every draft, whichever engine wrote it, is a `Draft`. Citation marks in the text are `[n]`, where `n` is the
1-based position of the source in `Draft.citations`.
"""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Lang = Literal["en", "nl", "sv"]
LANGS: tuple[str, ...] = ("en", "nl", "sv")  # every language the toolkit drafts in, in this order
DraftKind = Literal["story", "faq", "survey", "plan", "followup"]
DRAFT_KINDS: tuple[str, ...] = ("story", "faq", "survey", "plan", "followup")


class Hit(BaseModel):
    """One retrieved passage: a knowledge card (or part of one) or a chunk of a user document."""

    id: str  # chunk id, unique in the index
    card_id: str  # the card's id (same across languages) or the user document's source id
    text: str
    title: str
    source: str  # publisher / author
    year: int | None = None
    lang: Lang
    kind: str = "guidance"  # guidance | fact | framework | example | upload
    topics: list[str] = Field(default_factory=list)
    claim: str = ""  # for fact cards: one reader-ready sentence stating the figure with its source
    origin: Literal["knowledge", "upload"] = "knowledge"
    score: float = 0.0
    flagged: bool = False  # an uploaded passage that reads like instructions to a model, confirmed by the user


class Citation(BaseModel):
    """A source a draft relies on. `text` is the passage used, so checks can trace every figure."""

    id: str
    title: str
    source: str
    year: int | None = None
    lang: Lang = "en"
    kind: str = "guidance"
    text: str = ""


class Section(BaseModel):
    key: str  # stable key, e.g. "why", "stops_doing"; used to regenerate one section
    heading: str
    paragraphs: list[str] = Field(default_factory=list)
    bullets: list[str] = Field(default_factory=list)  # an unordered list after the paragraphs
    numbered: list[str] = Field(default_factory=list)  # an ordered list after the bullets
    citations: list[str] = Field(default_factory=list)  # citation ids used in this section
    edited: bool = False  # set by the UI when the user changed the text


class FaqItem(BaseModel):
    key: str
    question: str
    answer: str
    citations: list[str] = Field(default_factory=list)
    custom: bool = False  # added by the user
    edited: bool = False
    notice: str = ""  # e.g. why the offline composer answered instead of the language model


class SurveyQuestion(BaseModel):
    key: str
    text: str
    type: Literal["likert", "nps", "open"]
    options: list[str] = Field(default_factory=list)  # likert: 5 labels; nps: "0".."10"; open: []
    dimension: str  # stable dimension key, e.g. "purpose", "trust"
    dimension_label: str = ""  # the dimension's name in the survey's language
    reverse: bool = False  # likert: agreeing is unfavourable ("I worry about my job"); scoring flips it
    custom: bool = False
    edited: bool = False


class TimelineEntry(BaseModel):
    date: str  # ISO date
    date_label: str  # formatted for the locale
    touchpoint: str
    sender: str
    audience: str
    channel: str
    key: str = ""


class WorkshopBlock(BaseModel):
    start: str  # "09:00"
    minutes: int
    title: str
    description: str
    exercise: bool = False


class Note(BaseModel):
    """A note for the sender, never for staff: why a part of the draft is there, what to watch for, and the
    guidance card it comes from. Shown beside the section in the app and as a Word comment in the review
    edition; the ready-to-send edition leaves it out."""

    section: str  # the section, FAQ item or survey item key the note explains
    text: str
    source: str = ""  # card id (or "plan", "brief") the note rests on


class Chart(BaseModel):
    """A chart a draft shows (the follow-up's one simple chart): a Vega-Lite specification, drawn in the app and
    rendered to PNG for Word, with the alt text that states its figures."""

    spec: dict = Field(default_factory=dict)
    alt: str = ""
    after: str = ""  # the key of the section it follows


class Promise(BaseModel):
    """A commitment a draft makes to staff, and where it is grounded (the promise check fills these)."""

    text: str  # the sentence (or its part) that promises something
    grounded_in: str = ""  # e.g. "brief:commitments[0]", "plan:individual"; "" when nothing holds it
    ok: bool = False


class Finding(BaseModel):
    """One result of a check: what, where, how to fix. Findings are shown, never silently applied."""

    check: str  # language | register | readability | grounding | survey
    severity: Literal["info", "warning", "error"]
    message: str
    where: str = ""  # section key, question key or a short quote
    fix: str = ""
    score: float | None = None  # e.g. the readability score
    needs_confirmation: bool = False  # e.g. a figure only the user's own document states: the user must confirm it


# `register` (the form of address) shadows ABCMeta.register, which no one calls on a model: silence that warning.
warnings.filterwarnings("ignore", message='Field name "register" in "Draft" shadows', category=UserWarning)


class Draft(BaseModel):
    kind: DraftKind
    lang: Lang
    title: str
    subtitle: str = ""  # organisation, tool and date, formatted for the locale
    engine: str = "composer"  # "composer" or "provider:model"
    variant: int = 0
    notices: list[str] = Field(default_factory=list)  # e.g. a fallback to the composer and why
    sections: list[Section] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    checks: list[Finding] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)  # for the sender only (see Note)
    # Keys of the plan's touchpoints the text speaks of ("individual", "group", "survey_before", ...), so a draft
    # can be marked stale when the plan changes them.
    touchpoints: list[str] = Field(default_factory=list)
    promises: list[Promise] = Field(default_factory=list)  # filled by the promise check
    items: list[FaqItem] = Field(default_factory=list)  # faq
    questions: list[SurveyQuestion] = Field(default_factory=list)  # survey
    survey_intro: str = ""  # survey: text for respondents (anonymity, time, when results are shared)
    wave: Literal["before", "during", "after"] | None = None  # survey
    timeline: list[TimelineEntry] = Field(default_factory=list)  # plan
    workshop: list[WorkshopBlock] = Field(default_factory=list)  # plan
    derived: list[str] = Field(default_factory=list)  # literal values computed from the brief (dates, times)
    # or, in a follow-up, from the survey results (every figure it states)
    chart: Chart | None = None  # followup: at most one simple chart
    register: str = ""  # je | u | du | ni | plain | formal
    organisation: str = ""
    ai_tool: str = ""
    date: str = ""  # ISO start date of the rollout
    created: datetime = Field(default_factory=datetime.now)

    @property
    def text(self) -> str:
        """The whole draft as plain text, as a reader sees it."""
        return draft_text(self)

    def citation_number(self, citation_id: str) -> int | None:
        for n, citation in enumerate(self.citations, start=1):
            if citation.id == citation_id:
                return n
        return None

    def to_json_dict(self) -> dict:
        data = self.model_dump(mode="json")
        data["text"] = self.text
        return data


def draft_text(draft: Draft) -> str:
    """Plain-text rendering of a draft: what `--json` calls `text`, what checks read, what a reader sees."""
    parts: list[str] = [draft.title]
    if draft.subtitle:
        parts.append(draft.subtitle)
    if draft.survey_intro:
        parts.append(draft.survey_intro)
    for section in draft.sections:
        parts.append(section.heading)
        parts.extend(section.paragraphs)
        parts.extend(f"- {b}" for b in section.bullets)
        parts.extend(f"{n}. {item}" for n, item in enumerate(section.numbered, start=1))
    for item in draft.items:
        parts.append(item.question)
        parts.append(item.answer)
    scale: list[str] = []
    for n, question in enumerate(draft.questions, start=1):
        if question.options and question.options != scale:  # a scale once, before the items that share it
            parts.append("(" + " / ".join(question.options) + ")")
        scale = question.options
        parts.append(f"{n}. {question.text}")
    for entry in draft.timeline:
        parts.append(f"{entry.date_label}: {entry.touchpoint} ({entry.sender}, {entry.audience}, {entry.channel})")
    for block in draft.workshop:
        parts.append(f"{block.start} ({block.minutes} min) {block.title}: {block.description}")
    return "\n\n".join(p for p in parts if p)
