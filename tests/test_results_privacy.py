"""Confidentiality: minimum group sizes, the next-smallest rule, small waves, comments, and an attack that fails."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from results_support import DIMENSIONS, answer_csv, people, survey, wave

from toolkit.results import privacy
from toolkit.results.groups import group_key
from toolkit.results.ingest import read_responses
from toolkit.results.summary import summarise
from toolkit.settings import Settings

MIN = 5


def teams(**sizes: int) -> list:
    """Groups of the given sizes; each group answers differently, so a leak would show."""
    crowd = []
    for number, (name, size) in enumerate(sizes.items()):
        crowd += people(size, likert=1 + number % 5, enps=number % 11, group=name, start=len(crowd))
    return crowd


def summary_of(crowd, **kwargs):
    return summarise({"during": wave("during", crowd)}, survey(), **kwargs)


def shown(summary) -> dict[str, int | None]:
    return {g.name: g.n for g in summary.waves[0].groups if g.shown}


# --- the rules ----------------------------------------------------------------------------------------------

def test_groups_below_the_minimum_and_the_next_smallest_are_hidden():
    assert privacy.visible_groups({"a": 3, "b": 6, "c": 40}, 0, MIN) == {"c"}
    assert privacy.visible_groups({"a": 3, "b": 4, "c": 6, "d": 40}, 0, MIN) == {"c", "d"}
    assert privacy.visible_groups({"a": 6, "b": 7, "c": 40}, 0, MIN) == {"a", "b", "c"}


def test_hidden_groups_that_add_up_to_fewer_than_the_minimum_take_another_group_with_them():
    # 2 + 2 hidden people could be worked out together from the whole minus the shown groups
    assert privacy.visible_groups({"a": 2, "b": 2, "c": 6, "d": 40}, 0, MIN) == {"d"}


def test_people_without_a_group_count_as_hidden_too():
    assert privacy.visible_groups({"a": 6, "b": 40}, 2, MIN) == {"b"}
    assert privacy.visible_groups({"a": 6, "b": 40}, 5, MIN) == {"a", "b"}


def test_a_hidden_group_shows_neither_figures_nor_size():
    summary = summary_of(teams(small=3, mid=6, big=40))
    groups = {g.name: g for g in summary.waves[0].groups}
    assert shown(summary) == {"big": 40}
    for name in ("small", "mid"):
        assert (groups[name].n, groups[name].shown, groups[name].dimensions, groups[name].enps) == (
            None, False, [], None)
    assert [g["name"] for g in summary.to_json_dict()["waves"][0]["groups"]] == ["big", "mid", "small"]
    big = groups["big"]
    assert [d.key for d in big.dimensions] == list(DIMENSIONS) and big.enps.n == 40


def test_a_wave_below_the_minimum_shows_only_its_response_count():
    calls = []
    crowd = people(4, comment="Training please", group="a")
    summary = summarise({"before": wave("before", crowd), "during": wave("during", people(30))}, survey(),
                        themes=lambda *a, **k: calls.append(a) or [], team_size=40)
    data = summary.to_json_dict()["waves"][0]
    assert data == {"wave": "before", "responses": 4, "response_rate": 10.0, "enps": None, "dimensions": [],
                    "items": [], "groups": [], "themes": [], "barrier": None}
    assert calls == []
    assert [c.from_ for c in summary.changes] == []  # nothing to compare a hidden wave with
    assert any("fewer than 5 people answered" in note for note in summary.notes)


def test_an_item_few_people_answered_is_not_shown_and_not_counted_in_its_dimension():
    crowd = people(20, likert=4) + [p for p in people(3, likert={"trust_1": 1, "trust_2": 1}, start=20)]
    for person in crowd[:20]:
        del person.answers["trust_2"]
    summary = summary_of(crowd)
    items = {s.key: s for s in summary.waves[0].items}
    assert "trust_2" not in items and items["trust_1"].n == 23
    trust = next(d for d in summary.waves[0].dimensions if d.key == "trust")
    assert (trust.n, trust.favourable) == (23, round(100 * 20 / 23, 1))  # trust_1 alone
    assert any("some questions are not shown" in note for note in summary.notes)


def test_a_group_that_skipped_a_dimension_hides_that_score_and_the_next_smallest():
    crowd = teams(a=6, b=7, c=40)
    for person in crowd[:3]:  # only 3 of group a answered the workload items
        for key in ("workload_1", "workload_2"):
            person.answers.pop(key)
    summary = summary_of(crowd)
    groups = {g.name: g for g in summary.waves[0].groups}
    assert shown(summary) == {"a": 6, "b": 7, "c": 40}
    assert "workload" not in {d.key for d in groups["a"].dimensions}
    assert "workload" not in {d.key for d in groups["b"].dimensions}
    assert "workload" in {d.key for d in groups["c"].dimensions}
    assert any("for some groups, a score is not shown" in note for note in summary.notes)


def test_comments_are_summarised_only_above_the_comment_minimum():
    seen = []

    def finder(comments, lang, *, names=(), limit=6):
        seen.append((list(comments), lang, list(names)))
        return []

    few = people(9, comment="More practice time") + people(20, start=9)
    summary = summarise({"during": wave("during", few)}, survey(), themes=finder, names=["Priya Shah"])
    assert seen == [] and summary.waves[0].themes == []
    assert any("open answers are not summarised" in note and "at least 10" in note for note in summary.notes)
    enough = people(10, comment="More practice time") + people(20, start=10)
    summarise({"during": wave("during", enough)}, survey(), themes=finder, lang="nl", names=["Priya Shah"])
    assert seen == [(["More practice time"] * 10, "nl", ["Priya Shah"])]


def test_minimums_outside_their_range_are_refused():
    with pytest.raises(ValueError):
        summary_of(people(10), min_group=2)
    with pytest.raises(ValueError):
        summary_of(people(10), min_group=11)
    assert summary_of(people(10), min_group=10).waves[0].dimensions
    assert Settings.from_env({"TOOLKIT_MIN_GROUP": "3"}).min_group == 3
    assert Settings.from_env({}).min_group == 5 and Settings.from_env({}).min_comments == 10
    for bad in ("2", "11", "4.5", "five"):
        with pytest.raises(ValueError, match="TOOLKIT_MIN_GROUP"):
            Settings.from_env({"TOOLKIT_MIN_GROUP": bad})


def test_a_higher_minimum_hides_more():
    assert shown(summary_of(teams(a=6, b=7, c=40), min_group=7)) == {"c": 40}


@pytest.mark.parametrize("lang", ["en", "nl", "sv"])
def test_notes_are_localised_and_carry_no_hidden_figure(lang):
    summary = summary_of(teams(small=3, tiny=3, big=40), lang=lang)
    assert summary.notes and all("{" not in note for note in summary.notes)
    numbers = {int(n) for note in summary.notes for n in re.findall(r"\d+", note)}
    assert numbers <= {MIN, 2}  # the rule's minimum and how many groups are hidden, never a size


# --- the attack ---------------------------------------------------------------------------------------------

def _figures(block: dict, measure: str) -> tuple | None:
    """What the JSON tells about one measure for the whole wave or a group: (people, counts...)."""
    if measure == "enps":
        e = block.get("enps")
        return (e["promoters"] + e["passives"] + e["detractors"], e["promoters"], e["detractors"]) if e else None
    d = next((d for d in block.get("dimensions", []) if d["key"] == measure), None)
    # favourable and unfavourable people-equivalents: exact when everyone answered every item
    return (d["n"], d["favourable"] * d["n"] / 100, d["unfavourable"] * d["n"] / 100) if d else None


def derived_aggregates(data: dict) -> list[tuple[str, tuple]]:
    """Everything an attacker can work out from the JSON: per measure, the whole minus any set of the groups
    shown for it; and the headcount of the whole minus any set of shown groups."""
    found = []
    for w in data["waves"]:
        measures = [d["key"] for d in w["dimensions"]] + (["enps"] if w["enps"] else [])
        for measure in measures:
            total = _figures(w, measure)
            parts = [f for g in w["groups"] if g["shown"] and (f := _figures(g, measure))]
            for r in range(1, len(parts) + 1):
                for subset in itertools.combinations(parts, r):
                    found.append((measure, tuple(t - sum(p[i] for p in subset) for i, t in enumerate(total))))
        sizes = [g["n"] for g in w["groups"] if g["shown"]]
        for r in range(1, len(sizes) + 1):
            found += [("headcount", (w["responses"] - sum(s),)) for s in itertools.combinations(sizes, r)]
    return found


def attack(summary, secret_size: int, secret_favourable: float) -> list:
    """Aggregates about fewer than the minimum number of people, or that reproduce the hidden group's size and
    favourable share: each one is a leak."""
    data = json.loads(json.dumps(summary.to_json_dict()))
    text = json.dumps(data)
    assert f'"n": {secret_size},' not in text  # the hidden group's size is nowhere in the JSON
    leaks = []
    for measure, figures in derived_aggregates(data):
        people_count = round(figures[0])
        too_few = 0 < people_count < summary.min_group
        the_secret = (people_count == secret_size and measure not in ("enps", "headcount")
                      and abs(100 * figures[1] / people_count - secret_favourable) < 0.5)
        if too_few or the_secret:
            leaks.append((measure, figures))
    return leaks


SCENARIOS = {
    "one small group": dict(small=3, mid=6, big=40),
    "two tiny groups": dict(small=2, tiny=2, mid=6, big=40),
    "groups of 3, 4, 6 and 40": dict(small=3, four=4, six=6, big=40),
}


@pytest.mark.parametrize("sizes", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_a_hidden_group_cannot_be_recovered_from_anything_the_json_shows(sizes):
    crowd = teams(**sizes)
    small = [p for p in crowd if p.group == "small"]
    secret_favourable = 100.0 if small[0].answers["purpose_1"] >= 4 else 0.0
    summary = summary_of(crowd)
    assert attack(summary, len(small), secret_favourable) == []
    for note in summary.notes:
        assert str(len(small)) not in note


def test_the_attack_would_find_a_leak_without_the_next_smallest_rule(monkeypatch):
    def naive(counts, rest, minimum):
        return frozenset(name for name, n in counts.items() if n >= minimum)

    monkeypatch.setattr(privacy, "visible_groups", naive)
    summary = summary_of(teams(small=3, mid=6, big=40))
    leaks = attack(summary, 3, 0.0)
    assert ("purpose", (3, 0.0, 3.0)) in [(m, tuple(round(x, 1) for x in f)) for m, f in leaks]
    assert ("headcount", (3,)) in leaks


def test_ungrouped_people_cannot_be_recovered_either():
    crowd = teams(a=6, b=40) + people(2, likert=1, enps=0, start=100)
    summary = summary_of(crowd)
    assert attack(summary, 2, 0.0) == []
    assert shown(summary) == {"b": 40}


def test_a_skipped_dimension_cannot_be_recovered():
    crowd = teams(a=6, b=7, c=40)
    for person in crowd[:3]:
        for key in ("workload_1", "workload_2"):
            person.answers.pop(key)
    data = summary_of(crowd).to_json_dict()
    workload = [f for m, f in derived_aggregates(data) if m == "workload"]
    assert workload and all(round(f[0]) == 0 or round(f[0]) >= MIN for f in workload)


def test_the_glint_rule_alone_would_leak_two_tiny_groups_together(monkeypatch):
    def glint_only(counts, rest, minimum):
        visible = {name for name, n in counts.items() if n >= minimum}
        if len(counts) - len(visible) == 1 and visible:
            visible.discard(min(visible, key=lambda name: (counts[name], name)))
        return frozenset(visible)

    monkeypatch.setattr(privacy, "visible_groups", glint_only)
    leaks = attack(summary_of(teams(small=2, tiny=2, mid=6, big=40)), 2, 0.0)
    assert ("headcount", (4,)) in leaks  # the two tiny groups together: 4 people, figures and all


# --- across waves, with the group column renamed ----------------------------------------------------------------

def renamed_waves(sizes: dict[str, dict[str, int]]):
    """Waves read from real files whose group column is called Arbetslag, Team and Afdeling and whose groups are
    typed as they are, in lower case with a space, and in capitals. Each group answers the same in every wave
    (the worst case: an attacker may take a group's figures from one wave for another)."""
    headers = {"before": ("Arbetslag", str), "during": ("Team", lambda g: f"{g.lower()} "),
               "after": ("Afdeling", str.upper)}
    answers = {"small": (1, 0), "mid": (2, 3), "big": (4, 9)}
    waves = {}
    for name_of_wave, groups in sizes.items():
        header, spell = headers[name_of_wave]
        people = [(spell(name.title()), *answers[name]) for name, n in groups.items() for _ in range(n)]
        waves[name_of_wave] = read_responses(f"{name_of_wave}.csv", answer_csv(header, people), survey(),
                                             name_of_wave)
    return waves


def across_waves(data: dict) -> list[tuple[str, str, tuple]]:
    """What an attacker works out from the differences between waves: per wave and measure, the whole minus the
    groups shown for it, minus the figures another wave showed for the groups this wave hides for it (matched by
    name, as a person would match "Mid" and "mid ")."""
    found = []
    for w in data["waves"]:
        for measure in [d["key"] for d in w["dimensions"]] + (["enps"] if w["enps"] else []):
            rest, missing = _figures(w, measure), []
            for g in w["groups"]:
                if g["shown"] and (f := _figures(g, measure)):
                    rest = tuple(t - f[i] for i, t in enumerate(rest))
                else:
                    missing.append(group_key(g["name"]))
            borrowed = [f for v in data["waves"] if v is not w for g in v["groups"]
                        if g["shown"] and group_key(g["name"]) in missing and (f := _figures(g, measure))]
            for r in range(len(borrowed) + 1):
                for subset in itertools.combinations(borrowed, r):
                    found.append((w["wave"], measure, tuple(t - sum(p[i] for p in subset)
                                                            for i, t in enumerate(rest))))
    return found


def cross_wave_leaks(summary) -> list:
    return [(wave, measure, figures) for wave, measure, figures in across_waves(summary.to_json_dict())
            if 0 < round(figures[0]) < summary.min_group]


SHRINKING = {"before": dict(small=6, mid=7, big=40), "during": dict(small=3, mid=7, big=40),
             "after": dict(small=3, mid=7, big=40)}


def test_a_group_hidden_in_one_wave_cannot_be_recovered_from_another_when_the_column_is_renamed():
    summary = summarise(renamed_waves(SHRINKING), survey())
    for read in summary.waves:  # one name per group in every wave, however the file typed it
        assert [(g.name, g.shown) for g in read.groups] == [("Big", True), ("Mid", False), ("Small", False)]
    assert attack(summary, 3, 0.0) == [] and cross_wave_leaks(summary) == []
    text = json.dumps(summary.to_json_dict())
    assert '"n": 6' not in text and '"n": 7' not in text  # the sizes of Small and Mid in any wave


def test_the_cross_wave_attack_finds_the_group_when_spellings_are_not_unified(monkeypatch):
    from toolkit.results import summary as summary_module

    monkeypatch.setattr(summary_module, "unify_groups", dict)
    leaks = cross_wave_leaks(summarise(renamed_waves(SHRINKING), survey()))
    assert ("during", "purpose", (3, 0.0, 3.0)) in [(w, m, tuple(round(x, 1) for x in f)) for w, m, f in leaks]


def test_the_cross_wave_attack_finds_the_group_without_hiding_it_in_every_wave(monkeypatch):
    monkeypatch.setattr(privacy, "hidden_in_any", lambda plans: frozenset())
    leaks = cross_wave_leaks(summarise(renamed_waves(SHRINKING), survey()))
    assert ("during", "purpose", (3, 0.0, 3.0)) in [(w, m, tuple(round(x, 1) for x in f)) for w, m, f in leaks]


def test_a_group_of_three_in_every_wave_stays_one_hidden_group():
    steady = {name: dict(small=3, mid=7, big=40) for name in ("before", "during", "after")}
    summary = summarise(renamed_waves(steady), survey())
    for read in summary.waves:
        assert [(g.name, g.n) for g in read.groups] == [("Big", 40), ("Mid", None), ("Small", None)]
    assert attack(summary, 3, 0.0) == [] and cross_wave_leaks(summary) == []


def test_a_quote_that_names_a_hidden_group_is_counted_but_not_quoted():
    from toolkit.results.themes import find_themes

    crowd = (people(3, group="Nattpasset", comment="Vi på nattpasset får aldrig gå på utbildningen.")
             + people(7, group="Malmö", comment="Utbildningen var för kort, jag behöver mer tid att öva.", start=3)
             + people(40, group="Göteborg", comment="Jag vill ha mer utbildning innan vi börjar.", start=10))
    summary = summarise({"during": wave("during", crowd)}, survey(lang="sv"), lang="sv", themes=find_themes)
    quotes = [q for t in summary.waves[0].themes for q in t.quotes]
    assert sum(t.count for t in summary.waves[0].themes) == 50 and quotes
    assert all("nattpasset" not in q.casefold() and "malmö" not in q.casefold() for q in quotes), quotes



def test_a_groups_score_hidden_in_one_wave_cannot_be_recovered_from_another():
    first = teams(a=6, b=7, c=40)
    second = teams(a=6, b=7, c=40)
    for person in second[:3]:  # only 3 of group a answered the workload items in the second wave
        for key in ("workload_1", "workload_2"):
            person.answers.pop(key)
    summary = summarise({"before": wave("before", first), "during": wave("during", second)}, survey())
    for read in summary.waves:  # a and b show no workload score in either wave, c does in both
        scores = {g.name: {d.key for d in g.dimensions} for g in read.groups}
        assert "workload" not in scores["a"] | scores["b"] and "workload" in scores["c"]
    assert cross_wave_leaks(summary) == []


def test_the_cross_wave_attack_finds_that_score_without_hiding_it_in_every_wave(monkeypatch):
    monkeypatch.setattr(privacy, "measures_hidden_in_any", lambda plans: {})
    first, second = teams(a=6, b=7, c=40), teams(a=6, b=7, c=40)
    for person in second[:3]:
        for key in ("workload_1", "workload_2"):
            person.answers.pop(key)
    leaks = cross_wave_leaks(summarise({"before": wave("before", first), "during": wave("during", second)},
                                       survey()))
    assert [(w, m) for w, m, f in leaks if round(f[0]) == 3] == [("during", "workload")]
