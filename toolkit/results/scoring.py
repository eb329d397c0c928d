"""Scores from answers: favourable / neutral / unfavourable shares, means, Wilson intervals, eNPS, changes.

Scoring counts what it is given; `toolkit.results.privacy` decides beforehand which answers may be scored and
shown. Answers become one numpy matrix per wave (people x Likert items, NaN where a person skipped an item),
so 10,000 respondents x 20 items score in milliseconds.

Method, as the report names it:
- Likert answers are 1-5. A reverse item ("I worry about my job") is flipped (6 - x) before anything is counted,
  so 4-5 is always favourable, 3 neutral and 1-2 unfavourable.
- A dimension pools the answers to its items. Its `n` is the number of people who answered at least one of them,
  and its interval uses that `n`: one person's answers to one dimension are not independent, so counting people
  rather than answers keeps the interval honest (conservative).
- Favourable % carries a Wilson 95% interval. eNPS = % promoters (9-10) minus % detractors (0-6); its 95%
  interval uses the variance of a difference of two multinomial proportions, (p + d - (p - d)^2) / n, with the
  normal approximation, clipped to [-100, 100].
- A change between waves is "rose" or "fell" only when a two-sided test rejects "no change" at alpha 0.05: a
  two-proportion z-test (pooled) on favourable %, or a z-test on the difference of two independent eNPS values
  with the variances above. Otherwise the verdict is "no clear change".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from toolkit.models import SurveyQuestion
from toolkit.results.model import Enps, Respondent, Responses, Score

ALPHA = 0.05
Z95 = NormalDist().inv_cdf(0.975)  # 1.95996...
FAVOURABLE, UNFAVOURABLE = 4, 2  # answers >= 4 are favourable, <= 2 unfavourable (after reversal)
PROMOTER, DETRACTOR = 9, 6  # eNPS: 9-10 promoters, 0-6 detractors


# --- answers as arrays --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Answers:
    """One wave's answers as arrays: `likert` is people x items (reversed where the item says so, NaN for no
    answer), `nps` the 0-10 answers (NaN for none), `groups` each person's group (None without one)."""

    items: tuple[SurveyQuestion, ...]
    likert: np.ndarray
    nps: np.ndarray
    groups: np.ndarray

    @classmethod
    def from_responses(cls, responses: Responses, questions: list[SurveyQuestion]) -> Answers:
        """Read the survey's Likert and eNPS items from the answers; anything out of range counts as no answer."""
        items = tuple(q for q in questions if q.type == "likert")
        nps_key = next((q.key for q in questions if q.type == "nps"), None)
        people = responses.respondents
        likert = np.empty((len(people), len(items)))
        for i, q in enumerate(items):
            likert[:, i] = _column(people, q.key, 1, 5)
        flip = np.array([q.reverse for q in items], dtype=bool)
        likert[:, flip] = 6 - likert[:, flip]
        nps = _column(people, nps_key, 0, 10) if nps_key else np.full(len(people), math.nan)
        groups = np.array([_group(p) for p in people], dtype=object)
        return cls(items, likert, nps, groups)

    def rows(self, mask: np.ndarray) -> Answers:
        """The answers of the people where `mask` is true (a group)."""
        return Answers(self.items, self.likert[mask], self.nps[mask], self.groups[mask])

    def keep(self, keys: frozenset[str]) -> Answers:
        """The same people with only the Likert items in `keys`."""
        picked = [i for i, q in enumerate(self.items) if q.key in keys]
        return Answers(tuple(self.items[i] for i in picked), self.likert[:, picked], self.nps, self.groups)

    def columns(self, dimension: str, skip: frozenset[str] = frozenset()) -> np.ndarray:
        """The Likert columns of one dimension, leaving out the item keys in `skip`."""
        picked = [i for i, q in enumerate(self.items) if q.dimension == dimension and q.key not in skip]
        return self.likert[:, picked]

    def dimensions(self) -> list[str]:
        """Dimension keys in the order the survey asks them."""
        return list(dict.fromkeys(q.dimension for q in self.items))

    def answered(self, dimension: str) -> np.ndarray:
        """Per person: answered at least one item of the dimension (`enps` for the eNPS item)."""
        if dimension == "enps":
            return ~np.isnan(self.nps)
        return (~np.isnan(self.columns(dimension))).any(axis=1)


def _column(people: list[Respondent], key: str, low: int, high: int) -> np.ndarray:
    """One item's answers as floats; text, booleans, fractions and answers off the scale become NaN."""
    nan = math.nan
    values = np.fromiter((v if type(v) in (int, float) else nan for v in (p.answers.get(key) for p in people)),
                         dtype=float, count=len(people))
    values[(values < low) | (values > high) | (values != np.floor(values))] = nan
    return values


def _group(person: Respondent) -> str | None:
    group = (person.group or "").strip()
    return group or None


# --- scores -------------------------------------------------------------------------------------------------

def wilson(p: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion `p` (0-1) observed on `n` people: (low, high), 0-1."""
    if n <= 0:
        return 0.0, 0.0
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _score(key: str, label: str, block: np.ndarray, n: int) -> Score:
    """A Score from a block of answers (any shape), counted on `n` people."""
    values = block[~np.isnan(block)]
    if values.size == 0 or n == 0:
        return Score(key=key, label=label, n=0)
    answers = values.size
    favourable = np.count_nonzero(values >= FAVOURABLE) / answers
    unfavourable = np.count_nonzero(values <= UNFAVOURABLE) / answers
    neutral = np.count_nonzero(values == 3) / answers
    low, high = wilson(favourable, n)
    return Score(key=key, label=label, n=n, favourable=_pct(favourable), unfavourable=_pct(unfavourable),
                 neutral=_pct(neutral), mean=round(float(values.mean()), 2),
                 low=_pct(low), high=_pct(high))


def _pct(share: float) -> float:
    return round(100 * float(share), 1)


def item_scores(answers: Answers, texts: dict[str, str] | None = None) -> list[Score]:
    """One Score per Likert item, in survey order; the label is the wording people saw."""
    texts = texts or {}
    counts = np.count_nonzero(~np.isnan(answers.likert), axis=0)
    return [_score(q.key, texts.get(q.key) or q.text, answers.likert[:, i], int(counts[i]))
            for i, q in enumerate(answers.items)]


def dimension_score(answers: Answers, dimension: str, label: str = "",
                    skip: frozenset[str] = frozenset()) -> Score:
    """The pooled Score of one dimension; `n` counts people who answered at least one of its items."""
    block = answers.columns(dimension, skip)
    n = int(np.count_nonzero((~np.isnan(block)).any(axis=1))) if block.size else 0
    return _score(dimension, label or dimension, block, n)


def enps(answers: Answers) -> Enps:
    """eNPS with counts and a 95% interval (normal approximation of a difference of multinomial proportions)."""
    values = answers.nps[~np.isnan(answers.nps)]
    n = int(values.size)
    if n == 0:
        return Enps()
    promoters = int(np.count_nonzero(values >= PROMOTER))
    detractors = int(np.count_nonzero(values <= DETRACTOR))
    p, d = promoters / n, detractors / n
    value = 100 * (p - d)
    half = 100 * Z95 * math.sqrt(enps_variance(p, d, n))
    return Enps(value=round(value, 1), low=round(max(-100.0, value - half), 1),
                high=round(min(100.0, value + half), 1), promoters=promoters, detractors=detractors,
                passives=n - promoters - detractors, n=n)


def enps_variance(p: float, d: float, n: int) -> float:
    """Variance of p - d (shares of promoters and detractors among the same n people), on the 0-1 scale."""
    return max(0.0, p + d - (p - d) ** 2) / n if n else 0.0


def response_rate(responses: int, team_size: int | None) -> float | None:
    """Responses as a percentage of the team (None without a team size)."""
    if not team_size or team_size <= 0:
        return None
    return _pct(responses / team_size)


# --- change between waves -----------------------------------------------------------------------------------

def two_proportion_test(p1: float, n1: int, p2: float, n2: int) -> float:
    """Two-sided p value of a pooled two-proportion z-test (proportions 0-1)."""
    if n1 <= 0 or n2 <= 0:
        return 1.0
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return _two_sided(p2 - p1, se)


def enps_test(first: Enps, second: Enps) -> float:
    """Two-sided p value of a z-test on the difference of two independent eNPS values."""
    if first.n <= 0 or second.n <= 0:
        return 1.0
    shares = [(e.promoters / e.n, e.detractors / e.n, e.n) for e in (first, second)]
    difference = (shares[1][0] - shares[1][1]) - (shares[0][0] - shares[0][1])  # from counts, not rounded values
    return _two_sided(difference, math.sqrt(sum(enps_variance(*s) for s in shares)))


def _two_sided(difference: float, se: float) -> float:
    if se <= 0:
        return 1.0 if abs(difference) < 1e-12 else 0.0
    return 2 * (1 - NormalDist().cdf(abs(difference) / se))


def verdict(delta: float, p_value: float, alpha: float = ALPHA) -> str:
    """"rose" / "fell" only when the test rejects "no change" at `alpha`; otherwise "no clear change"."""
    if p_value >= alpha or delta == 0:
        return "no clear change"
    return "rose" if delta > 0 else "fell"


# --- before the first wave ----------------------------------------------------------------------------------

def detectable_change(team_size: int, alpha: float = ALPHA, power: float = 0.8) -> float:
    """The smallest difference in favourable % (points) between two waves of `team_size` answers each that a
    two-sided test at `alpha` detects with `power`, starting from 50% favourable (where it is largest).

    Uses Cohen's effect size h = 2 asin(sqrt(p2)) - 2 asin(sqrt(p1)) with the normal approximation, the same
    model as statsmodels' NormalIndPower; capped at 50 points (the most a change up from 50% can be)."""
    if team_size < 1:
        raise ValueError("team_size must be at least 1")
    nd = NormalDist()
    h = (nd.inv_cdf(1 - alpha / 2) + nd.inv_cdf(power)) / math.sqrt(team_size / 2)
    angle = math.asin(math.sqrt(0.5)) + h / 2
    if angle >= math.pi / 2:
        return 50.0
    return round(100 * (math.sin(angle) ** 2 - 0.5), 1)
