"""Confidentiality: which waves, groups, scores and comments may be shown. Decided before a Summary is built.

The rules (a hard rule everywhere: tables, charts, report, drafts and command line):
- A figure is shown only when at least `min_group` people (default 5, a setting from 3 to 10) stand behind it:
  a wave, a group, an item, a dimension, the eNPS.
- A wave with fewer responses than the minimum shows only its response count.
- A group below the minimum is not shown, and neither is its size; its answers count only in the whole.
- Differencing: when exactly one group is hidden, the next-smallest is hidden too (the rule Glint and Lattice
  use). Beyond that, the people outside the shown groups (hidden groups plus people without a group) must be
  none or at least the minimum, so "the whole minus the shown groups" never describes fewer than `min_group`
  people; the smallest shown group is hidden until that holds (two hidden groups of 2 would otherwise add up to
  4 people whose figures anyone can work out). The same rule runs per dimension and for the eNPS, on the people
  who answered it, so a group whose members skipped a dimension cannot be worked out either.
- Across waves: a group hidden in one wave is hidden in every wave (`hidden_in_any`), and a group's score hidden
  in one wave is hidden in every wave (`measures_hidden_in_any`). Otherwise a group shown in one wave and hidden
  beside a small group in the next would give that small group away: the whole minus the shown groups, minus the
  first wave's figures of the other group.
- Open answers are summarised only when at least `min_comments` people (default 10) wrote one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from toolkit.results.scoring import Answers
from toolkit.settings import MIN_COMMENTS_RANGE, MIN_GROUP_RANGE

MIN_GROUP, MIN_COMMENTS = 5, 10  # the defaults of TOOLKIT_MIN_GROUP and TOOLKIT_MIN_COMMENTS


def check_min_group(value: int) -> int:
    """The minimum group size for scores, or ValueError when outside 3-10."""
    low, high = MIN_GROUP_RANGE
    if not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"the minimum group size must be a whole number from {low} to {high}")
    return value


def check_min_comments(value: int) -> int:
    """The minimum number of people who wrote a comment before comments are summarised, or ValueError."""
    low, high = MIN_COMMENTS_RANGE
    if not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"the minimum for comments must be a whole number from {low} to {high}")
    return value


def visible_groups(counts: Mapping[str, int], rest: int, minimum: int) -> frozenset[str]:
    """The groups whose figures may be shown, given how many people each has (`counts`) and how many more
    count only in the whole (`rest`: people without a group, or already hidden elsewhere)."""
    shown = {name for name, n in counts.items() if n >= minimum}
    by_size = sorted(shown, key=lambda name: (counts[name], name))
    if len(counts) - len(shown) == 1 and by_size:  # exactly one hidden: the next-smallest goes too
        shown.discard(by_size.pop(0))
    while by_size and 0 < rest + sum(n for name, n in counts.items() if name not in shown) < minimum:
        shown.discard(by_size.pop(0))
    return frozenset(shown)


@dataclass(frozen=True)
class WavePlan:
    """What one wave may show. `groups` lists every group by name (sorted, so the order tells nothing about
    size); `measures` maps a dimension key (or "enps") to the shown groups whose figure for it may be shown."""

    answers: Answers  # the answers that may be scored: items below the minimum are left out
    responses: int
    scored: bool  # at least `min_group` responses: anything beyond the count may be shown
    groups: tuple[str, ...]
    shown: frozenset[str]
    measures: dict[str, frozenset[str]]
    wave_measures: frozenset[str]  # dimensions (and "enps") shown for the wave as a whole
    items: frozenset[str]  # Likert item keys shown for the wave as a whole
    comments: bool  # open answers may be summarised
    hidden_measures: bool  # a shown group has a dimension or eNPS left out


def plan_wave(answers: Answers, commenters: int, *, min_group: int = MIN_GROUP,
              min_comments: int = MIN_COMMENTS, hidden: frozenset[str] = frozenset(),
              hidden_for: Mapping[str, frozenset[str]] | None = None) -> WavePlan:
    """Decide what a wave may show, from its answers and the number of people who wrote a comment. The groups
    in `hidden` are not shown whatever their size, nor the groups in `hidden_for[key]` for that dimension (or
    "enps"): hidden in another wave. They count only in the whole."""
    responses = int(answers.likert.shape[0])
    names = tuple(sorted({g for g in answers.groups if g is not None}))
    if responses < min_group:
        return WavePlan(answers.keep(frozenset()), responses, False, names, frozenset(), {}, frozenset(),
                        frozenset(), False, False)
    # An item too few people answered is left out everywhere, its dimension included: the dimension's figures
    # minus the other items' figures would otherwise describe those few people.
    item_counts = np.count_nonzero(~np.isnan(answers.likert), axis=0)
    items = frozenset(q.key for q, n in zip(answers.items, item_counts, strict=True) if n >= min_group)
    answers = answers.keep(items)
    sizes = {name: int(np.count_nonzero(answers.groups == name)) for name in names if name not in hidden}
    shown = visible_groups(sizes, responses - sum(sizes.values()), min_group)
    keys = [*answers.dimensions(), "enps"]
    measures = {key: _visible_for(answers, key, shown - (hidden_for or {}).get(key, frozenset()), min_group)
                for key in keys}
    wave_measures = frozenset(key for key in keys if np.count_nonzero(answers.answered(key)) >= min_group)
    hidden_measures = any(measures[key] != shown for key in wave_measures)
    return WavePlan(answers, responses, True, names, shown, measures, wave_measures, items,
                    commenters >= min_comments, hidden_measures)


def _visible_for(answers: Answers, key: str, shown: frozenset[str], minimum: int) -> frozenset[str]:
    """Among the groups shown, those whose figure for one dimension (or the eNPS) may be shown."""
    answered = answers.answered(key)
    counts = {name: int(np.count_nonzero(answered & (answers.groups == name))) for name in shown}
    rest = int(np.count_nonzero(answered)) - sum(counts.values())
    return visible_groups(counts, rest, minimum)


def hidden_in_any(plans: Iterable[WavePlan]) -> frozenset[str]:
    """The groups hidden in at least one wave that shows groups (a wave below the minimum hides everything, which
    says nothing about a group)."""
    return frozenset(name for plan in plans if plan.scored for name in plan.groups if name not in plan.shown)


def measures_hidden_in_any(plans: Iterable[WavePlan]) -> dict[str, frozenset[str]]:
    """Per dimension (or "enps"), the groups shown in some wave whose score for it that wave hides."""
    found: dict[str, set[str]] = {}
    for plan in plans:
        for key, groups in plan.measures.items():
            if key in plan.wave_measures:
                found.setdefault(key, set()).update(plan.shown - groups)
    return {key: frozenset(groups) for key, groups in found.items() if groups}
