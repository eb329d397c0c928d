"""The purpose story: the announcement that tells staff why the AI tool comes, what changes and what it means.

The offline composer fills text blocks from `templates/{lang}/story.yaml` with the brief. Retrieval picks the
guidance and the research figures each section uses (one query per section, built from the brief and the
section's theme), so two briefs read differently. `variant` picks other wordings; variant 0 is stable.

The `Composer` here is shared with the FAQ composer (`toolkit.drafting.faq`).
"""

from __future__ import annotations

import re
from typing import Any

from toolkit.brief import Brief
from toolkit.cards import get_card
from toolkit.drafting.common import CitationBook, Retriever, choose, load_template, template_node, with_mark
from toolkit.i18n import format_long_date, format_number
from toolkit.models import Draft, Hit, Section

# The sender shifts the emphasis (Prosci): leaders explain the business reason first, direct managers the
# personal impact. Both name the worry (in "why" and "impact") before the benefit ("stops_doing").
ORDER = {
    "executive": ("why", "vision", "numbers", "impact", "changes", "stops_doing", "stays_same", "involve",
                  "follow_up", "contact"),
    "team_leader": ("why", "impact", "changes", "stops_doing", "stays_same", "vision", "numbers", "involve",
                    "follow_up", "contact"),
}
AND = {"nl": "en", "sv": "och", "en": "and"}
_DIGIT = re.compile(r"\d")


# --- small text helpers -------------------------------------------------------------------------------------

def cap_first(text: str) -> str:
    """Upper-case the first letter, leave the rest alone."""
    text = text.strip()
    return text[:1].upper() + text[1:]


def lc_first(text: str) -> str:
    """Lower-case the first letter for use mid-sentence, unless the first word looks like a name or acronym."""
    text = text.strip()
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[1:2].islower() and first[1:] == first[1:].lower():
        return text[:1].lower() + text[1:]
    return text


def sentence(text: str) -> str:
    """A complete sentence: capital first letter and closing punctuation."""
    text = cap_first(text)
    if text and text[-1] not in ".!?:…\"”'":
        text += "."
    return text


def bare(text: str) -> str:
    """A list entry without closing punctuation, for joining inside a sentence."""
    return text.strip().rstrip(".;:,!").strip()


def join_list(items: list[str], lang: str) -> str:
    """'a, b and c' in the draft language, entries lower-cased where that is safe."""
    parts = [lc_first(bare(i)) for i in items if bare(i)]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {AND[lang]} {parts[-1]}"


# --- the composer -------------------------------------------------------------------------------------------

class Composer:
    """Text blocks of one artefact in one language and register, filled from a brief, with citations."""

    def __init__(self, brief: Brief, lang: str, retriever: Retriever, variant: int, name: str,
                 book: CitationBook | None = None):
        self.brief, self.lang, self.retriever, self.variant, self.name = brief, lang, retriever, variant, name
        self.tpl = load_template(lang, name)
        self.register = brief.register(lang)
        self.book = book if book is not None else CitationBook()
        self.used: set[str] = set()
        self.derived: list[str] = []
        self._hits: dict[tuple[str, int], list[Hit]] = {}
        self.slots = self._slots()

    def _slots(self) -> dict[str, str]:
        date = format_long_date(self.brief.start_date, self.lang)
        team = format_number(self.brief.team_size, self.lang)
        self.derived.append(date)
        if team != str(self.brief.team_size):
            self.derived.append(team)
        return {"tool": self.brief.ai_tool, "org": self.brief.organisation, "date": date,
                "contact": self.brief.contact_person, "team_size": team, "author": self.brief.author}

    def block(self, path: str) -> Any:
        """The raw template value at a dotted path, or None."""
        return template_node(self.tpl, path)

    def say(self, path_or_block: Any, salt: str = "", **extra: str) -> str:
        """One wording for the reader's register (a variant picks among alternatives), slots filled."""
        block = self.block(path_or_block) if isinstance(path_or_block, str) else path_or_block
        salt = salt or (path_or_block if isinstance(path_or_block, str) else "")
        if isinstance(block, dict):
            block = block.get(self.register, block.get("all"))
        if block is None:
            return ""
        text = choose(block, self.variant, self.name, salt).strip()
        return text.format(**self.slots, **extra) if text else ""

    # retrieval ------------------------------------------------------------------------------------------

    def search(self, query: str, k: int = 8) -> list[Hit]:
        """Hits for a query in the draft language; a card found in another language is read in this one."""
        key = (query, k)
        if key not in self._hits:
            hits: list[Hit] = []
            for hit in self.retriever.search(query, lang=self.lang, k=k):
                local = self._localise(hit)
                if local is not None and all(h.card_id != local.card_id for h in hits):
                    hits.append(local)
            self._hits[key] = hits
        return self._hits[key]

    def _localise(self, hit: Hit) -> Hit | None:
        if hit.lang == self.lang:
            return hit
        if hit.origin == "upload":
            return None
        card = get_card(hit.card_id, self.lang)
        if card is None or card.lang != self.lang:
            return None
        return hit.model_copy(update={"text": card.body, "title": card.title, "source": card.source,
                                      "year": card.year, "lang": card.lang, "kind": card.kind,
                                      "claim": card.claim, "topics": card.topics})

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

    def facts(self, query: str, limit: int = 1, only: str | tuple[str, ...] = "") -> tuple[list[str], list[str]]:
        """Research figures for a query: the `claim` of the best-ranked fact cards not used yet, each cited.

        `only` names a template list of card ids or topics the figure must match (e.g. figures about jobs), or
        is such a tuple itself."""
        wanted = set(only) if isinstance(only, tuple) else set(self.block(only) or []) if only else set()
        avoid = set(self.block("avoid_facts") or [])  # figures that alarm rather than explain in a staff text
        sentences, ids = [], []
        for hit in self.search(query, k=20):
            if len(sentences) >= limit:
                break
            if hit.card_id in avoid or (wanted and hit.card_id not in wanted and not wanted & set(hit.topics)):
                continue
            if hit.kind == "fact" and hit.claim and _DIGIT.search(hit.claim) and hit.card_id not in self.used:
                sentences.append(with_mark(sentence(hit.claim), self.book.cite(hit)))
                self.used.add(hit.card_id)
                ids.append(hit.card_id)
        return sentences, ids

    def draft(self, kind: str, title: str, sections: list[Section], **extra: Any) -> Draft:
        """The Draft with the common fields set."""
        subtitle = " · ".join((self.brief.organisation, self.brief.ai_tool, self.slots["date"]))
        return Draft(kind=kind, lang=self.lang, title=title, subtitle=subtitle, variant=self.variant,
                     sections=sections, citations=list(self.book.citations), derived=list(dict.fromkeys(self.derived)),
                     register=self.register, organisation=self.brief.organisation, ai_tool=self.brief.ai_tool,
                     date=self.brief.start_date.isoformat(), **extra)


# --- the story's sections -----------------------------------------------------------------------------------

def _context(brief: Brief) -> str:
    return " ".join((brief.ai_tool, brief.purpose, " ".join(brief.changes)))


def _why(c: Composer) -> Section:
    b = c.brief
    paragraphs = [c.say("why.open"), c.say(f"why.{b.sender}"), f'{c.say("why.purpose_lead")} {sentence(b.purpose)}']
    return Section(key="why", heading=c.say("why.heading"), paragraphs=[p for p in paragraphs if p])


def _vision(c: Composer) -> Section:
    b = c.brief
    if b.vision:
        paragraphs = [sentence(b.vision), c.say("vision.together")]
    else:
        paragraphs = [c.say("vision.open_question")]
    if b.sender == "executive":
        paragraphs.append(c.say("vision.executive"))
    return Section(key="vision", heading=c.say("vision.heading"), paragraphs=[p for p in paragraphs if p])


# Sector figures that explain a choice to staff: AI is common, people keep the complex and valued contacts.
# (Figures about managers' worries or missing training inform the manager, not the announcement.)
STORY_FACTS = ("calabrio-ai-adoption", "calabrio-harder-conversations", "gartner-keep-human-agents",
               "gartner-cuts-abandoned", "gartner-trust-humans")


def _numbers(c: Composer) -> Section:
    b = c.brief
    if b.facts:
        own = [c.say("numbers.own_lead"), c.say("numbers.team"), *(sentence(f) for f in b.facts)]
        paragraphs = [" ".join(own)]
    else:
        paragraphs = [c.say("numbers.team")]
    limit = 2 if b.sender == "executive" or not b.facts else 1
    claims, ids = c.facts(c.query("numbers.query", _context(b)), limit=limit, only=STORY_FACTS)
    if claims:
        paragraphs.append(c.say("numbers.research_lead"))
        paragraphs.extend(claims)
        paragraphs.append(c.say("numbers.research_close"))
    return Section(key="numbers", heading=c.say("numbers.heading"), paragraphs=[p for p in paragraphs if p],
                   citations=ids)


def _changes(c: Composer) -> Section:
    return Section(key="changes", heading=c.say("changes.heading"), paragraphs=[c.say("changes.lead")],
                   bullets=[sentence(x) for x in c.brief.changes])


def _stops_doing(c: Composer) -> Section:
    lines, ids = c.guidance("stops_doing.guidance", c.query("stops_doing.query", c.brief.ai_tool))
    return Section(key="stops_doing", heading=c.say("stops_doing.heading"),
                   paragraphs=[*lines, c.say("stops_doing.lead")],
                   bullets=[sentence(x) for x in c.brief.stops_doing], citations=ids)


def _stays_same(c: Composer) -> Section | None:
    if not c.brief.stays_same:
        return None
    lines, ids = c.guidance("stays_same.guidance", c.query("stays_same.query", c.brief.ai_tool))
    return Section(key="stays_same", heading=c.say("stays_same.heading"),
                   paragraphs=[*lines, c.say("stays_same.lead")],
                   bullets=[sentence(x) for x in c.brief.stays_same], citations=ids)


def _impact(c: Composer) -> Section:
    b = c.brief
    query = c.query("impact.query", b.ai_tool, b.audience)
    claims, fact_ids = c.facts(query, limit=1, only="impact.facts")
    lines, ids = c.guidance("impact.guidance", query)
    paragraphs = [c.say("impact.worry")]
    if not b.commitments:
        paragraphs.append(c.say("impact.undecided"))
    if claims:
        paragraphs.append(f"{claims[0]} {c.say('impact.fact_close')}")
    paragraphs.extend(lines)
    if b.commitments:
        paragraphs.append(c.say("impact.commitments_lead"))
    else:
        paragraphs.append(c.say("impact.hear_more"))
    return Section(key="impact", heading=c.say("impact.heading"), paragraphs=[p for p in paragraphs if p],
                   bullets=[sentence(x) for x in b.commitments], citations=fact_ids + ids)


def _involve(c: Composer) -> Section:
    query = c.query("involve.query", c.brief.ai_tool)
    lines, ids = c.guidance("involve.guidance", query, limit=2)
    paragraphs = [c.say("involve.individual"), c.say("involve.group"), *lines, c.say("involve.close")]
    return Section(key="involve", heading=c.say("involve.heading"), paragraphs=[p for p in paragraphs if p],
                   citations=ids)


def _follow_up(c: Composer) -> Section:
    b = c.brief
    query = c.query("follow_up.query", b.ai_tool, " ".join(b.success_measures))
    lines, ids = c.guidance("follow_up.guidance", query, limit=2)
    paragraphs = [c.say("follow_up.rounds"), *lines]
    if b.success_measures:
        defined = "loman-define-efficiency" in ids
        paragraphs.append(c.say("follow_up.measures_lead" if defined else "follow_up.define"))
    else:
        paragraphs.append(c.say("follow_up.no_measures"))
    return Section(key="follow_up", heading=c.say("follow_up.heading"), paragraphs=[p for p in paragraphs if p],
                   bullets=[sentence(x) for x in b.success_measures], citations=ids)


def _contact(c: Composer) -> Section:
    paragraphs = [c.say("contact.ask"), c.say("contact.close")]
    if c.brief.author:
        paragraphs.append(c.say("contact.regards"))
        paragraphs.append(c.brief.author)
    return Section(key="contact", heading=c.say("contact.heading"), paragraphs=[p for p in paragraphs if p])


BUILDERS = {"why": _why, "vision": _vision, "numbers": _numbers, "changes": _changes, "stops_doing": _stops_doing,
            "stays_same": _stays_same, "impact": _impact, "involve": _involve, "follow_up": _follow_up,
            "contact": _contact}
# Sections that draw on the same pool of figures are composed in this order, so the section where a figure
# matters most (jobs in "impact") gets first pick; the reading order is ORDER[sender].
COMPOSE_FIRST = ("impact",)


def compose(brief: Brief, lang: str, retriever: Retriever, variant: int = 0) -> Draft:
    """The purpose story for a brief, in `lang` and the brief's register (no checks; see drafting.draft)."""
    from toolkit.drafting import normalise_citations

    c = Composer(brief, lang, retriever, variant, "story")
    order = ORDER.get(brief.sender, ORDER["team_leader"])
    built: dict[str, Section | None] = {}
    for key in (*COMPOSE_FIRST, *order):
        if key not in built:
            built[key] = BUILDERS[key](c)
    sections = [built[key] for key in order if built[key] is not None]
    return normalise_citations(c.draft("story", c.say("title"), sections))
