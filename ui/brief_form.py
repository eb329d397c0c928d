"""The brief as a form: every field saved as typed, validation messages next to the field."""

from __future__ import annotations

from datetime import date

import streamlit as st

from toolkit.brief import FIELD_LABELS, REQUIRED, Brief, BriefError, parse_brief
from toolkit.i18n import LANGUAGE_NAMES
from ui import state
from ui.widgets import guarded

LIST_FIELDS = ("changes", "stops_doing", "stays_same", "facts", "success_measures", "commitments")


def _help_texts(_) -> dict[str, tuple[str, str]]:
    """(help, example placeholder) per field, in the UI language."""
    return {
        "organisation": (_("The name your staff use for the organisation or department."),
                         _("e.g. Customer Service North")),
        "ai_tool": (_("The name of the AI tool as staff will see it."), _("e.g. Assist")),
        "purpose": (_("Why you introduce the tool, in one or two sentences: the problem it solves for staff "
                      "and customers."),
                    _("e.g. Customers wait too long and our staff spend a lot of time on repetitive questions.")),
        "vision": (_("Optional: where the team is heading in a year or two."),
                   _("e.g. More time for customers with complex questions.")),
        "changes": (_("One change per line: what will be different in daily work."),
                    _("e.g. Assist drafts a summary after every call")),
        "stops_doing": (_("One task per line that people will no longer have to do."),
                        _("e.g. Typing call notes by hand")),
        "stays_same": (_("Optional, one per line: what does not change."),
                       _("e.g. You decide what the customer is told")),
        "facts": (_("Optional, one per line: your own figures, with where they come from."),
                  _("e.g. 38% of calls are about parcel status (call analysis, May)")),
        "success_measures": (_("Optional, one per line: how you will judge whether it works."),
                             _("e.g. Customer satisfaction after the call")),
        "commitments": (_("Optional, one per line: what you promise staff."),
                        _("e.g. Nobody's working hours will be reduced because of Assist")),
        "start_date": (_("The day the tool goes live for the first team."), ""),
        "audience": (_("Who the texts are written for."), _("e.g. All customer service agents")),
        "team_size": (_("How many people the change affects."), ""),
        "contact_person": (_("Who staff can go to with questions."), _("e.g. Sam de Vries, team leader")),
        "tone": (_("Formal or informal: this also sets 'u' or 'je' in Dutch."), ""),
        "sender": (_("Who signs the texts: an executive explains the business reason, a team leader the "
                     "personal impact."), ""),
        "language": (_("The language the documents are written in. You can change it per document."), ""),
        "address": (_("Optional: how readers are addressed. Leave on automatic to follow the tone."), ""),
        "author": (_("Optional: the author named in the Word documents."), _("e.g. HR team")),
    }


def widget_key(pid: str, field: str) -> str:
    return f"brief:{pid}:{field}"


def to_widget_value(field: str, value):
    """A stored brief value as its widget expects it."""
    if field in LIST_FIELDS:
        return "\n".join(value) if isinstance(value, list) else (value or "")
    if field == "start_date":
        try:
            return date.fromisoformat(value) if value else None
        except (TypeError, ValueError):
            return None
    if field == "team_size":
        try:
            return int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None
    if field in ("tone", "language"):
        return value or None  # no choice yet: the select shows its placeholder
    if field in ("sender", "address"):
        return value or ""  # "" is the "Automatic" option
    return value or ""


def collect(pid: str) -> dict:
    """The brief as typed, from the widgets' session values."""
    data = {}
    for field in FIELD_LABELS:
        value = st.session_state.get(widget_key(pid, field))
        if isinstance(value, date):
            value = value.isoformat()
        data[field] = value
    return data


def brief_input(data: dict) -> dict:
    """What `parse_brief` should see: empty optional values left out (None, empty strings)."""
    return {k: v for k, v in data.items() if v not in (None, "")}


def validate(data: dict, lang: str) -> tuple[Brief | None, dict[str, str]]:
    """The brief, or None with {field: message} in the UI language."""
    try:
        return parse_brief(brief_input(data), lang), {}
    except BriefError as exc:
        return None, {field: message for field, message in exc.problems}


def load_into_widgets(pid: str, data: dict) -> None:
    for field in FIELD_LABELS:
        key = widget_key(pid, field)
        if key not in st.session_state:
            st.session_state[key] = to_widget_value(field, data.get(field))


@guarded
def _save(pid: str, field: str) -> None:
    state.workspace().save_brief(pid, collect(pid), state.session_id())
    st.session_state.setdefault("touched", {}).setdefault(pid, set()).add(field)


def render(pid: str, data: dict) -> Brief | None:
    """Draw the form for project `pid` (seeded from `data`); return the valid Brief or None."""
    _ = state.tr()
    load_into_widgets(pid, data)
    brief, problems = validate(collect(pid), state.ui_lang())
    show_all = st.session_state.get("check_all", {}).get(pid, False)
    touched = st.session_state.get("touched", {}).get(pid, set())
    helps = _help_texts(_)

    def label(field: str) -> str:
        text = _(FIELD_LABELS[field])
        return f"{text} *" if field in REQUIRED else text

    def field(name: str, widget, **kwargs) -> None:
        help_text, example = helps[name]
        extra = {"placeholder": example} if example and widget in (st.text_input, st.text_area) else {}
        widget(label(name), key=widget_key(pid, name), help=help_text, on_change=_save, args=(pid, name),
               **extra, **kwargs)
        if name in problems and (show_all or name in touched):
            st.error(problems[name], icon=":material/error:")

    st.subheader(_("About the rollout"))
    c1, c2 = st.columns(2)
    with c1:
        field("organisation", st.text_input)
    with c2:
        field("ai_tool", st.text_input)
    field("purpose", st.text_area, height=100)
    field("vision", st.text_area, height=70)

    st.subheader(_("What changes for people"))
    field("changes", st.text_area, height=110)
    c1, c2 = st.columns(2)
    with c1:
        field("stops_doing", st.text_area, height=110)
    with c2:
        field("stays_same", st.text_area, height=110)

    st.subheader(_("Figures, measures and promises"))
    field("facts", st.text_area, height=90)
    c1, c2 = st.columns(2)
    with c1:
        field("success_measures", st.text_area, height=90)
    with c2:
        field("commitments", st.text_area, height=90)

    st.subheader(_("People and timing"))
    c1, c2, c3 = st.columns(3)
    with c1:
        field("start_date", st.date_input, format=_date_format(state.ui_lang()), min_value=date(2000, 1, 1),
              max_value=date(2100, 12, 31))
    with c2:
        field("team_size", st.number_input, min_value=0, max_value=100_000, step=1)
    with c3:
        field("audience", st.text_input)
    c1, c2 = st.columns(2)
    with c1:
        field("contact_person", st.text_input)
    with c2:
        senders = {"": _("Automatic"), "executive": _("Executive"), "team_leader": _("Team leader")}
        field("sender", st.selectbox, options=list(senders), format_func=senders.get)

    st.subheader(_("Language and tone"))
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        field("language", st.selectbox, options=list(LANGUAGE_NAMES), format_func=LANGUAGE_NAMES.get,
              placeholder=_("Choose a language"))
    with c2:
        tones = {"informal": _("Informal"), "formal": _("Formal")}
        field("tone", st.selectbox, options=list(tones), format_func=tones.get, placeholder=_("Choose a tone"))
    with c3:
        addresses = {"": _("Automatic"), "je": "je (Nederlands)", "u": "u (Nederlands)",
                     "du": "du (svenska)", "ni": "ni (svenska)"}
        field("address", st.selectbox, options=list(addresses), format_func=addresses.get)
    with c4:
        field("author", st.text_input)
    return brief


def _date_format(lang: str) -> str:
    return {"nl": "DD-MM-YYYY", "sv": "YYYY-MM-DD"}.get(lang, "DD/MM/YYYY")


def problems_count(data: dict, lang: str) -> int:
    return len(validate(data, lang)[1])
