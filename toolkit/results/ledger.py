"""The commitment ledger: what was promised after one survey wave, and whether it was done by the next.

Commitments made in the follow-up after wave N are asked about in wave N+1's survey (the item `ledger_1`: "What
was promised after the last survey has been done") and reported in the next follow-up ("what we said, what we
did"). Pure data: the workspace stores a `Ledger`; nothing here reads or writes files.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from toolkit.results.model import WAVES, Wave


class Commitment(BaseModel):
    """One promise to staff. `wave` is the wave after whose results it was made; `done` is None until someone
    says whether it was kept."""

    text: str
    wave: Wave
    done: bool | None = None


class Ledger(BaseModel):
    """Every commitment of a rollout, in the order they were made."""

    entries: list[Commitment] = Field(default_factory=list)

    def add(self, texts: list[str], wave: str) -> Ledger:
        """A copy with the commitments made after `wave` added (blank and repeated texts left out)."""
        known = {(c.text, c.wave) for c in self.entries}
        new = [Commitment(text=t.strip(), wave=wave) for t in dict.fromkeys(texts)
               if t.strip() and (t.strip(), wave) not in known]
        return Ledger(entries=[*self.entries, *new])

    def mark(self, text: str, done: bool | None) -> Ledger:
        """A copy where every commitment with this text is marked done (True), not done (False) or open (None)."""
        return Ledger(entries=[c.model_copy(update={"done": done}) if c.text == text else c for c in self.entries])

    def made_after(self, wave: str) -> list[Commitment]:
        """The commitments made after `wave`'s results."""
        return [c for c in self.entries if c.wave == wave]

    def due_in(self, wave: str) -> list[Commitment]:
        """What the survey and follow-up of `wave` look back on: the commitments made after the wave before it."""
        previous = previous_wave(wave)
        return self.made_after(previous) if previous else []


def previous_wave(wave: str) -> str | None:
    """The wave before `wave` (None for the first)."""
    index = WAVES.index(wave)
    return WAVES[index - 1] if index else None


def next_wave(wave: str) -> str | None:
    """The wave after `wave` (None for the last)."""
    index = WAVES.index(wave)
    return WAVES[index + 1] if index + 1 < len(WAVES) else None


def as_ledger(value: Ledger | list[Commitment] | None) -> Ledger:
    """A `Ledger` from a ledger, a list of commitments (or their dicts), or nothing."""
    if isinstance(value, Ledger):
        return value
    return Ledger(entries=[Commitment.model_validate(c) for c in value or []])
