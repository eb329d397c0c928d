"""The whole read of one or more survey waves: `summarise(waves, survey, ...) -> Summary`.

The order matters for confidentiality: every spelling of a group gets one name first (`groups.unify_groups`),
then `privacy.plan_wave` decides what each wave may show, and only then are
scores computed, from the answers it lets through. A figure that may not be shown never enters a `Summary`, so
nothing downstream (tables, charts, the report, the follow-up draft) can show it by mistake. The notes say what
was hidden and why, in the summary's language, never how many people it concerned.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from toolkit.drafting.survey import detectable_change_note, dimension_label
from toolkit.models import Draft, SurveyQuestion
from toolkit.results import privacy, scoring
from toolkit.results.barrier import barrier_point, card_for
from toolkit.results.groups import unify_groups
from toolkit.results.model import WAVES, Change, GroupInfo, Responses, Score, Summary, Theme, WaveSummary
from toolkit.results.privacy import WavePlan
from toolkit.results.scoring import Answers
from toolkit.templates import load_template

ThemeFinder = Callable[..., list[Theme]]  # find_themes(comments, lang, *, names=(), limit=6)


def summarise(waves: Mapping[str, Responses], survey: Draft, *, lang: str = "en", team_size: int | None = None,
              min_group: int = privacy.MIN_GROUP, min_comments: int = privacy.MIN_COMMENTS,
              themes: ThemeFinder | None = None, names: Sequence[str] = ()) -> Summary:
    """Score every wave (keyed `before` / `during` / `after`) of a survey, under the confidentiality rules.

    `themes` groups open answers (default: `toolkit.results.themes.find_themes` when that module exists); it
    only sees a wave's comments when at least `min_comments` people wrote one. `names` are the names the project
    knows (contact person, author, names in the brief), for masking. Raises ValueError for an unknown wave or a
    minimum outside its range."""
    privacy.check_min_group(min_group)
    privacy.check_min_comments(min_comments)
    unknown = [w for w in waves if w not in WAVES]
    if unknown:
        raise ValueError(f"unknown wave {unknown[0]!r}; choose from {', '.join(WAVES)}")
    waves = unify_groups(waves)  # "Team A" and "team a " are one group, in every wave, before anything is counted
    read = _Reader(survey.questions, lang, min_group, min_comments, team_size,
                   themes if themes is not None else _default_theme_finder(), list(names))
    order = [w for w in WAVES if w in waves]
    plans = _consistent_plans(read, {w: waves[w] for w in order})
    summary = Summary(lang=lang, min_group=min_group, min_comments=min_comments,
                      waves=[read.wave(w, waves[w], plans[w]) for w in order])
    for wave in order:
        summary.notes.extend(read.notes(wave, waves[wave], plans[wave]))
    scored = [w for w in order if plans[w].scored]
    for first, second in zip(scored, scored[1:], strict=False):
        read.compare(summary, (first, waves[first], plans[first]), (second, waves[second], plans[second]))
    return summary


def _consistent_plans(read: _Reader, waves: dict[str, Responses]) -> dict[str, WavePlan]:
    """Each wave's plan, with every group (and every group's score) hidden in one wave hidden in all of them;
    hiding one may hide another, so plan again until nothing changes."""
    hidden: frozenset[str] = frozenset()
    hidden_for: dict[str, frozenset[str]] = {}
    plans = {w: read.plan(r) for w, r in waves.items()}
    while True:
        more = privacy.hidden_in_any(plans.values()) | hidden
        more_for = privacy.measures_hidden_in_any(plans.values())
        more_for = {k: more_for.get(k, frozenset()) | hidden_for.get(k, frozenset()) for k in {*more_for, *hidden_for}}
        if more == hidden and more_for == hidden_for:
            return plans
        hidden, hidden_for = more, more_for
        plans = {w: read.plan(r, hidden, hidden_for) for w, r in waves.items()}


def wording(lang: str) -> dict:
    """The words of `templates/{lang}/results.yaml`: wave names, notes, methods, verdicts, plain-text labels."""
    return load_template(lang, "results")


def detectable_change_sentence(team_size: int, lang: str) -> str:
    """The sentence a survey draft states before the first wave: how large a change this team can show."""
    return detectable_change_note(team_size, lang)  # the survey's sender's note states the same


def detectable_note(summary: Summary, lang: str) -> str:
    """How large a change the waves compared can show ("With about 60 people answering each wave, only a
    difference of about 25 percentage points or more shows reliably"), from the smallest of them; "" without
    changes. Said beside the changes, so that "+16, could be chance" reads as what it is."""
    from babel.numbers import format_decimal

    from toolkit.i18n import LOCALES

    compared = {c.from_ for c in summary.changes} | {c.to for c in summary.changes}
    sizes = [w.responses for w in summary.waves if w.wave in compared and w.responses]
    if not sizes:
        return ""
    points = format_decimal(round(scoring.detectable_change(min(sizes))), locale=LOCALES[lang])
    return wording(lang)["report"]["changes"]["detectable"].format(n=min(sizes), points=points)


def shared_items_note(summary: Summary, lang: str) -> str:
    """When a change compares a figure other than the one the tables show (a reworded or hidden question left
    out of both waves), the sentence that says so; else ""."""
    shown = {(w.wave, d.key): d.favourable for w in summary.waves for d in w.dimensions}
    for c in summary.changes:
        pairs = ((c.from_, c.from_value), (c.to, c.to_value))
        if c.dimension != "enps" and any(v is not None and (w, c.dimension) in shown and abs(shown[(w, c.dimension)]
                                                                                            - v) >= 0.5
                                         for w, v in pairs):
            return wording(lang)["report"]["changes"]["shared"]
    return ""


def _default_theme_finder() -> ThemeFinder | None:
    try:  # another room of the package, optional: without it a summary has no themes
        return importlib.import_module("toolkit.results.themes").find_themes
    except (ImportError, AttributeError):
        return None


@dataclass
class _Reader:
    """Reads waves of one survey under one set of rules; keeps the shared arguments out of every signature."""

    questions: list[SurveyQuestion]
    lang: str
    min_group: int
    min_comments: int
    team_size: int | None
    themes: ThemeFinder | None
    names: list[str]

    def plan(self, responses: Responses, hidden: frozenset[str] = frozenset(),
             hidden_for: dict[str, frozenset[str]] | None = None) -> WavePlan:
        answers = Answers.from_responses(responses, self.questions)
        return privacy.plan_wave(answers, len(self._commenters(responses)), min_group=self.min_group,
                                 min_comments=self.min_comments, hidden=hidden, hidden_for=hidden_for)

    def wave(self, wave: str, responses: Responses, plan: WavePlan) -> WaveSummary:
        summary = WaveSummary(wave=wave, responses=plan.responses, report=responses.report,
                              response_rate=scoring.response_rate(plan.responses, self.team_size))
        if not plan.scored:  # below the minimum: the response count and nothing else
            return summary
        answers = plan.answers
        summary.dimensions = self._dimensions(answers, plan.wave_measures)
        summary.items = scoring.item_scores(answers, responses.item_texts)
        summary.enps = scoring.enps(answers) if "enps" in plan.wave_measures else None
        summary.groups = [self._group(name, plan) for name in plan.groups]
        summary.themes = self._themes(responses, plan) if plan.comments else []
        summary.barrier = barrier_point(summary.dimensions)
        return summary

    def _dimensions(self, answers: Answers, allowed) -> list[Score]:
        return [scoring.dimension_score(answers, key, self._label(key)) for key in answers.dimensions()
                if key in allowed]

    def _group(self, name: str, plan: WavePlan) -> GroupInfo:
        if name not in plan.shown:
            return GroupInfo(name=name)  # no size, no figures
        answers = plan.answers.rows(plan.answers.groups == name)
        visible = {key for key, groups in plan.measures.items() if name in groups}
        return GroupInfo(name=name, n=int(answers.likert.shape[0]), shown=True,
                         dimensions=self._dimensions(answers, visible),
                         enps=scoring.enps(answers) if "enps" in visible else None)

    def _themes(self, responses: Responses, plan: WavePlan) -> list[Theme]:
        if self.themes is None:
            return []
        comments = [text for texts in self._commenters(responses) for text in texts]
        themes = list(self.themes(comments, self.lang, names=self.names))
        # A quote that names a hidden group ("we on the night shift never get training") shows what that group
        # thinks: it stays counted in its theme, but is not quoted.
        hidden = [name for name in plan.groups if name not in plan.shown]
        for theme in themes:
            theme.quotes = [quote for quote in theme.quotes if not _names_group(quote, hidden)]
        return themes

    def _commenters(self, responses: Responses) -> list[list[str]]:
        """Per person who wrote anything in an open question, what they wrote."""
        keys = [q.key for q in self.questions if q.type == "open"]
        people = ([a.strip() for k in keys if isinstance(a := p.answers.get(k), str) and a.strip()]
                  for p in responses.respondents)
        return [texts for texts in people if texts]

    def _label(self, key: str) -> str:
        label = dimension_label(key, self.lang)
        if label != key:
            return label
        return next((q.dimension_label for q in self.questions if q.dimension == key and q.dimension_label), key)

    # --- notes ----------------------------------------------------------------------------------------------

    def notes(self, wave: str, responses: Responses, plan: WavePlan) -> list[str]:
        """What this wave hides and why, without a figure that would tell what it hid."""
        words, name = wording(self.lang)["notes"], wording(self.lang)["waves"][wave]
        say = {"wave": name, "min": self.min_group}
        if not plan.scored:
            return [words["wave_below_minimum"].format(**say)]
        notes = []
        hidden = len(plan.groups) - len(plan.shown)
        if hidden:
            notes.append(words["groups_hidden"]["one" if hidden == 1 else "other"].format(count=hidden, **say))
        if plan.hidden_measures:
            notes.append(words["measures_hidden"].format(**say))
        if len(plan.items) < sum(q.type == "likert" for q in self.questions):
            notes.append(words["items_hidden"].format(**say))
        if not plan.comments and self._commenters(responses):
            notes.append(words["comments_hidden"].format(wave=name, min=self.min_comments))
        if self.team_size and plan.responses > self.team_size:
            notes.append(words["over_team_size"].format(**say))
        return notes

    # --- change between waves -------------------------------------------------------------------------------

    def compare(self, summary: Summary, first: tuple, second: tuple) -> None:
        """Add the changes from one scored wave to the next, leaving out items whose wording changed."""
        (w1, r1, p1), (w2, r2, p2) = first, second
        flagged = _changed_wording(r1, r2, [q.key for q in self.questions if q.type != "open"])
        summary.flagged_items.extend(q.key for q in self.questions
                                     if q.key in flagged and q.key not in summary.flagged_items)
        comparable = p1.items & p2.items
        skip = frozenset(q.key for q in self.questions if q.type == "likert" and q.key not in comparable) | flagged
        words = wording(self.lang)
        for key in p1.answers.dimensions():
            if key not in p1.wave_measures or key not in p2.wave_measures:
                continue
            change = self._dimension_change(key, (w1, p1.answers), (w2, p2.answers), skip)
            if change is not None:
                summary.changes.append(change)
            self._note_flagged(summary, key, flagged, change is not None, (w1, r1), w2)
        if flagged & self._nps_keys():
            self._note_flagged(summary, "enps", flagged, False, (w1, r1), w2)
        elif "enps" in p1.wave_measures and "enps" in p2.wave_measures:
            e1, e2 = scoring.enps(p1.answers), scoring.enps(p2.answers)
            p_value = scoring.enps_test(e1, e2)
            summary.changes.append(_change("enps", w1, w2, e1.value, e2.value, p_value,
                                           words["methods"]["enps"]))

    def _dimension_change(self, key: str, first: tuple, second: tuple, skip: frozenset[str]) -> Change | None:
        (w1, a1), (w2, a2) = first, second
        s1, s2 = (scoring.dimension_score(a, key, skip=skip) for a in (a1, a2))
        if s1.n < self.min_group or s2.n < self.min_group:
            return None
        p_value = scoring.two_proportion_test(s1.favourable / 100, s1.n, s2.favourable / 100, s2.n)
        return _change(key, w1, w2, s1.favourable, s2.favourable, p_value,
                       wording(self.lang)["methods"]["proportions"])

    def _note_flagged(self, summary: Summary, key: str, flagged: frozenset[str], compared: bool,
                      first: tuple[str, Responses], w2: str) -> None:
        """One note per dimension with reworded questions: which (as the first wave worded them), and whether the
        dimension is still compared."""
        w1, r1 = first
        items = [q for q in self.questions if q.dimension == key and q.key in flagged]
        if not items:
            return
        words = wording(self.lang)
        forms = words["notes"]["wording_changed" if compared else "wording_changed_alone"]
        # The question as people read it, not its key: "purpose_1" means nothing to the reader of the report.
        quote = words["report"]["themes"]["quote"]
        quoted = ", ".join(quote.format(quote=r1.item_texts.get(q.key, q.text).strip().rstrip(".")) for q in items)
        summary.notes.append(forms["one" if len(items) == 1 else "other"].format(
            items=quoted, first=words["rounds"][w1], second=words["rounds"][w2],
            dimension=self._label(key)))

    def _nps_keys(self) -> frozenset[str]:
        return frozenset(q.key for q in self.questions if q.type == "nps")


def _names_group(text: str, groups: Sequence[str]) -> bool:
    """Whether a text names one of `groups`: the whole name, or a word of it that is no common word ("Noord" in
    "Team Noord"), in any case."""
    common = {w.casefold() for lang in ("en", "nl", "sv") for w in wording(lang)["group_columns"]}
    words = set(re.findall(r"\w+", text.casefold()))
    for name in groups:
        parts = [p for p in re.findall(r"\w+", name.casefold()) if p not in common and len(p) >= 3]
        if " ".join(name.casefold().split()) in " ".join(text.casefold().split()) or words & set(parts):
            return True
    return False


def _change(key: str, w1: str, w2: str, v1: float, v2: float, p_value: float, method: str) -> Change:
    delta = round(v2 - v1, 1)
    return Change(dimension=key, from_=w1, to=w2, delta=delta, verdict=scoring.verdict(delta, p_value),
                  method=method, p_value=round(p_value, 4), from_value=v1, to_value=v2, card=card_for(key))


def _changed_wording(first: Responses, second: Responses, keys: list[str]) -> frozenset[str]:
    """Item keys whose wording both waves record and that differ (beyond spacing and case)."""
    def norm(text: str) -> str:
        return " ".join(text.split()).casefold()

    return frozenset(k for k in keys if k in first.item_texts and k in second.item_texts
                     and norm(first.item_texts[k]) != norm(second.item_texts[k]))
