"""The purpose story: the announcement that tells staff why the AI tool comes, what changes and what it means.

The offline composer fills text blocks from `templates/{lang}/story.yaml` with the brief. Retrieval picks the
guidance and the research figures each section uses (one query per section, built from the brief and the
section's theme), so two briefs read differently. `variant` picks other wordings; variant 0 is stable.
The shared machinery (templates, retrieval, sentences, the sender's notes) is `toolkit.drafting.compose`.

Staff text tells staff about this rollout only: the guidance a section rests on becomes a note for the sender
(`Draft.notes`), an outside figure names its source in words (no [n] mark; the card stays in `Draft.citations`),
and the meetings, training and follow-ups it mentions are the communication plan's, with the plan's dates.
"""

from __future__ import annotations

from toolkit.brief import Brief
from toolkit.citations import normalise_citations
from toolkit.drafting import plan
from toolkit.drafting.compose import Composer, Retriever, sentence, signature, signs_as_contact
from toolkit.models import Draft, Section

# The sender shifts the emphasis (Prosci): leaders explain the business reason first, direct managers the
# personal impact. Both name the worry (in "why" and "impact") before the benefit ("stops_doing").
ORDER = {
    "executive": ("why", "vision", "numbers", "impact", "changes", "stops_doing", "stays_same", "involve",
                  "follow_up", "contact"),
    "team_leader": ("why", "impact", "changes", "stops_doing", "stays_same", "vision", "numbers", "involve",
                    "follow_up", "contact"),
}


# --- the story's sections -----------------------------------------------------------------------------------

def _context(brief: Brief) -> str:
    return " ".join((brief.ai_tool, brief.purpose, " ".join(brief.changes)))


def _why(c: Composer) -> Section:
    b = c.brief
    paragraphs = [c.say("why.open"), c.say(f"why.{b.sender}"), f'{c.say("why.purpose_lead")} {sentence(b.purpose)}']
    return Section(key="why", heading=c.say("why.heading"), paragraphs=[p for p in paragraphs if p])


def _vision(c: Composer) -> Section:
    b = c.brief
    if b.vision:  # an executive ties the choice to the direction ("that direction ...") before asking for help
        paragraphs = [sentence(b.vision), c.say("vision.executive") if b.sender == "executive" else "",
                      c.say("vision.together")]
    else:
        paragraphs = [c.say("vision.open_question"), c.say("vision.executive") if b.sender == "executive" else ""]
    return Section(key="vision", heading=c.say("vision.heading"), paragraphs=[p for p in paragraphs if p])


def _numbers(c: Composer) -> Section:
    b = c.brief
    if b.facts:
        own = [c.say("numbers.own_lead"), c.say("numbers.team"), *(sentence(f) for f in b.facts)]
        paragraphs = [" ".join(own)]
    else:
        paragraphs = [c.say("numbers.team")]
    limit = 2 if b.sender == "executive" or not b.facts else 1
    claims, ids = c.facts(c.query("numbers.query", _context(b)), limit=limit, only="numbers.facts", marked=False)
    for card_id in ids:
        c.notes.add("numbers", c.say("numbers.fact_note"), card_id)
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
    ids = c.guidance_notes("stops_doing", "stops_doing.guidance", c.query("stops_doing.query", c.brief.ai_tool))
    return Section(key="stops_doing", heading=c.say("stops_doing.heading"), paragraphs=[c.say("stops_doing.lead")],
                   bullets=[sentence(x) for x in c.brief.stops_doing], citations=ids)


def _stays_same(c: Composer) -> Section | None:
    if not c.brief.stays_same:
        return None
    ids = c.guidance_notes("stays_same", "stays_same.guidance", c.query("stays_same.query", c.brief.ai_tool))
    return Section(key="stays_same", heading=c.say("stays_same.heading"), paragraphs=[c.say("stays_same.lead")],
                   bullets=[sentence(x) for x in c.brief.stays_same], citations=ids)


def _impact(c: Composer) -> Section:
    b = c.brief
    query = c.query("impact.query", b.ai_tool, b.audience)
    claims, fact_ids = c.facts(query, limit=1, only="impact.facts", marked=False)
    for card_id in fact_ids:
        c.notes.add("impact", c.say("impact.fact_note"), card_id)
    ids = c.guidance_notes("impact", "impact.guidance", query)
    paragraphs = [c.say("impact.worry")]
    if not b.commitments:
        paragraphs.append(c.say("impact.undecided"))
    if claims:
        paragraphs.append(f"{claims[0]} {c.say('impact.fact_close')}")
    if b.commitments:
        paragraphs.append(c.say("impact.commitments_lead"))
    else:
        paragraphs.append(c.say("impact.hear_more"))
    return Section(key="impact", heading=c.say("impact.heading"), paragraphs=[p for p in paragraphs if p],
                   bullets=[sentence(x) for x in b.commitments], citations=fact_ids + ids)


def _involve(c: Composer) -> Section:
    query = c.query("involve.query", c.brief.ai_tool)
    ids = c.guidance_notes("involve", "involve.guidance", query, limit=2)
    paragraphs = [c.say("involve.individual"), c.say("involve.group"), c.say("involve.close")]
    return Section(key="involve", heading=c.say("involve.heading"), paragraphs=[p for p in paragraphs if p],
                   citations=ids)


def _follow_up(c: Composer) -> Section:
    b = c.brief
    query = c.query("follow_up.query", b.ai_tool, " ".join(b.success_measures))
    ids = c.guidance_notes("follow_up", "follow_up.guidance", query, limit=2)
    paragraphs = [c.say("follow_up.rounds")]
    if b.success_measures:
        defined = c.block("follow_up.defines_measures") in ids  # the card that says how to define them
        paragraphs.append(c.say("follow_up.measures_lead" if defined else "follow_up.define"))
    else:
        paragraphs.append(c.say("follow_up.no_measures"))
    return Section(key="follow_up", heading=c.say("follow_up.heading"), paragraphs=[p for p in paragraphs if p],
                   bullets=[sentence(x) for x in b.success_measures], citations=ids)


def _contact(c: Composer) -> Section:
    ask = "contact.ask_me" if signs_as_contact(c.brief) else "contact.ask"
    paragraphs = [c.say(ask), c.say("contact.close")]
    if c.brief.author:
        paragraphs.append(c.say("contact.regards"))
        paragraphs.append(signature(c.brief))
    return Section(key="contact", heading=c.say("contact.heading"), paragraphs=[p for p in paragraphs if p])


BUILDERS = {"why": _why, "vision": _vision, "numbers": _numbers, "changes": _changes, "stops_doing": _stops_doing,
            "stays_same": _stays_same, "impact": _impact, "involve": _involve, "follow_up": _follow_up,
            "contact": _contact}
# Sections that draw on the same pool of figures are composed in this order, so the section where a figure
# matters most (jobs in "impact") gets first pick; the reading order is ORDER[sender].
COMPOSE_FIRST = ("impact",)


def compose(brief: Brief, lang: str, retriever: Retriever, variant: int = 0, confirmed: bool = False) -> Draft:
    """The purpose story for a brief, in `lang` and the brief's register (no checks; see drafting.draft).

    The meetings it mentions are the plan's proposal (`plan.schedule`); until the user confirms the plan
    (`confirmed`), the sender's notes ask to confirm each of them."""
    c = Composer(brief, lang, retriever, variant, "story", touchpoints=plan.schedule(brief.start_date),
                 confirmed=confirmed)
    order = ORDER.get(brief.sender, ORDER["team_leader"])
    built: dict[str, Section | None] = {}
    for key in (*COMPOSE_FIRST, *order):
        if key not in built:
            built[key] = c.section(key, BUILDERS[key])
    sections = [built[key] for key in order if built[key] is not None]
    result = normalise_citations(c.draft("story", c.say("title"), sections))
    # No mark numbers the sources, so list them as a reader meets the sections (the review edition's order).
    listed = list(dict.fromkeys(cid for section in result.sections for cid in section.citations))
    result.citations.sort(key=lambda cite: listed.index(cite.id) if cite.id in listed else len(listed))
    return result
