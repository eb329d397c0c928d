"""The communication plan and workshop: dated touchpoints from the brief's start date and a timed agenda.

`Brief.start_date` is the go-live date: the day staff start working with the tool. Everything else is
scheduled around it (offsets in `SCHEDULE`): the announcement about four weeks before, the first survey wave
soon after, individual meetings before the group meeting (the workshop, where the first survey results are
discussed), training in the last two weeks, then follow-ups individually and in groups at about two and six
weeks, survey waves during (about four weeks) and after (twelve weeks), and an evaluation. Dates on a Saturday or
Sunday move to the Monday after; a go-live on a weekend moves too, with a notice.

Senders follow Prosci's preferred senders: senior leaders give the business reason (announcement, evaluation),
the team leader the personal impact (individual and group meetings, follow-ups), HR runs the anonymous survey.
"""

from __future__ import annotations

from datetime import date, timedelta

from toolkit.brief import Brief
from toolkit.citations import with_mark
from toolkit.drafting.compose import (
    Blocks,
    Guidance,
    Retriever,
    draft_shell,
    first_sentence,
    join_list,
    sentence,
)
from toolkit.i18n import format_long_date, format_number, format_weekday_date
from toolkit.models import Draft, Section, TimelineEntry, WorkshopBlock

# key, days from go-live, sender role, audience kind, channel key
SCHEDULE: tuple[tuple[str, int, str, str, str], ...] = (
    ("announce", -28, "executive", "all", "announce"),
    ("survey_before", -24, "hr", "all", "survey"),
    ("individual", -21, "team_leader", "each", "individual"),
    ("group", -14, "team_leader", "team", "workshop"),
    ("training", -10, "trainer", "all", "training"),
    ("go_live", 0, "team_leader", "all", "go_live"),
    ("follow_up_individual_1", 14, "team_leader", "each", "individual"),
    ("follow_up_group_1", 16, "team_leader", "team", "team_meeting"),
    ("survey_during", 30, "hr", "all", "survey"),
    ("follow_up_individual_2", 42, "team_leader", "each", "individual"),
    ("follow_up_group_2", 44, "team_leader", "team", "team_meeting"),
    ("survey_after", 84, "hr", "all", "survey"),
    ("evaluation", 98, "executive", "all", "evaluation"),
)
# Where each survey wave's results are shared with staff.
RESULTS_SHARED = {"before": "group", "during": "follow_up_group_2", "after": "evaluation"}
SURVEY_TOUCHPOINT = {"before": "survey_before", "during": "survey_during", "after": "survey_after"}

WORKSHOP_START = "09:00"
# key, minutes, is an exercise. The round of worries and hopes grows with the team (see `_worries_minutes`).
WORKSHOP: tuple[tuple[str, int, bool], ...] = (
    ("welcome", 20, False),
    ("worries_hopes", 20, True),
    ("demo", 20, False),
    ("stop_doing", 25, True),
    ("break", 15, False),
    ("stays_same", 20, True),
    ("changes", 20, False),
    ("agreements", 20, True),
    ("close", 10, False),
)

WHOLE_TEAM_MAX = 12  # up to this many people, everyone does the exercises together
ONE_SESSION_MAX = 30  # above this, hold the workshop once per team

def next_weekday(day: date) -> date:
    """The day itself on Monday to Friday; a Saturday or Sunday moves to the following Monday."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def go_live(start: date) -> date:
    """The go-live date: the brief's start date, moved to the Monday after if it falls on a weekend."""
    return next_weekday(start)


def schedule(start: date) -> dict[str, date]:
    """The date of every touchpoint (key -> date), none on a weekend, in the order of `SCHEDULE`."""
    live = go_live(start)
    return {key: next_weekday(live + timedelta(days=offset)) for key, offset, *_ in SCHEDULE}


def survey_date(start: date, wave: str) -> date:
    """When a survey wave runs."""
    return schedule(start)[SURVEY_TOUCHPOINT[wave]]


def results_date(start: date, wave: str) -> date:
    """When a survey wave's results are shared with staff (a group meeting or the evaluation)."""
    return schedule(start)[RESULTS_SHARED[wave]]


def compose(brief: Brief, lang: str, retriever: Retriever, variant: int = 0) -> Draft:
    """The communication plan and workshop for a brief, in `lang`, with cited rationale sections."""
    register = brief.register(lang)
    dates = schedule(brief.start_date)
    derived: list[str] = []
    long_date = _remember(derived, format_long_date(brief.start_date, lang))
    live_label = _remember(derived, format_long_date(dates["go_live"], lang))
    team = _remember(derived, format_number(brief.team_size, lang))
    slots = {"tool": brief.ai_tool, "org": brief.organisation, "contact": brief.contact_person,
             "audience": brief.audience, "team_size": team, "go_live": live_label, "date": long_date}
    blocks = Blocks(lang, "plan", register, variant, wave="", slots=slots)
    timeline = _timeline(brief, blocks, dates, derived)
    workshop, total = _workshop(brief, blocks, dates, derived)
    guidance = Guidance(retriever, lang)
    sections = _sections(brief, blocks, guidance, dates, total, derived)
    notices = []
    if dates["go_live"] != brief.start_date:
        notices.append(blocks.say("notices.weekend", start=_remember(derived, format_weekday_date(
            brief.start_date, lang)), moved=_remember(derived, format_weekday_date(dates["go_live"], lang))))
    return draft_shell("plan", brief, lang, title=blocks.say("title"), variant=variant, notices=notices,
                       sections=sections, citations=list(guidance.book.citations), timeline=timeline,
                       workshop=workshop, derived=list(dict.fromkeys(derived)))


def _remember(derived: list[str], value: str) -> str:
    derived.append(value)
    return value


# --- timeline -----------------------------------------------------------------------------------------------

def _sender(brief: Brief, blocks: Blocks, key: str, role: str) -> str:
    # The announcement carries the business reason (a senior leader); when the brief names the team leader as
    # the sender of the purpose story, both stand behind it.
    if key == "announce" and brief.sender == "team_leader":
        return blocks.say("roles.executive_and_team_leader")
    return blocks.say(f"roles.{role}")


def _timeline(brief: Brief, blocks: Blocks, dates: dict[str, date], derived: list[str]) -> list[TimelineEntry]:
    entries = []
    for key, _offset, role, audience, channel in SCHEDULE:
        day = dates[key]
        entries.append(TimelineEntry(
            key=key, date=day.isoformat(),
            date_label=_remember(derived, format_weekday_date(day, blocks.lang)),
            touchpoint=blocks.say(f"touchpoints.{key}"),
            sender=_sender(brief, blocks, key, role),
            audience=brief.audience if audience == "all" else blocks.say(f"audiences.{audience}"),
            channel=blocks.say(f"channels.{channel}"),
        ))
    return entries


# --- workshop -----------------------------------------------------------------------------------------------

def _size_class(team_size: int) -> str:
    """How the exercises are run: all together, in small groups, or in one session per team."""
    if team_size <= WHOLE_TEAM_MAX:
        return "whole_team"
    return "groups" if team_size <= ONE_SESSION_MAX else "per_team"


def _worries_minutes(team_size: int) -> int:
    """A round where everyone speaks takes longer in a bigger team (groups share back above a dozen)."""
    if team_size <= 8:
        return 15
    if team_size <= 16:
        return 20
    return 30


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _list(items: list[str], brief: Brief) -> str:
    """Brief entries joined for use inside a sentence: 'a; b; c' (the tool's and organisation's names kept)."""
    return join_list(items, sep="; ", names=f"{brief.ai_tool} {brief.organisation}".split())


def _workshop(brief: Brief, blocks: Blocks, dates: dict[str, date],
              derived: list[str]) -> tuple[list[WorkshopBlock], int]:
    hours, minutes = (int(p) for p in WORKSHOP_START.split(":"))
    now = hours * 60 + minutes
    lang = blocks.lang
    extra = {
        "purpose": sentence(first_sentence(brief.purpose)),
        "stops_doing": _list(brief.stops_doing, brief),
        "stays_same": _list(brief.stays_same, brief),
        "changes": _list(brief.changes, brief),
        "follow_up_individual": _remember(derived, format_long_date(dates["follow_up_individual_1"], lang)),
        "follow_up_group": _remember(derived, format_long_date(dates["follow_up_group_1"], lang)),
        "survey_during": _remember(derived, format_long_date(dates["survey_during"], lang)),
        "survey_before": _remember(derived, format_long_date(dates["survey_before"], lang)),
    }
    result = []
    for key, length, exercise in WORKSHOP:
        length = _worries_minutes(brief.team_size) if key == "worries_hopes" else length
        variant_key = key
        if key == "stays_same" and not brief.stays_same:
            variant_key = "stays_same_open"
        if key == "worries_hopes" and brief.team_size > WHOLE_TEAM_MAX:
            variant_key = "worries_hopes_groups"
        result.append(WorkshopBlock(
            start=_remember(derived, _clock(now)), minutes=length, exercise=exercise,
            title=blocks.say(f"workshop.{key}.title"),
            description=blocks.say(f"workshop.{variant_key}.description", **extra),
        ))
        _remember(derived, f"{length} min")
        now += length
    _remember(derived, _clock(now))
    total = now - (hours * 60 + minutes)
    return result, total


def duration_label(blocks: Blocks, minutes: int) -> str:
    """'2 hours 50 minutes' / '2 uur en 50 minuten' / '2 timmar och 50 minuter' (from the template)."""
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return blocks.say("duration.hours", h=str(hours))
    return blocks.say("duration.hours_minutes", h=str(hours), m=str(rest))


# --- sections -----------------------------------------------------------------------------------------------

def _para(blocks: Blocks, guidance: Guidance, path: str, cards: str, cited: list[str], **extra: str) -> str:
    """One paragraph from the template, citing the card retrieval finds for its query."""
    mark, card_id = guidance.mark(blocks.say(f"queries.{cards}"), blocks.block(f"cards.{cards}"))
    if card_id and card_id not in cited:
        cited.append(card_id)
    return with_mark(blocks.say(path, **extra), mark)


def _sections(brief: Brief, blocks: Blocks, guidance: Guidance, dates: dict[str, date], total: int,
              derived: list[str]) -> list[Section]:
    lang = blocks.lang
    announce = _remember(derived, format_long_date(dates["announce"], lang))
    group = _remember(derived, format_long_date(dates["group"], lang))
    duration = _remember(derived, duration_label(blocks, total))
    end = _clock(int(WORKSHOP_START[:2]) * 60 + int(WORKSHOP_START[3:]) + total)

    order_cited: list[str] = []
    order = Section(key="order", heading=blocks.say("sections.order.heading"), paragraphs=[
        _para(blocks, guidance, "sections.order.announce", "order", order_cited, announce=announce),
        _para(blocks, guidance, "sections.order.individual", "individual", order_cited),
        _para(blocks, guidance, "sections.order.follow_up", "follow_up", order_cited),
        _para(blocks, guidance, "sections.order.waves", "waves", order_cited),
    ], citations=order_cited)

    sender_cited: list[str] = []
    senders = Section(key="senders", heading=blocks.say("sections.senders.heading"), paragraphs=[
        _para(blocks, guidance, "sections.senders.why", "senders", sender_cited),
        blocks.say("sections.senders.who"),
    ], citations=sender_cited)

    workshop_cited: list[str] = []
    size_path = "sections.workshop." + _size_class(brief.team_size)
    workshop = Section(key="workshop", heading=blocks.say("sections.workshop.heading"), paragraphs=[
        blocks.say("sections.workshop.when", group=group, duration=duration, start=WORKSHOP_START, end=end),
        _para(blocks, guidance, "sections.workshop.stop_doing", "stop_doing", workshop_cited),
        _para(blocks, guidance, "sections.workshop.endings", "endings", workshop_cited),
        _para(blocks, guidance, "sections.workshop.reactions", "reactions", workshop_cited),
        blocks.say(size_path),
    ], citations=workshop_cited)
    return [order, senders, workshop]
