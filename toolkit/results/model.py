"""Data that crosses the borders of `toolkit.results`: answers, the import report and the summary.

`Summary.to_json_dict()` is the public JSON of `python -m toolkit results summary --json`; its field names are a
contract (see README). Percentages are 0-100, eNPS points -100..100. A figure for a group below the minimum size
never enters a `Summary`: suppression happens before these objects are built, not when they are shown.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Wave = Literal["before", "during", "after"]
WAVES: tuple[str, ...] = ("before", "during", "after")
Verdict = Literal["rose", "fell", "no clear change"]


# --- answers ------------------------------------------------------------------------------------------------

class Respondent(BaseModel):
    """One person's answers. Likert answers are 1-5 (5 = strongly agree, as asked, before any reversal),
    eNPS 0-10, open answers text. An item the person skipped is absent."""

    id: str  # the respondent id from the file, or the row number when the file has none
    group: str | None = None  # team, site or shift, when the file has a group column
    answers: dict[str, int | str] = Field(default_factory=dict)  # item key -> answer


class ColumnMapping(BaseModel):
    """How one column of the file was matched to a survey item (the user may confirm or correct it)."""

    column: str  # the header as it stands in the file
    item: str | None = None  # the survey item key, or None when the column is not used
    method: Literal["key", "text", "fuzzy", "user", "meta", "group", "none"] = "none"
    score: float = 0.0  # match confidence 0-100 (100 for key and text matches)


class ImportReport(BaseModel):
    """What happened to every row and column of a file: nothing is dropped without being counted here."""

    source: str = ""  # file name as given
    format: str = ""  # ours | forms | google | qualtrics | generic
    rows: int = 0  # data rows read
    blank_rows: int = 0
    duplicates: int = 0  # rows whose respondent id was seen before (the first is kept)
    out_of_range: dict[str, int] = Field(default_factory=dict)  # item key -> answers outside the scale
    unreadable: dict[str, int] = Field(default_factory=dict)  # item key -> answers that match no label or number
    unmapped_columns: list[str] = Field(default_factory=list)
    mapping: list[ColumnMapping] = Field(default_factory=list)
    excluded: dict[str, int] = Field(default_factory=dict)  # reason -> rows left out ("preview": Qualtrics tests)
    first_answer: str = ""  # ISO date of the earliest completion time in the file, when it has one
    last_answer: str = ""  # ISO date of the latest


class Responses(BaseModel):
    """All answers of one survey wave, keyed by the survey's item keys."""

    wave: Wave
    respondents: list[Respondent] = Field(default_factory=list)
    item_texts: dict[str, str] = Field(default_factory=dict)  # item key -> the wording respondents saw
    report: ImportReport = Field(default_factory=ImportReport)


# --- scores -------------------------------------------------------------------------------------------------

class Score(BaseModel):
    """Favourable / neutral / unfavourable shares of a Likert item or dimension, with a Wilson 95% interval
    for the favourable share. Reverse items are flipped before they are counted."""

    key: str
    label: str = ""
    n: int = 0
    favourable: float = 0.0
    neutral: float = 0.0
    unfavourable: float = 0.0
    mean: float = 0.0  # 1-5, after reversal
    low: float = 0.0  # Wilson 95% interval of `favourable`
    high: float = 0.0


class Enps(BaseModel):
    value: float = 0.0  # promoters % minus detractors %, -100..100
    low: float = 0.0  # 95% interval
    high: float = 0.0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    n: int = 0


class GroupInfo(BaseModel):
    """A group (team, site, shift) and whether its figures may be shown. A hidden group's `n` is None: even
    its size is not published."""

    name: str
    n: int | None = None
    shown: bool = False
    dimensions: list[Score] = Field(default_factory=list)  # only when shown
    enps: Enps | None = None  # only when shown


class Theme(BaseModel):
    """What several people wrote about, in their own words (masked), counted."""

    label: str
    count: int
    quotes: list[str] = Field(default_factory=list)  # 1-3 masked example quotes
    keywords: list[str] = Field(default_factory=list)
    faq_question: str = ""  # a suggested FAQ question when the theme matches a topic or an open worry


class Barrier(BaseModel):
    """The first ADKAR element (awareness, desire, knowledge, ability, reinforcement) below the target."""

    element: str | None = None  # None when every element meets the target
    dimension: str | None = None
    favourable: float | None = None
    target: float = 60.0
    strongest: str | None = None  # dimension keys
    weakest: str | None = None
    cards: dict[str, str] = Field(default_factory=dict)  # "barrier"/"strongest"/"weakest" -> guidance card id


class WaveSummary(BaseModel):
    wave: Wave
    responses: int = 0
    response_rate: float | None = None  # 0-100 against the brief's team size; None without a team size
    enps: Enps | None = None  # None when the wave is below the minimum
    dimensions: list[Score] = Field(default_factory=list)
    items: list[Score] = Field(default_factory=list)
    groups: list[GroupInfo] = Field(default_factory=list)
    themes: list[Theme] = Field(default_factory=list)
    barrier: Barrier | None = None
    report: ImportReport | None = None


class Change(BaseModel):
    """A change between two waves for one dimension (or `enps`), with the test that decided the verdict."""

    dimension: str
    from_: str = Field(alias="from", serialization_alias="from")  # wave
    to: str
    delta: float  # points
    verdict: Verdict
    method: str  # e.g. "two-proportion z-test on favourable %, 95%"
    p_value: float | None = None
    from_value: float | None = None  # the two figures compared: favourable % (items whose wording changed left
    to_value: float | None = None  # out, so they may differ from the dimension's shown score) or eNPS points
    card: str = ""  # the guidance card that helps with this dimension

    model_config = {"populate_by_name": True}


class Summary(BaseModel):
    """The whole read of one or more waves: what `results summary --json` prints."""

    lang: str = "en"
    min_group: int = 5
    min_comments: int = 10
    waves: list[WaveSummary] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # what was hidden and why, never what it was
    flagged_items: list[str] = Field(default_factory=list)  # item keys whose wording changed between waves

    def to_json_dict(self) -> dict:
        return self.model_dump(mode="json", by_alias=True, exclude={"waves": {"__all__": {"report"}}})
