"""One name per group across every wave: "Team A", "team a " and "TEAM  A" are the same team.

Exports are typed by people: one wave's file says "Team Noord", the next "team noord " (another form, another
column name). Read as they stand they would be two groups, each smaller, and a group would vanish from the
comparison between waves. `unify_groups` gives every spelling of a group one name before anything is counted,
so the confidentiality rules (`privacy.plan_wave`) see the group as it really is.

The name kept is chosen from the spellings alone, never from how many people wrote each one, so the name shown
tells nothing about who answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from toolkit.results.model import Responses


def group_key(name: str) -> str:
    """What two spellings of one group share: case and spacing aside."""
    return " ".join(name.split()).casefold()


def display_name(spellings: Iterable[str]) -> str:
    """The spelling to show: one written with capitals as in a name ("Team A" before "team a" or "TEAM A"),
    then the first in alphabetical order, so the choice is the same whatever the order of the files."""
    tidy = {" ".join(s.split()) for s in spellings}
    return min(tidy, key=lambda s: (s.islower(), s.isupper(), s))


def unify_groups(waves: Mapping[str, Responses]) -> dict[str, Responses]:
    """The waves with every respondent's group written the same way in every wave (copies; the input is
    left as it is). A blank group stays None."""
    spellings: dict[str, set[str]] = {}
    for responses in waves.values():
        for person in responses.respondents:
            if person.group and person.group.strip():
                spellings.setdefault(group_key(person.group), set()).add(person.group)
    names = {key: display_name(found) for key, found in spellings.items()}

    def renamed(responses: Responses) -> Responses:
        people = [p.model_copy(update={"group": names[group_key(p.group)] if p.group and p.group.strip()
                                       else None}) for p in responses.respondents]
        return responses.model_copy(update={"respondents": people})

    return {wave: renamed(responses) for wave, responses in waves.items()}
