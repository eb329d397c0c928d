"""The follow-up message after a survey wave: "You said – here is what we will do", for staff.

The offline composer fills `templates/{lang}/followup.yaml` from a results `Summary` (toolkit.results.summary),
the commitments the sender makes, what cannot be done yet, and the commitment ledger. Sections, in this order:
thanks and the response rate; what goes well; what worries people; what we will do; what we cannot do yet;
what we said last time and whether we did it; when the next wave is; who to ask.

Honesty and confidentiality are built in, not checked afterwards:
- a change is stated only with the verdict of the summary's test ("from 40 to 65%" when it rose; "about the
  same" when the difference is within chance);
- only whole-team figures: a `Summary` holds no figure for a hidden group, and this message names no group at all;
- the themes of the open answers by label (with a count when at least the comment minimum wrote about it),
  never a quote;
- every figure stated is put in `Draft.derived`, so the grounding check can trace it to the results.
Guidance for the sender (why send soon, follow up one to one, what was hidden and why) goes in `Draft.notes`.
"""

from __future__ import annotations

from collections.abc import Sequence

from toolkit.brief import Brief
from toolkit.drafting import plan
from toolkit.drafting.compose import (
    Blocks,
    Retriever,
    bare,
    draft_shell,
    lc_first,
    sentence,
    signature,
    signs_as_contact,
)
from toolkit.drafting.survey import dimension_label
from toolkit.i18n import format_long_date, format_number
from toolkit.models import Chart, Draft, Note, Section
from toolkit.results.ledger import Commitment, Ledger, as_ledger, next_wave
from toolkit.results.model import Change, Score, Summary, WaveSummary
from toolkit.templates import load_template

ORDER: tuple[str, ...] = ("thanks", "going_well", "worries", "themes", "will_do", "cannot_do", "last_time",
                          "next_wave", "contact")
POSITIVE = 50.0  # a dimension "goes well" when at least half of the answers are favourable
GOING_WELL, WORRIES, THEMES = 2, 2, 4  # how many of each the message names: few, so each one counts
SUGGESTIONS = 5


def compose(brief: Brief, lang: str, retriever: Retriever | None = None, variant: int = 0, *, summary: Summary,
            commitments: Sequence[str] = (), cannot_do: Sequence[str] = (),
            ledger: Ledger | Sequence[Commitment] | None = None) -> Draft:
    """The follow-up for the latest wave of `summary`, in `lang` and the brief's register (no checks).

    `commitments` are what the sender will do; `cannot_do` what cannot be done yet, each with its reason;
    `ledger` the commitments made after earlier waves (those due in this wave are reported). `retriever` is
    unused: the message states results, not guidance."""
    if not summary.waves:
        raise ValueError("the summary has no wave to follow up")
    if summary.lang != lang:
        raise ValueError(f"the summary is in {summary.lang}; draft the follow-up in that language")
    return _Followup(brief, lang, variant, summary).draft(list(commitments), list(cannot_do), as_ledger(ledger))


def suggest_commitments(summary: Summary, lang: str) -> list[str]:
    """Commitments to pick from, tied to the latest wave's weakest dimensions (weakest first)."""
    wave = _latest(summary)
    offered = load_template(lang, "followup")["suggestions"]
    out: list[str] = []
    for score in sorted(wave.dimensions, key=lambda s: s.favourable):
        out.extend(s for s in offered.get(score.key, []) if s not in out)
    return out[:SUGGESTIONS]


def _latest(summary: Summary) -> WaveSummary:
    return summary.waves[-1]


class _Followup(Blocks):
    """The blocks of one follow-up, with every figure it states recorded for the grounding check."""

    def __init__(self, brief: Brief, lang: str, variant: int, summary: Summary):
        self.summary, self.current = summary, _latest(summary)
        slots = {"tool": brief.ai_tool, "org": brief.organisation, "contact": brief.contact_person,
                 "author": brief.author}
        super().__init__(lang, "followup", brief.register(lang), variant, self.current.wave, slots)
        self.brief = brief
        self.derived: list[str] = []
        self.notes: list[Note] = []

    # --- figures ------------------------------------------------------------------------------------------------

    def figure(self, value: float) -> str:
        """A whole number as the locale writes it, remembered as a figure the message states."""
        text = format_number(round(value), self.lang)
        self.derived.append(text)
        return text

    def pct(self, value: float) -> str:
        text = self.say("percent", value=self.figure(value))
        self.derived.append(text)
        return text

    def label(self, key: str) -> str:
        return dimension_label(key, self.lang) if dimension_label(key, self.lang) != key else key

    def change(self, key: str) -> Change | None:
        """The change of a dimension into this wave, if the summary tested one."""
        return next((c for c in self.summary.changes if c.dimension == key and c.to == self.current.wave), None)

    # --- the draft ----------------------------------------------------------------------------------------------

    def draft(self, commitments: list[str], cannot_do: list[str], ledger: Ledger) -> Draft:
        scored = bool(self.current.dimensions)
        built = {"thanks": self.thanks(scored),
                 "going_well": self.going_well() if scored else None,
                 "worries": self.worries() if scored else None,
                 "themes": self.themes() if scored else None,
                 "will_do": self.will_do(commitments),
                 "cannot_do": self.cannot_do(cannot_do),
                 "last_time": self.last_time(ledger.due_in(self.current.wave)),
                 "next_wave": self.next_wave(),
                 "contact": self.contact()}
        sections = [built[key] for key in ORDER if built[key] is not None]
        # The sender's own words may hold figures ("from 1 June"): like the brief's, they are grounded.
        self.derived.extend([*commitments, *cannot_do, *(c.text for c in ledger.due_in(self.current.wave))])
        self.sender_notes(bool(commitments))
        return draft_shell("followup", self.brief, self.lang, title=self.say("title"), variant=self.variant,
                           sections=sections, wave=self.current.wave, notes=self.notes, chart=self.chart(sections),
                           derived=list(dict.fromkeys(self.derived)))

    def thanks(self, scored: bool) -> Section:
        wave = self.say(f"wave.{self.current.wave}")
        opening = self.say("thanks.responses", responses=self.figure(self.current.responses), wave=wave)
        if self.current.response_rate is not None:
            opening += " " + self.say("thanks.rate", rate=self.pct(self.current.response_rate))
        close = self.say("thanks.close") if scored else self.say("thanks.too_few",
                                                                  min=self.figure(self.summary.min_group))
        return Section(key="thanks", heading=self.say("thanks.heading"), paragraphs=[opening, close])

    def going_well(self) -> Section:
        strong = [s for s in sorted(self.current.dimensions, key=lambda s: -s.favourable)
                  if s.favourable >= POSITIVE and self._verdict(s.key) != "fell"][:GOING_WELL]
        if not strong:
            return Section(key="going_well", heading=self.say("going_well.heading"),
                           paragraphs=[self.say("going_well.none")])
        return Section(key="going_well", heading=self.say("going_well.heading"),
                       paragraphs=[self.say("going_well.lead")],
                       bullets=[self._dimension_line("going_well", s) for s in strong])

    def worries(self) -> Section | None:
        good = {s.key for s in self.current.dimensions if s.favourable >= POSITIVE and self._verdict(s.key) != "fell"}
        weak = [s for s in sorted(self.current.dimensions, key=lambda s: s.favourable) if s.key not in good]
        chosen = weak[:WORRIES] + [s for s in weak[WORRIES:] if self._verdict(s.key) == "fell"]
        if not chosen:
            return None
        return Section(key="worries", heading=self.say("worries.heading"), paragraphs=[self.say("worries.lead")],
                       bullets=[self._dimension_line("worries", s) for s in chosen])

    def themes(self) -> Section:
        """The themes of the open answers: labels only, with a count where enough people wrote about it."""
        # Only the themes of the topic lexicon: the label of any other theme is a word someone wrote, which may
        # read oddly on its own or point at who wrote it (the results report shows those).
        curated = {str(t.get("label", "")) for t in load_template(self.lang, "results")["themes"]["topics"].values()}
        themes = [t for t in self.current.themes if t.label in curated][:THEMES]
        if not themes:
            return Section(key="themes", heading=self.say("themes.heading"), paragraphs=[self.say("themes.no_themes")])
        bullets = [self.say("themes.theme_count", label=bare(t.label), count=self.figure(t.count))
                   if t.count >= self.summary.min_comments else self.say("themes.theme", label=bare(t.label))
                   for t in themes]
        return Section(key="themes", heading=self.say("themes.heading"), paragraphs=[self.say("themes.lead")],
                       bullets=bullets)

    def _dimension_line(self, part: str, score: Score) -> str:
        """One bullet on a dimension: its change when the summary tested one, else its share now."""
        label, change = self.label(score.key), self.change(score.key)
        if change is not None and change.from_value is not None and change.to_value is not None:
            if change.verdict == "rose" and part == "going_well":
                return self.say("going_well.rose", label=label, **self._pair(change))
            if change.verdict == "fell" and part == "worries":
                return self.say("worries.fell", label=label, **self._pair(change))
            if change.verdict == "no clear change":
                return self.say("going_well.same", label=label, value=self.pct(score.favourable))
        return self.say(f"{part}.item", label=label, value=self.pct(score.favourable))

    def _pair(self, change: Change) -> dict[str, str]:
        """The two figures of a change: {first} bare ("van 40 naar 65 procent"), {first_pct} with its unit."""
        return {"first": self.figure(change.from_value), "first_pct": self.pct(change.from_value),
                "second": self.pct(change.to_value)}

    def _verdict(self, key: str) -> str | None:
        change = self.change(key)
        return change.verdict if change is not None else None

    def will_do(self, commitments: list[str]) -> Section:
        steps = [sentence(c) for c in commitments if bare(c)]
        if not steps:
            return Section(key="will_do", heading=self.say("will_do.heading"), paragraphs=[self.say("will_do.none")])
        return Section(key="will_do", heading=self.say("will_do.heading"), paragraphs=[self.say("will_do.lead")],
                       bullets=steps)

    def cannot_do(self, items: list[str]) -> Section | None:
        items = [sentence(i) for i in items if bare(i)]
        if not items:
            return None
        return Section(key="cannot_do", heading=self.say("cannot_do.heading"),
                       paragraphs=[self.say("cannot_do.lead")], bullets=items)

    def last_time(self, entries: list[Commitment]) -> Section | None:
        if not entries:
            return None
        state = {True: "done", False: "not_done", None: "open"}
        bullets = [self.say(f"last_time.{state[c.done]}", text=self._mid_sentence(c.text))
                   for c in entries if bare(c.text)]
        return Section(key="last_time", heading=self.say("last_time.heading"),
                       paragraphs=[self.say("last_time.lead")], bullets=bullets)

    def _mid_sentence(self, text: str) -> str:
        """A commitment after "Done:": lower-cased unless it starts with a name ("A buddy" too: lc_first keeps
        one-letter words, which may be an acronym)."""
        text = lc_first(bare(text), (self.brief.ai_tool, self.brief.organisation))
        return ("a" + text[1:] if text.startswith("A ") else text) + "."

    def next_wave(self) -> Section:
        following = next_wave(self.current.wave)
        date = ""
        if following:
            date = format_long_date(plan.survey_date(self.brief.start_date, following), self.lang)
            self.derived.append(date)
        return Section(key="next_wave", heading=self.say("next_wave.heading"),
                       paragraphs=[self.say("next_wave.date", date=date)])

    def contact(self) -> Section:
        paragraphs = [self.say("contact.ask_me" if signs_as_contact(self.brief) else "contact.ask")]
        if self.brief.author:
            paragraphs += [self.say("contact.regards"), signature(self.brief)]
        return Section(key="contact", heading=self.say("contact.heading"), paragraphs=paragraphs)

    # --- for the sender -----------------------------------------------------------------------------------------

    def sender_notes(self, has_commitments: bool) -> None:
        """Why the message is built this way, what to do beside it, and what the results hid (never in the text)."""
        note = self.notes.append
        note(Note(section="thanks", text=self.say("notes.soon"), source="loman-follow-up"))
        note(Note(section="will_do", text=self.say("notes.individually"), source="loman-individual-and-group-meetings"))
        note(Note(section="will_do", text=self.say("notes.commitments" if has_commitments else "notes.no_commitments"),
                  source="brief"))
        note(Note(section="themes", text=self.say("notes.quotes"), source="results"))
        method = next((c.method for c in self.summary.changes if c.to == self.current.wave), "")
        if method:
            note(Note(section="going_well", text=self.say("notes.changes", method=method), source="results"))
        for text in self.summary.notes:  # what was hidden and why: the summary never says what it was
            note(Note(section="thanks", text=text, source="results"))

    def chart(self, sections: list[Section]) -> Chart | None:
        """The one simple chart: the latest wave's answers per dimension (whole team only)."""
        if not self.current.dimensions:
            return None
        from toolkit.results import charts

        spec = charts.dimension_chart(self.summary, self.lang, self.current.wave)
        if spec is None:
            return None
        return Chart(spec=spec.to_dict(), alt=charts.alt_text("dimensions", self.summary, self.lang, self.current.wave),
                     after="worries" if any(s.key == "worries" for s in sections) else "going_well")
