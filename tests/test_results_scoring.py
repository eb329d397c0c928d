"""Scores a survey specialist would sign: shares, means, Wilson and eNPS intervals, verdicts, barrier point."""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml
from results_support import DIMENSIONS, people, survey, wave
from scipy.stats import norm
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from toolkit.models import SurveyQuestion
from toolkit.results import scoring
from toolkit.results.barrier import ADKAR, barrier_point, results_data
from toolkit.results.model import Respondent, Responses, Score
from toolkit.results.summary import detectable_change_sentence, summarise
from toolkit.settings import KNOWLEDGE_DIR, TEMPLATES_DIR


def answers_for(values: dict[str, list], questions: list[SurveyQuestion]) -> scoring.Answers:
    n = len(next(iter(values.values())))
    respondents = [Respondent(id=str(i), answers={k: v[i] for k, v in values.items() if v[i] is not None})
                   for i in range(n)]
    return scoring.Answers.from_responses(Responses(wave="before", respondents=respondents), questions)


ITEM = SurveyQuestion(key="a", text="I understand why.", type="likert", dimension="purpose")
REVERSED = SurveyQuestion(key="b", text="I worry about my job.", type="likert", dimension="purpose", reverse=True)
NPS = SurveyQuestion(key="enps", text="Recommend?", type="nps", dimension="enps")


def test_favourable_neutral_unfavourable_and_mean_match_hand_counts():
    answers = answers_for({"a": [5, 4, 3, 2, 1, 4]}, [ITEM])
    (score,) = scoring.item_scores(answers)
    # 4, 5, 4 favourable; 3 neutral; 2, 1 unfavourable; mean 19 / 6
    assert (score.n, score.favourable, score.neutral, score.unfavourable) == (6, 50.0, 16.7, 33.3)
    assert score.mean == pytest.approx(19 / 6, abs=0.005)
    assert score.label == "I understand why."


def test_a_reverse_item_is_flipped_before_counting():
    answers = answers_for({"b": [5, 4, 3, 2, 1, 4]}, [REVERSED])
    (score,) = scoring.item_scores(answers)
    # flipped: 1, 2, 3, 4, 5, 2 -> favourable 4, 5; unfavourable 1, 2, 2
    assert (score.favourable, score.neutral, score.unfavourable) == (33.3, 16.7, 50.0)
    assert score.mean == pytest.approx(17 / 6, abs=0.005)


def test_skipped_and_out_of_range_answers_do_not_count():
    answers = answers_for({"a": [5, None, 7, 0, "agree", 2]}, [ITEM])
    (score,) = scoring.item_scores(answers)
    assert (score.n, score.favourable, score.unfavourable) == (2, 50.0, 50.0)


def test_a_dimension_pools_its_items_and_counts_people():
    answers = answers_for({"a": [5, 4, 2, None], "b": [1, 4, None, 5]}, [ITEM, REVERSED])
    score = scoring.dimension_score(answers, "purpose", "Purpose")
    # a: 5 4 2; b flipped: 5 2 1 -> 6 answers, favourable 5 4 5, unfavourable 2 2 1; 4 people answered
    assert (score.n, score.favourable, score.unfavourable, score.neutral) == (4, 50.0, 50.0, 0.0)
    assert score.mean == pytest.approx((5 + 4 + 2 + 5 + 2 + 1) / 6, abs=0.005)
    low, high = proportion_confint(0.5 * 4, 4, alpha=0.05, method="wilson")
    assert (score.low, score.high) == (round(100 * low, 1), round(100 * high, 1))


@pytest.mark.parametrize(("count", "n"), [(0, 5), (3, 7), (27, 40), (40, 40), (512, 1000)])
def test_wilson_interval_matches_statsmodels(count, n):
    low, high = scoring.wilson(count / n, n)
    ref_low, ref_high = proportion_confint(count, n, alpha=0.05, method="wilson")
    assert low == pytest.approx(ref_low, abs=1e-9)
    assert high == pytest.approx(ref_high, abs=1e-9)


def test_item_interval_is_the_wilson_interval_in_percent():
    answers = answers_for({"a": [5] * 27 + [2] * 13}, [ITEM])
    (score,) = scoring.item_scores(answers)
    low, high = proportion_confint(27, 40, alpha=0.05, method="wilson")
    assert (score.low, score.high) == (round(100 * low, 1), round(100 * high, 1))


def test_enps_counts_value_and_interval_match_hand_computation():
    values = [10, 10, 9, 8, 7, 6, 2, 9, 10, 8]
    result = scoring.enps(answers_for({"enps": values}, [NPS]))
    assert (result.promoters, result.passives, result.detractors, result.n) == (5, 3, 2, 10)
    assert result.value == 30.0
    # Variance of the per-person score (+1 promoter, 0 passive, -1 detractor) over n: the multinomial variance.
    scores = np.array([1 if v >= 9 else -1 if v <= 6 else 0 for v in values])
    se = math.sqrt(scores.var() / len(values))
    half = 100 * norm.ppf(0.975) * se
    assert (result.low, result.high) == (round(30 - half, 1), round(30 + half, 1))
    assert result.low == pytest.approx(-18.4, abs=0.1) and result.high == pytest.approx(78.4, abs=0.1)


def test_enps_interval_is_clipped_to_the_scale():
    result = scoring.enps(answers_for({"enps": [10, 10, 9, 9, 10, 6]}, [NPS]))
    assert result.value == pytest.approx(100 * (5 - 1) / 6, abs=0.05)
    assert result.high == 100.0 and result.low > -100


def test_response_rate_is_against_the_team_size():
    assert scoring.response_rate(42, 60) == 70.0
    assert scoring.response_rate(42, None) is None


# --- change between waves -----------------------------------------------------------------------------------

def one_item_waves(before_favourable: int, after_favourable: int, n: int) -> dict[str, Responses]:
    draft = survey(dimensions=("purpose",))

    def answers(favourable: int, name: str):
        crowd = people(favourable, likert=4, keys=("purpose_1",)) + people(n - favourable, likert=2,
                                                                            keys=("purpose_1",), start=favourable)
        return wave(name, crowd, draft)

    return {"before": answers(before_favourable, "before"), "after": answers(after_favourable, "after")}


def change_of(summary, dimension="purpose"):
    return next(c for c in summary.changes if c.dimension == dimension)


def test_a_real_change_of_20_points_on_100_people_rose():
    summary = summarise(one_item_waves(50, 70, 100), survey(dimensions=("purpose",)))
    change = change_of(summary)
    assert (change.from_, change.to, change.delta, change.verdict) == ("before", "after", 20.0, "rose")
    _, p_value = proportions_ztest([70, 50], [100, 100])
    assert change.p_value == pytest.approx(p_value, abs=1e-4)
    assert "two-proportion z-test" in change.method
    assert change.card == "loman-explain-purpose"


def test_3_points_on_30_people_is_no_clear_change():
    summary = summarise(one_item_waves(15, 16, 30), survey(dimensions=("purpose",)))
    change = change_of(summary)
    assert change.delta == pytest.approx(3.3, abs=0.05)
    assert change.verdict == "no clear change"


def test_a_real_drop_fell():
    assert change_of(summarise(one_item_waves(70, 45, 100), survey(dimensions=("purpose",)))).verdict == "fell"


def test_enps_change_uses_a_z_test_on_the_difference():
    draft = survey(dimensions=("purpose",))
    before = people(30, enps=10) + people(40, enps=8, start=30) + people(30, enps=3, start=70)  # 0
    after = people(50, enps=10) + people(30, enps=8, start=50) + people(20, enps=3, start=80)  # +30
    summary = summarise({"before": wave("before", before, draft), "after": wave("after", after, draft)}, draft)
    change = change_of(summary, "enps")
    assert (change.delta, change.verdict) == (30.0, "rose")
    variance = (0.6 - 0.0) / 100 + (0.7 - 0.09) / 100
    assert change.p_value == pytest.approx(2 * norm.sf(0.30 / math.sqrt(variance)), abs=1e-4)
    assert "eNPS" in change.method


def test_an_item_whose_wording_changed_is_flagged_and_left_out_of_its_dimension():
    draft = survey(dimensions=("purpose",))
    before = wave("before", people(50, likert={"purpose_1": 2, "purpose_2": 4}), draft)
    after = wave("after", people(50, likert={"purpose_1": 5, "purpose_2": 4}), draft)
    after.item_texts["purpose_1"] = "A new wording of the first statement."
    summary = summarise({"before": before, "after": after}, draft)
    assert summary.flagged_items == ["purpose_1"]
    change = change_of(summary)
    assert (change.from_value, change.to_value, change.verdict) == (100.0, 100.0, "no clear change")
    note = next(note for note in summary.notes if "other questions" in note)
    assert "question “Statement 1 about purpose” differs" in note and "purpose_1" not in note  # words, not a key


def test_a_reworded_question_is_quoted_as_the_first_wave_asked_it_and_the_changes_say_what_they_compare():
    from toolkit.results.summary import shared_items_note

    draft = survey(dimensions=("purpose",))
    before = wave("before", people(50, likert={"purpose_1": 2, "purpose_2": 4}), draft)
    after = wave("after", people(50, likert={"purpose_1": 5, "purpose_2": 4}), draft)
    before.item_texts["purpose_1"] = "The wording of the first round."
    after.item_texts["purpose_1"] = "The wording of the second round."
    summary = summarise({"before": before, "after": after}, draft, lang="sv")
    note = next(note for note in summary.notes if "jämförs på de andra frågorna" in note)
    assert "”The wording of the first round”" in note and "second round" not in note
    # purpose is compared on purpose_2 alone (100% both times), while its table shows both items (50%, 100%)
    assert shared_items_note(summary, "sv").startswith("Där en siffra här skiljer sig från tabellerna")
    same = summarise({"before": wave("before", people(50), draft), "after": wave("after", people(50), draft)}, draft)
    assert shared_items_note(same, "en") == ""


def test_a_reworded_enps_question_is_not_compared():
    draft = survey(dimensions=("purpose",))
    before = wave("before", people(50, enps=3), draft)
    after = wave("after", people(50, enps=10), draft)
    after.item_texts["enps"] = "Would you recommend us to a friend?"
    summary = summarise({"before": before, "after": after}, draft)
    assert "enps" not in {c.dimension for c in summary.changes} and summary.flagged_items == ["enps"]
    assert any("so Recommendation (eNPS) is not compared" in note for note in summary.notes)


def test_a_dimension_with_only_reworded_items_is_not_compared():
    draft = survey(dimensions=("purpose",))
    before = wave("before", people(50, likert=2, keys=("purpose_1",)), draft)
    after = wave("after", people(50, likert=5, keys=("purpose_1",)), draft)
    after.item_texts["purpose_1"] = "Changed."
    summary = summarise({"before": before, "after": after}, draft)
    assert [c.dimension for c in summary.changes] == ["enps"]
    assert any("so Understanding of the purpose is not compared" in note for note in summary.notes)


# --- before the first wave ----------------------------------------------------------------------------------

@pytest.mark.parametrize("team", [8, 30, 60, 100, 400])
def test_detectable_change_matches_statsmodels_power(team):
    h = NormalIndPower().solve_power(nobs1=team, alpha=0.05, power=0.8, ratio=1.0)
    expected = 100 * (math.sin(math.asin(math.sqrt(0.5)) + h / 2) ** 2 - 0.5)
    assert scoring.detectable_change(team) == pytest.approx(min(expected, 50), abs=0.05)


def test_detectable_change_shrinks_with_team_size_and_is_capped():
    sizes = [scoring.detectable_change(n) for n in (10, 30, 100, 1000)]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[1] == pytest.approx(33.1, abs=0.1) and sizes[2] == pytest.approx(19.3, abs=0.1)
    assert scoring.detectable_change(1) == 50.0


@pytest.mark.parametrize("lang", ["en", "nl", "sv"])
def test_detectable_change_sentence_in_each_language(lang):
    sentence = detectable_change_sentence(30, lang)
    assert "30" in sentence and "33" in sentence and "{" not in sentence


# --- barrier point ------------------------------------------------------------------------------------------

def scores(**favourable: float) -> list[Score]:
    return [Score(key=key, label=key, n=20, favourable=value) for key, value in favourable.items()]


def test_barrier_is_the_first_adkar_element_below_target():
    dims = scores(purpose=80, trust=75, job_security=55, workload=65, readiness=40, involvement=90, usefulness=70)
    barrier = barrier_point(dims)
    assert (barrier.element, barrier.dimension, barrier.favourable, barrier.target) == (
        "desire", "job_security", 55, 60)
    assert (barrier.strongest, barrier.weakest) == ("involvement", "readiness")
    assert barrier.cards == {"barrier": "loman-role-clarity-safety", "strongest": "loman-involve-from-start",
                             "weakest": "loman-train-the-craft"}


def test_no_barrier_when_every_element_meets_the_target():
    barrier = barrier_point(scores(**{d: 75 for d in DIMENSIONS}))
    assert barrier.element is None and barrier.dimension is None and "barrier" not in barrier.cards


def test_the_adkar_mapping_is_data_covering_each_dimension_once_with_real_cards():
    data = yaml.safe_load((TEMPLATES_DIR / "results.yaml").read_text(encoding="utf-8"))
    assert data == results_data() and tuple(data["adkar"]) == ADKAR and data["target"] == 60
    mapped = [d for dims in data["adkar"].values() for d in dims]
    assert sorted(mapped) == sorted(DIMENSIONS)
    for card in [*data["cards"].values(), data["default_card"]]:
        for lang in ("en", "nl", "sv"):
            assert (KNOWLEDGE_DIR / lang / f"{card}.md").exists(), (card, lang)


def test_a_summary_names_the_barrier_per_wave():
    likert = {f"{d}_{k}": 4 for d in DIMENSIONS for k in (1, 2)} | {"readiness_1": 2, "readiness_2": 2}
    likert |= {"job_security_2": 2, "workload_2": 1}  # reverse items: disagreeing is favourable
    summary = summarise({"during": wave("during", people(20, likert=likert))}, survey())
    barrier = summary.waves[0].barrier
    assert (barrier.element, barrier.dimension, barrier.favourable) == ("knowledge", "readiness", 0.0)


def test_ten_thousand_people_and_twenty_items_score_correctly():
    rng = np.random.default_rng(7)
    draft = survey(dimensions=DIMENSIONS[:5] + ("usefulness", "extra1", "extra2", "extra3", "extra4"))
    keys = [q.key for q in draft.questions if q.type == "likert"]
    matrix = rng.integers(1, 6, size=(10_000, len(keys)))
    crowd = [Respondent(id=str(i), answers=dict(zip(keys, map(int, row), strict=True)))
             for i, row in enumerate(matrix)]
    summary = summarise({"before": wave("before", crowd, draft)}, draft)
    flips = np.array([q.reverse for q in draft.questions if q.type == "likert"])
    flipped = np.where(flips, 6 - matrix, matrix)
    expected = [round(100 * float(np.mean(flipped[:, i] >= 4)), 1) for i in range(len(keys))]
    assert [s.favourable for s in summary.waves[0].items] == expected
    assert len(keys) == 20


def _leaves(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{path}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _leaves(value, f"{path}[{n}]")
    else:
        yield path, node


def test_results_wording_has_every_key_and_slot_in_every_language():
    import string

    def slots(text):
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    # The summary's own wording; themes, charts and report keep word lists that differ in length per language
    # (tests/test_results_themes.py and test_templates.py guard those).
    own = ("waves", "rounds", "adkar", "methods", "verdicts", "notes", "detectable_change", "text")

    def summary_words(lang):
        data = yaml.safe_load((TEMPLATES_DIR / lang / "results.yaml").read_text("utf-8"))
        return dict(_leaves({key: data[key] for key in own}))

    words = {lang: summary_words(lang) for lang in ("en", "nl", "sv")}
    assert set(words["nl"]) == set(words["en"]) == set(words["sv"])
    for path, text in words["en"].items():
        assert slots(words["nl"][path]) == slots(text) == slots(words["sv"][path]), path
        same_everywhere = {".text.percent", ".text.columns[1]", ".text.theme", ".text.change"}  # slots only
        assert words["nl"][path] != text or path in same_everywhere, path
