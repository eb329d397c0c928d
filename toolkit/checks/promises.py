"""Promises: every commitment a staff text makes is held by the brief or the plan, and no claim about jobs or pay
goes beyond the brief.

The kinds of commitment (no redundancies, training in working time, pay, a named contact for data questions,
one-to-one and group meetings, training) and of claim (job losses) are patterns per language in
`templates/{lang}/promises.yaml`, matched per sentence; questions are not promises. A commitment is held
("grounded") by:

- the plan, for touchpoints (`plan:` keys): the confirmed plan's timeline, or else the proposal from
  `toolkit.drafting.plan.schedule` - held, but reported (info) as unconfirmed until the user confirmed the plan;
- a brief line (`brief:` words or the kind's own patterns), commitments first: `brief:commitments[0]`;
- for a contact for data questions, the brief's own contact person named in the sentence.

A claim (`claim: true`: job losses, pay) is held only by a brief line that makes it too, with every figure the
sentence states: a planted "90% will lose their jobs" is flagged whatever source it came from.
`find_promises` lists them (`Draft.promises`); `check_promises` turns the unfounded ones into findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from toolkit.brief import Brief
from toolkit.checks._common import capped, quote, units
from toolkit.drafting.brief_index import brief_passages
from toolkit.drafting.plan import schedule
from toolkit.i18n import translator
from toolkit.models import Draft, Finding, Promise
from toolkit.templates import load_template

_SENTENCE = re.compile(r"(?<=[.!?:])\s+|\n+")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
# Text staff read as statements of the organisation: not titles, dates, nor survey items (a statement to rate is
# the respondent's, not a promise).
ROLES = ("prose", "list", "cell", "heading")


@dataclass(frozen=True)
class Kind:
    """One kind of commitment or claim in one language."""

    key: str
    label: str
    patterns: tuple[re.Pattern, ...]
    plan: tuple[str, ...] = ()
    brief: tuple[str, ...] = ()
    claim: bool = False

    def matches(self, text: str) -> bool:
        return any(p.search(text) for p in self.patterns)


@cache
def kinds(lang: str) -> tuple[Kind, ...]:
    """The kinds of commitment of a language, from its template."""
    spec = load_template(lang, "promises").get("promises") or {}
    return tuple(Kind(key=key, label=value.get("label", key),
                      patterns=tuple(re.compile(p, re.IGNORECASE) for p in value.get("patterns") or []),
                      plan=tuple(value.get("plan") or []), brief=tuple(w.lower() for w in value.get("brief") or []),
                      claim=bool(value.get("claim"))) for key, value in spec.items())


@dataclass(frozen=True)
class Found:
    """A promise with what the check needs to report it."""

    promise: Promise
    kind: Kind
    where: str
    quote: str


def _sentences(draft: Draft):
    """(where, sentence, quote) for every statement staff read; questions are asked, not promised."""
    for unit in units(draft):
        if unit.role not in ROLES:
            continue
        start = 0
        for piece in _SENTENCE.split(unit.text):
            offset = unit.text.find(piece, start)
            start = max(start, offset)
            text = piece.strip().lstrip("- ").strip()
            if text and not text.endswith("?"):
                yield unit.where, text, quote(unit.text, offset, offset + len(piece))


def _plan_keys(draft: Draft, brief: Brief | None, plan: Draft | None) -> list[str]:
    """The touchpoints the plan holds: the given (confirmed) plan's timeline, the draft's own when it is the
    plan, else the proposal from the brief's start date."""
    source = plan if plan is not None else draft if draft.kind == "plan" else None
    if source is not None and source.timeline:
        return [entry.key for entry in source.timeline if entry.key]
    return list(schedule(brief.start_date)) if brief is not None else []


def _held_by_brief(kind: Kind, sentence: str, brief: Brief | None) -> str:
    """Where the brief holds a commitment ('brief:commitments[0]'), or ''."""
    if brief is None:
        return ""
    if kind.key == "data_contact" and brief.contact_person.lower() in sentence.lower():
        return "brief:contact_person"
    passages = brief_passages(brief)
    passages.sort(key=lambda p: p.field != "commitments")  # a commitment holds a promise before a plain line
    figures = set(_DIGITS.findall(sentence))
    for passage in passages:
        line = passage.text.lower()
        if kind.claim:
            if kind.matches(passage.text) and figures <= set(_DIGITS.findall(passage.text)):
                return f"brief:{passage.where}"
        elif kind.matches(passage.text) or any(word in line for word in kind.brief):
            return f"brief:{passage.where}"
    return ""


def _held_by_sender(sentence: str, draft: Draft) -> str:
    """A follow-up states the commitments its sender typed in for it (they stand in `Draft.derived`): those are
    decided, like the brief's commitments. Only whole phrases count, never a date or a figure."""
    if draft.kind != "followup":
        return ""
    line = sentence.lower()
    for value in draft.derived:
        if len(value.split()) >= 3 and value.strip().rstrip(".").lower() in line:
            return "draft:commitments"
    return ""


def _promise(kind: Kind, sentence: str, brief: Brief | None, held: list[str], draft: Draft) -> Promise:
    if kind.plan:
        key = next((k for k in kind.plan if k in held), "")
        if key:
            return Promise(text=sentence, grounded_in=f"plan:{key}", ok=True)
    where = "" if kind.claim else _held_by_sender(sentence, draft)
    where = where or _held_by_brief(kind, sentence, brief)
    return Promise(text=sentence, grounded_in=where, ok=bool(where))


def _found(draft: Draft, brief: Brief | None, plan: Draft | None) -> list[Found]:
    held = _plan_keys(draft, brief, plan)
    found: list[Found] = []
    for where, sentence, snippet in _sentences(draft):
        for kind in kinds(draft.lang):
            if kind.matches(sentence):
                found.append(Found(_promise(kind, sentence, brief, held, draft), kind, where, snippet))
    return found


def find_promises(draft: Draft, brief: Brief | None = None, plan: Draft | None = None) -> list[Promise]:
    """Every commitment and claim the draft makes to staff, with where it is held (`Draft.promises`).

    `plan` is the plan the user confirmed, if any; without it the plan's proposal for the brief counts."""
    return [f.promise for f in _found(draft, brief, plan)]


def check_promises(draft: Draft, brief: Brief | None = None, plan: Draft | None = None,
                   confirmed: bool = False) -> list[Finding]:
    """A warning for each commitment nothing holds and each claim about jobs or pay the brief does not make;
    an info per plan touchpoint promised while the plan is not confirmed (`confirmed=False`)."""
    _ = translator(draft.lang)
    findings: list[Finding] = []
    unconfirmed: dict[str, list[Found]] = {}
    for found in _found(draft, brief, plan):
        if found.promise.ok:
            if found.promise.grounded_in.startswith("plan:") and not confirmed and draft.kind != "plan":
                unconfirmed.setdefault(found.kind.key, []).append(found)
            continue
        findings.append(_unfounded(found, _))
    findings = capped(findings, _)
    for group in unconfirmed.values():
        places = list(dict.fromkeys(f.where for f in group))
        findings.append(Finding(
            check="promises", severity="info",
            message=_("This text promises {what}, from the plan's proposal. The plan is not confirmed yet.",
                      what=group[0].kind.label),
            where=", ".join(places), fix=_("Confirm the plan, or change the text.")))
    return findings


def _unfounded(found: Found, _) -> Finding:
    where = f"{found.where}: “{found.quote}”"
    if found.kind.claim:
        return Finding(check="promises", severity="warning",
                       message=_("A claim about {what} that the brief does not make.", what=found.kind.label),
                       where=where, fix=_("Remove it, or add it to the brief if it is true for your organisation."))
    return Finding(check="promises", severity="warning",
                   message=_("A promise that neither the brief nor the plan holds: {what}.", what=found.kind.label),
                   where=where, fix=_("Add it to the brief's commitments if it has been agreed, or remove it."))
