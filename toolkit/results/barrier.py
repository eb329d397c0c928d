"""The barrier point: the first ADKAR element (awareness, desire, knowledge, ability, reinforcement) below target.

The mapping of the survey's dimensions to ADKAR, the target and the guidance card per dimension are data, in
`templates/results.yaml`.
"""

from __future__ import annotations

from functools import cache

import yaml

from toolkit.results.model import Barrier, Score
from toolkit.settings import TEMPLATES_DIR

ADKAR: tuple[str, ...] = ("awareness", "desire", "knowledge", "ability", "reinforcement")


@cache
def results_data() -> dict:
    """The language-free data of `templates/results.yaml` (ADKAR mapping, target, cards)."""
    with (TEMPLATES_DIR / "results.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def card_for(dimension: str) -> str:
    """The guidance card id that helps with a dimension (the ADKAR card for one the user made up)."""
    data = results_data()
    return data.get("cards", {}).get(dimension) or data.get("default_card", "adkar")


def barrier_point(dimensions: list[Score], target: float | None = None) -> Barrier | None:
    """Per wave: the first ADKAR element whose weakest dimension is below `target` % favourable, and the
    strongest and weakest dimension, each with its guidance card. None when no dimension is shown."""
    scored = [d for d in dimensions if d.n > 0]
    if not scored:
        return None
    data = results_data()
    target = float(data.get("target", 60) if target is None else target)
    by_key = {d.key: d for d in scored}
    strongest = max(scored, key=lambda d: d.favourable)
    weakest = min(scored, key=lambda d: d.favourable)
    barrier = Barrier(target=target, strongest=strongest.key, weakest=weakest.key,
                      cards={"strongest": card_for(strongest.key), "weakest": card_for(weakest.key)})
    for element in ADKAR:
        present = [by_key[key] for key in data.get("adkar", {}).get(element, []) if key in by_key]
        lowest = min(present, key=lambda d: d.favourable, default=None)
        if lowest is not None and lowest.favourable < target:
            barrier.element, barrier.dimension, barrier.favourable = element, lowest.key, lowest.favourable
            barrier.cards["barrier"] = card_for(lowest.key)
            break
    return barrier
