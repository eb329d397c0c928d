"""The composers' shared room: templates, wordings, retrieval in the draft language, sentences, the Draft shell.

Every offline composer (story, FAQ, survey, plan) fills text blocks from `templates/{lang}/{name}.yaml`.

- **A template node** is a string, a list of alternative wordings, or a mapping keyed by wave (`before`,
  `during`, `after`), by register (`je`/`u`, `du`/`ni`, `plain`/`formal`) or `all`; mappings nest to any depth.
  `Blocks.say` walks down (wave, then register, then `all`), lets the variant pick among alternatives and fills
  the slots.
- **Localising a hit** (`localise`): a draft quotes only text in its own language. A hit in the draft language is
  used as it is; a shipped card found through another language is read in the draft language's version; an
  upload in another language, or a card with no version in the draft language, is dropped.
- **Sentences** (`sentence`, `lc_first`, `join_list`, `bare`, `cap_first`, `first_sentence`): brief entries put
  into template text.
- **The sender's notes** (`SenderNotes`): staff text tells staff about this rollout; the guidance behind a part
  (why it is there, what to watch for, the card it rests on) is a `Note` for the sender. A text speaks of a plan
  touchpoint (individual meetings, the group meeting, training, follow-ups, survey waves) only through a slot
  named after the plan's key (`{individual}`, `{group}`, ...), filled with the plan's date; every such mention
  is recorded in `Draft.touchpoints` and, until the plan is confirmed, gets a note asking to confirm it.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol

from toolkit.brief import Brief
from toolkit.cards import get_card
from toolkit.citations import CitationBook, with_mark
from toolkit.i18n import format_long_date, format_number
from toolkit.models import Draft, Hit, Note, Section
from toolkit.templates import load_template, template_node

_DIGIT = re.compile(r"\d")  # a research figure's claim holds a number


class Retriever(Protocol):
    def search(self, query: str, lang: str | None = None, k: int = 5) -> list[Hit]: ...


# --- templates ----------------------------------------------------------------------------------------------

def resolve(node: Any, *keys: str) -> Any:
    """Walk wave/register/all mappings (in the order of `keys`, then `all`) down to a string or a list of
    alternatives; None when a mapping has none of them."""
    while isinstance(node, dict):
        for key in (*keys, "all"):
            if key and key in node:
                node = node[key]
                break
        else:
            return None
    return node


def rng(variant: int, *salt: str) -> random.Random:
    """A deterministic random source per variant and slot: variant 0 always reads the same."""
    return random.Random("|".join((str(variant), *salt)))


def choose(options: list[str] | str, variant: int, *salt: str) -> str:
    """Pick one wording from a list of alternatives (a plain string is its own only option)."""
    if isinstance(options, str):
        return options
    if not options:
        return ""
    if variant == 0:
        return options[0]
    return rng(variant, *salt).choice(options)


class Blocks:
    """The text blocks of one artefact in one language, for one register (and survey wave), slots filled.

    `wave=None` is for artefacts without waves (story, FAQ); a wave, even "", is part of the variant's salt,
    so each artefact's alternative wordings stay what they were."""

    def __init__(self, lang: str, name: str, register: str, variant: int = 0, wave: str | None = None,
                 slots: dict[str, str] | None = None):
        self.lang, self.name, self.register, self.variant, self.wave = lang, name, register, variant, wave or ""
        self.tpl = load_template(lang, name)
        self.slots = dict(slots or {})
        self._salt = (name,) if wave is None else (name, wave)
        self.mentioned: list[str] = []  # slot names the wordings said so far used (see SenderNotes)

    def block(self, path: str) -> Any:
        """The raw template value at a dotted path, or None."""
        return template_node(self.tpl, path)

    def say(self, path_or_block: Any, salt: str = "", **extra: str) -> str:
        """One wording for the wave and register (a variant picks among alternatives), slots filled; ''
        when absent."""
        block = self.block(path_or_block) if isinstance(path_or_block, str) else path_or_block
        salt = salt or (path_or_block if isinstance(path_or_block, str) else "")
        options = resolve(block, self.wave, self.register)
        if options is None:
            return ""
        text = choose(options, self.variant, *self._salt, salt).strip()
        if not text:
            return ""
        self.mentioned.extend(field for _lit, field, _spec, _conv in string.Formatter().parse(text) if field)
        return text.format(**{**self.slots, **extra})


# --- retrieval in the draft language ------------------------------------------------------------------------

def localise(hit: Hit, lang: str) -> Hit | None:
    """The hit as read in `lang`, or None when the draft cannot quote it (see the module docstring)."""
    if hit.lang == lang:
        return hit
    if hit.origin == "upload":
        return None
    card = get_card(hit.card_id, lang)
    if card is None or card.lang != lang:
        return None
    return hit.model_copy(update={"text": card.body, "title": card.title, "source": card.source,
                                  "year": card.year, "lang": card.lang, "kind": card.kind,
                                  "claim": card.claim, "topics": card.topics})


def search(retriever: Retriever, query: str, lang: str, k: int = 8) -> list[Hit]:
    """Hits for a query, localised to `lang`, one per card, best first."""
    hits: list[Hit] = []
    for hit in retriever.search(query, lang=lang, k=k):
        local = localise(hit, lang)
        if local is not None and all(h.card_id != local.card_id for h in hits):
            hits.append(local)
    return hits


class Guidance:
    """Finds the cards a composer leans on through retrieval and numbers them in a CitationBook."""

    def __init__(self, retriever: Retriever | None, lang: str, book: CitationBook | None = None):
        self.retriever, self.lang = retriever, lang
        self.book = book if book is not None else CitationBook()
        self.cited: list[str] = []

    def find(self, query: str, wanted: Iterable[str]) -> Hit | None:
        """The best-ranked hit among the wanted card ids, read in the draft language.

        When retrieval does not surface any of them, the shipped card itself is used if it exists, so a plan's
        rationale keeps its source even with a weak index; without either, None (the sentence goes uncited)."""
        wanted = tuple(wanted)
        hits = search(self.retriever, query, self.lang) if self.retriever is not None and query else []
        for hit in hits:
            if hit.card_id in wanted:
                return hit
        for card_id in wanted:
            card = get_card(card_id, self.lang)
            if card is not None:
                return Hit(id=f"{card.id}:{card.lang}", card_id=card.id, text=card.body, title=card.title,
                           source=card.source, year=card.year, lang=card.lang, kind=card.kind,
                           topics=card.topics, claim=card.claim)
        return None

    def mark(self, query: str, wanted: Iterable[str]) -> tuple[str, str]:
        """(citation mark, card id) for the best card among `wanted`, or ('', '') when none is found."""
        hit = self.find(query, wanted)
        if hit is None:
            return "", ""
        if hit.card_id not in self.cited:
            self.cited.append(hit.card_id)
        return self.book.cite(hit), hit.card_id


# --- sentences ----------------------------------------------------------------------------------------------

def cap_first(text: str) -> str:
    """Upper-case the first letter, leave the rest alone."""
    text = text.strip()
    return text[:1].upper() + text[1:]


def lc_first(text: str, names: Iterable[str] = ()) -> str:
    """Lower-case the first letter for use mid-sentence, unless the first word looks like a name or acronym
    (or is one of `names`, e.g. the tool's and the organisation's)."""
    text = text.strip()
    first = text.split(" ", 1)[0]
    if first in set(names):
        return text
    if len(first) > 1 and first[1:2].islower() and first[1:] == first[1:].lower():
        return text[:1].lower() + text[1:]
    return text


def sentence(text: str) -> str:
    """A complete sentence: capital first letter and closing punctuation."""
    text = cap_first(text)
    if text and text[-1] not in ".!?:…\"”'":
        text += "."
    return text


def first_sentence(text: str) -> str:
    """The first sentence of a text (up to the first full stop followed by a space), stripped."""
    text = " ".join(text.split())
    for end in (". ", "! ", "? "):
        cut = text.find(end)
        if cut != -1:
            text = text[: cut + 1]
    return text.strip()


def bare(text: str) -> str:
    """A list entry without closing punctuation, for joining inside a sentence."""
    return text.strip().rstrip(".;:,!").strip()


def join_list(items: list[str], lang: str | None = None, *, sep: str = ", ", names: Iterable[str] = ()) -> str:
    """Brief entries joined for use inside a sentence, lower-cased where that is safe.

    With `lang`: 'a, b and c' (the word for "and" from `templates/{lang}/common.yaml`); without: every entry
    joined with `sep` (the plan's 'a; b; c', for entries that may hold commas themselves)."""
    names = set(names)
    parts = [lc_first(bare(i), names) for i in items if bare(i)]
    if lang is None or len(parts) <= 1:
        return sep.join(parts)
    return f"{sep.join(parts[:-1])} {load_template(lang, 'common')['and']} {parts[-1]}"


# --- the sender's notes -------------------------------------------------------------------------------------

def touchpoint_slots(dates: dict[str, date], lang: str) -> dict[str, str]:
    """The plan's touchpoints as template slots: plan key -> long date in `lang` (`{individual}`, `{group}`)."""
    return {key: format_long_date(day, lang) for key, day in dates.items()}


def signs_as_contact(brief: Brief) -> bool:
    """Whether the letter's author is also its contact person ("Sanne de Vries" and "Sanne de Vries, team
    leader"): then the letter says "ask me", not the writer's own name in the third person."""
    def name(text: str) -> str:
        return re.split(r"[,(]", text, maxsplit=1)[0].strip().casefold()

    return bool(brief.author) and name(brief.author) != "" and name(brief.author) == name(brief.contact_person)


def signature(brief: Brief) -> str:
    """The name a letter is signed with: the author, with the contact person's role when they are one person
    (the text says "ask me", so the signature says who "me" is)."""
    if signs_as_contact(brief) and len(brief.contact_person) > len(brief.author):
        return brief.contact_person
    return brief.author


def advice_in(text: str, lang: str) -> list[str]:
    """The advice-to-the-writer patterns and adviser names (`templates/{lang}/advice_patterns.yaml`) that a staff
    text matches; [] when it tells staff only about the rollout."""
    rules = load_template(lang, "advice_patterns")
    found = [p for p in rules.get("patterns", []) if re.search(p, text, re.IGNORECASE)]
    return found + [name for name in rules.get("advisers", []) if re.search(rf"\b{re.escape(name)}\b", text)]


class SenderNotes:
    """The notes for the sender of one draft, and the plan touchpoints its text mentions.

    `dates` is the plan's schedule (key -> date); `confirmed` says whether the user confirmed that plan. Until
    then, each mention of a touchpoint adds a note asking the sender to confirm it in the plan."""

    def __init__(self, lang: str, dates: dict[str, date] | None = None, confirmed: bool = False):
        self.lang, self.dates, self.confirmed = lang, dict(dates or {}), confirmed
        self.notes: list[Note] = []
        self.touchpoints: list[str] = []

    def add(self, section: str, text: str, source: str = "") -> None:
        """A note on `section` (a section, FAQ item or survey item key); an empty text adds nothing."""
        text = " ".join(text.split())
        if text and all((n.section, n.text) != (section, text) for n in self.notes):
            self.notes.append(Note(section=section, text=text, source=source))

    def mention(self, section: str, key: str) -> None:
        """`section` speaks of the plan's touchpoint `key`: record it, and ask to confirm it while the plan is a
        proposal."""
        if key not in self.dates:
            return
        if key not in self.touchpoints:
            self.touchpoints.append(key)
        if not self.confirmed:
            common = load_template(self.lang, "common")
            what = common["touchpoints"][key].format(date=format_long_date(self.dates[key], self.lang))
            self.add(section, common["confirm_touchpoint"].format(what=what), "plan")

    def mentions(self, section: str, slots: Iterable[str]) -> None:
        """Record every touchpoint among the slot names a section's wordings used."""
        for key in dict.fromkeys(slots):
            self.mention(section, key)


# --- the Draft ----------------------------------------------------------------------------------------------

def draft_shell(kind: str, brief: Brief, lang: str, *, title: str, variant: int, **fields: Any) -> Draft:
    """A Draft with the fields every kind sets the same way (language, register, subtitle, brief facts);
    `fields` are the kind's own (sections, citations, derived, ...)."""
    subtitle = " · ".join((brief.organisation, brief.ai_tool, format_long_date(brief.start_date, lang)))
    return Draft(kind=kind, lang=lang, title=title, subtitle=subtitle, variant=variant,
                 register=brief.register(lang), organisation=brief.organisation, ai_tool=brief.ai_tool,
                 date=brief.start_date.isoformat(), **fields)


# --- the composer of prose artefacts ------------------------------------------------------------------------

class Composer(Blocks):
    """Text blocks of one artefact in one language and register, filled from a brief, citing the guidance and
    research figures retrieval finds (the story's and the FAQ's composer)."""

    def __init__(self, brief: Brief, lang: str, retriever: Retriever, variant: int, name: str,
                 book: CitationBook | None = None, touchpoints: dict[str, date] | None = None,
                 confirmed: bool = False):
        super().__init__(lang, name, brief.register(lang), variant)
        self.brief, self.retriever = brief, retriever
        self.book = book if book is not None else CitationBook()
        self.used: set[str] = set()
        self.derived: list[str] = []
        self._hits: dict[tuple[str, int], list[Hit]] = {}
        self.notes = SenderNotes(lang, touchpoints, confirmed)
        self.slots = {**touchpoint_slots(self.notes.dates, lang), **self._slots()}
        self.derived.extend(touchpoint_slots(self.notes.dates, lang).values())

    def _slots(self) -> dict[str, str]:
        date = format_long_date(self.brief.start_date, self.lang)
        team = format_number(self.brief.team_size, self.lang)
        self.derived.append(date)
        if team != str(self.brief.team_size):
            self.derived.append(team)
        return {"tool": self.brief.ai_tool, "org": self.brief.organisation, "date": date,
                "contact": self.brief.contact_person, "team_size": team, "author": self.brief.author}

    def search(self, query: str, k: int = 8) -> list[Hit]:
        """Hits for a query in the draft language (see `localise`), asked once per composer."""
        key = (query, k)
        if key not in self._hits:
            self._hits[key] = search(self.retriever, query, self.lang, k)
        return self._hits[key]

    def query(self, theme_path: str, *extra: str) -> str:
        """A section's query: its theme words in the draft language, plus brief context."""
        theme = self.block(theme_path) or ""
        return " ".join(p for p in (theme, *extra) if p).strip()

    def guidance(self, guidance_path: str, query: str, limit: int = 1) -> tuple[list[str], list[str]]:
        """Paraphrases (from the template) of the best-ranked guidance cards for a query, each cited."""
        options = self.block(guidance_path) or {}
        chosen = [h for h in self.search(query) if h.card_id in options and h.card_id not in self.used][:limit]
        chosen.sort(key=lambda h: list(options).index(h.card_id))  # retrieval selects, the template orders
        sentences, ids = [], []
        for hit in chosen:
            text = self.say(options[hit.card_id], f"{guidance_path}.{hit.card_id}")
            sentences.append(with_mark(text, self.book.cite(hit)))
            self.used.add(hit.card_id)
            ids.append(hit.card_id)
        return sentences, ids

    def guidance_notes(self, section: str, guidance_path: str, query: str, limit: int = 1) -> list[str]:
        """Notes for the sender from the best-ranked guidance cards for a query (the template's note per card);
        each card stays among the draft's sources, for the review edition. Returns the card ids."""
        options = self.block(guidance_path) or {}
        chosen = [h for h in self.search(query) if h.card_id in options and h.card_id not in self.used][:limit]
        chosen.sort(key=lambda h: list(options).index(h.card_id))  # retrieval selects, the template orders
        for hit in chosen:
            self.book.cite(hit)
            self.used.add(hit.card_id)
            self.notes.add(section, self.say(options[hit.card_id], f"{guidance_path}.{hit.card_id}"), hit.card_id)
        return [hit.card_id for hit in chosen]

    def facts(self, query: str, limit: int = 1, only: str = "", marked: bool = True) -> tuple[list[str], list[str]]:
        """Research figures for a query: the `claim` of the best-ranked fact cards not used yet, each cited.

        `only` names a template list of card ids or topics the figure must match (e.g. figures about jobs).
        `marked=False` is for staff text: no [n] mark (the claim names its source in words; the template's
        `claims.<card id>` may word it for staff, and `claims_again.<card id>` right after a figure from the same
        source: "the same report ..."), the card stays among the draft's citations."""
        wanted = set(self.block(only) or []) if only else set()
        avoid = set(self.block("avoid_facts") or [])  # figures that alarm rather than explain in a staff text
        sentences, ids, source = [], [], ""
        for hit in self.search(query, k=20):
            if len(sentences) >= limit:
                break
            if hit.card_id in avoid or (wanted and hit.card_id not in wanted and not wanted & set(hit.topics)):
                continue
            if hit.kind == "fact" and hit.claim and _DIGIT.search(hit.claim) and hit.card_id not in self.used:
                mark = self.book.cite(hit)
                again = self.say(f"claims_again.{hit.card_id}") if hit.source == source else ""  # "the same report"
                claim = again or self.say(f"claims.{hit.card_id}") or hit.claim
                source = hit.source
                sentences.append(with_mark(sentence(claim), mark) if marked else sentence(claim))
                self.used.add(hit.card_id)
                ids.append(hit.card_id)
        return sentences, ids

    def section(self, key: str, build: Any) -> Any:
        """Build one section with `build(self)`, noting the plan touchpoints its wordings mention."""
        self.mentioned = []
        built = build(self)
        if built is not None:
            self.notes.mentions(key, self.mentioned)
        return built

    def draft(self, kind: str, title: str, sections: list[Section], **extra: Any) -> Draft:
        """The Draft with the common fields set, citing what this composer cited, with the sender's notes in
        reading order."""
        order = [s.key for s in sections]
        notes = sorted(self.notes.notes, key=lambda n: order.index(n.section) if n.section in order else len(order))
        return draft_shell(kind, self.brief, self.lang, title=title, variant=self.variant, sections=sections,
                           citations=list(self.book.citations), derived=list(dict.fromkeys(self.derived)),
                           notes=notes, touchpoints=list(self.notes.touchpoints), **extra)
