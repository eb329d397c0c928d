"""The brief as a form: each field saved as typed when it changes, validation messages next to the field.

A change saves only that field, on top of the brief version this session's form shows (`SEEN`), so a session
never writes a field it did not change. Changes that other sessions made meanwhile are merged into the form;
a field changed in two sessions keeps both values and asks the user which one to use (`CONFLICTS`).

Per-language values: the main widget of a free-text field (`PER_LANG`) edits its value in the brief's language;
"Text in other languages" edits the same field in another language. A field with values in two languages is
stored as a map from language to value, as a brief file may give it (see `toolkit.brief`).
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from toolkit import brief as briefs
from toolkit.brief import (
    ADDRESSES,
    FIELD_LABELS,
    PER_LANG,
    REQUIRED,
    TRANSLATABLE,
    Brief,
    BriefError,
    brief_hints,
    parse_brief,
    value_in,
    with_value,
)
from toolkit.i18n import LANGUAGE_NAMES, normalise_lang
from toolkit.models import LANGS
from toolkit.templates import load_template
from ui import state
from ui.widgets import guarded

LIST_FIELDS = ("changes", "stops_doing", "stays_same", "facts", "success_measures", "commitments")
# The fields whose box counts characters as the user types (Streamlit shows "n/limit"), with their limit.
COUNTED = {"purpose": briefs.MAX_TEXT, "vision": briefs.MAX_TEXT, **dict.fromkeys(
    ("organisation", "ai_tool", "audience", "contact_person", "author"), briefs.MAX_LINE)}
SEEN = "brief_seen"  # {pid: (version or None, data)}: the brief version the form shows, as stored
CONFLICTS = "brief_conflicts"  # {pid: {field: (other value, other version, own version)}}
TOUCHED = "touched"  # {pid: fields this session changed}: their messages show at once


def _help_texts(_) -> dict[str, tuple[str, str]]:
    """(help, example placeholder) per field, in the UI language."""
    return {
        "organisation": (_("The name your staff use for the organisation or department."),
                         _("e.g. Customer Service North")),
        "ai_tool": (_("The name of the AI tool as staff will see it."), _("e.g. Assist")),
        "tool_kinds": (_("What the tool does: the FAQ asks the questions that fit it. Leave empty to let the "
                         "toolkit propose the kinds from the brief."), ""),
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


def translation_key(pid: str, field: str, lang: str) -> str:
    """The widget of a field's value in another language than the brief's."""
    return f"brief:{pid}:{field}@{lang}"


def home_lang(data: dict) -> str:
    """The brief's own language: plain values are in it, the main widgets edit it."""
    value = data.get("language")
    return normalise_lang(value if isinstance(value, str) else None)


def to_widget_value(field: str, value, home: str = "en"):
    """A stored brief value as its widget expects it (a per-language field: its value in `home`)."""
    if field in PER_LANG and isinstance(value, dict):
        value = value_in(field, value, home, home)
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
    if field == "tool_kinds":
        items = value if isinstance(value, list) else str(value or "").split(",")
        return [item.strip() for item in items if str(item).strip()]
    if field in ("tone", "language"):
        return value or None  # no choice yet: the select shows its placeholder
    if field in ("sender", "address"):
        return value or ""  # "" is the "Automatic" option
    return value or ""


def stored_value(field: str, value):
    """A widget's value as the brief stores it (dates as ISO text, everything else as typed)."""
    return value.isoformat() if isinstance(value, date) else value


def collect(pid: str) -> dict:
    """The brief as the form shows it, from the widgets' session values (for checking, never for saving)."""
    shown = seen(pid)[1]
    home = home_lang(shown)
    data = {}
    for field in FIELD_LABELS:
        value = stored_value(field, st.session_state.get(widget_key(pid, field),
                                                         to_widget_value(field, shown.get(field), home)))
        data[field] = _main_value(field, shown.get(field), value, home)
    return data


def _main_value(field: str, stored, value, home: str):
    """What the main widget's value makes of the stored field: the value itself, or the map with the brief
    language's entry replaced."""
    if field in PER_LANG and isinstance(stored, dict):
        return with_value(field, stored, home, value, home)
    return value


def brief_input(data: dict) -> dict:
    """What `parse_brief` should see: empty optional values left out (None, empty strings)."""
    return {k: v for k, v in data.items() if v not in (None, "")}


def validate(data: dict, lang: str) -> tuple[Brief | None, dict[str, str]]:
    """The brief, or None with {field: message} in the UI language."""
    try:
        return parse_brief(brief_input(data), lang), {}
    except BriefError as exc:
        return None, {field: message for field, message in exc.problems}


def seen(pid: str) -> tuple[int | None, dict]:
    """(version, data): the brief version this session's form of `pid` shows."""
    return st.session_state.get(SEEN, {}).get(pid, (None, {}))


def load_into_widgets(pid: str, data: dict, version: int | None = None) -> None:
    """Remember which brief version the form shows. A form drawn afresh (none of its widgets left in the
    session, e.g. after another page) shows the newest version; otherwise it keeps what it shows."""
    if not any(widget_key(pid, field) in st.session_state for field in FIELD_LABELS):
        st.session_state.setdefault(SEEN, {})[pid] = (version, dict(data))


def initial(pid: str, field: str, options: list | None = None) -> dict:
    """The widget's own default (`value=`, or `index=` for a choice): the value the form shows.

    The browser draws a widget at its default whenever it holds no value of its own for it (first drawn, or
    its copy lost while the server kept the session's) and reports that value on the next click. Were it the
    element's default (0, the first option, empty text), that report would read as an edit of the field."""
    shown = seen(pid)[1]
    value = to_widget_value(field, shown.get(field), home_lang(shown))
    if options is not None:
        return {"index": options.index(value) if value in options else None}
    return {"value": value}


def _savable(field: str, value) -> bool:
    """Team size 0 is the number box's lowest step, never a real team: it is shown with its message, not saved."""
    return not (field == "team_size" and value is not None and value < 1)


@guarded
def _save(pid: str, field: str) -> None:
    """Save the one field that changed, on top of the version the form shows (a widget callback)."""
    _ = state.tr()
    st.session_state.setdefault(TOUCHED, {}).setdefault(pid, set()).add(field)
    version, shown = seen(pid)
    home = home_lang(shown)
    value = stored_value(field, st.session_state.get(widget_key(pid, field)))
    if to_widget_value(field, value, home) == to_widget_value(field, shown.get(field), home) or \
            not _savable(field, value):
        return
    value = _main_value(field, shown.get(field), value, home)
    result = state.workspace().update_brief(pid, {field: value}, version, state.session_id())
    _saved(pid, result, keep=field)


def _saved(pid: str, result, keep: str) -> None:
    """Show the stored brief in the form and flag the fields another window changed too."""
    _ = state.tr()
    _show_saved(pid, result, keep=keep)
    if result.conflict:
        conflicts = st.session_state.setdefault(CONFLICTS, {}).setdefault(pid, {})
        for name, theirs in result.conflicts.items():
            conflicts[name] = (theirs, result.other_version, result.version)
            state.flash("warning", _("“{field}” was also changed in another window. Both versions are kept: "
                                     "choose below the field which one to use.", field=_(FIELD_LABELS[name])))


def _show_saved(pid: str, result, keep: str | None = None) -> None:
    """Remember the stored brief as the form's version and show other sessions' merged changes in the form
    (the field `keep` already shows this session's value)."""
    shown = seen(pid)[1]
    st.session_state.setdefault(SEEN, {})[pid] = (result.version, dict(result.data))
    old_home, new_home = home_lang(shown), home_lang(result.data)
    for name in FIELD_LABELS:
        new = to_widget_value(name, result.data.get(name), new_home)
        if name != keep and new != to_widget_value(name, shown.get(name), old_home):
            st.session_state[widget_key(pid, name)] = new
    for name in PER_LANG:
        for lang in LANGS:
            key = translation_key(pid, name, lang)
            if key in st.session_state and key != keep:
                st.session_state[key] = _translation_widget_value(name, result.data.get(name), lang, new_home)


@guarded
def _use_theirs(pid: str, field: str) -> None:
    """Take the other window's value for a conflicting field (saved as a new version)."""
    conflict = st.session_state.get(CONFLICTS, {}).get(pid, {}).pop(field, None)
    if conflict is None:  # already chosen (a second click)
        return
    version, _shown = seen(pid)
    result = state.workspace().update_brief(pid, {field: conflict[0]}, version, state.session_id())
    _show_saved(pid, result)


@guarded
def _keep_mine(pid: str, field: str) -> None:
    st.session_state.get(CONFLICTS, {}).get(pid, {}).pop(field, None)


def _conflict(pid: str, field: str) -> None:
    """The other window's value of a field both changed, and the choice between the two."""
    _ = state.tr()
    theirs, other, mine = st.session_state[CONFLICTS][pid][field]
    shown = to_widget_value(field, theirs, home_lang(seen(pid)[1]))
    text = str(shown) if shown not in (None, "") else _("(empty)")
    st.warning(_("Another window saved a different value (version {other}); yours is version {mine}. "
                 "The other value:", other=other, mine=mine) + "\n\n" + text, icon=":material/call_split:")
    c1, c2 = st.columns(2)
    c1.button(_("Use the other value"), key=f"brief_theirs:{pid}:{field}", on_click=_use_theirs,
              args=(pid, field), icon=":material/swap_horiz:")
    c2.button(_("Keep mine"), key=f"brief_mine:{pid}:{field}", on_click=_keep_mine, args=(pid, field),
              icon=":material/check:")


def render(pid: str, data: dict, version: int | None = None) -> Brief | None:
    """Draw the form for project `pid` (seeded from `data`, brief version `version`); return the valid Brief
    or None."""
    _ = state.tr()
    load_into_widgets(pid, data, version)
    shown = collect(pid)
    brief, problems = validate(shown, state.ui_lang())
    hints = brief_hints(shown, state.ui_lang())
    show_all = st.session_state.get("check_all", {}).get(pid, False)
    touched = st.session_state.get(TOUCHED, {}).get(pid, set())
    conflicts = st.session_state.get(CONFLICTS, {}).get(pid, {})
    helps = _help_texts(_)

    def label(field: str) -> str:
        text = _(FIELD_LABELS[field])
        return f"{text} *" if field in REQUIRED else text

    def field(name: str, widget, **kwargs) -> None:
        help_text, example = helps[name]
        extra = {"placeholder": example} if example and widget in (st.text_input, st.text_area) else {}
        if widget is st.multiselect:  # a list of choices: its default is the list the form shows
            extra["default"] = initial(pid, name)["value"]
        else:
            extra.update(initial(pid, name, kwargs.get("options")))
        extra.update(_counter(name, shown.get(name)))
        widget(label(name), key=widget_key(pid, name), help=help_text, on_change=_save, args=(pid, name),
               **extra, **kwargs)
        if name in problems and (show_all or name in touched):
            st.error(problems[name], icon=":material/error:")
        elif name in hints:
            st.warning(hints[name], icon=":material/lightbulb:")
        if name in conflicts:
            _conflict(pid, name)

    st.subheader(_("About the rollout"))
    c1, c2 = st.columns(2)
    with c1:
        field("organisation", st.text_input)
    with c2:
        field("ai_tool", st.text_input)
    kinds = load_template(state.ui_lang(), "tool_kinds").get("labels") or {}
    field("tool_kinds", st.multiselect, options=list(briefs.TOOL_KINDS), format_func=lambda k: kinds.get(k, k),
          placeholder=_("Proposed from the brief"))
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
        field("team_size", st.number_input, min_value=_lowest_team_size(shown.get("team_size")),
              max_value=100_000, step=1)
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
    translations(pid)
    return brief


def _translation_widget_value(field: str, stored, lang: str, home: str):
    """A field's value in `lang` as its widget in "Text in other languages" expects it."""
    value = value_in(field, stored, lang, home)
    if field in LIST_FIELDS:
        return "\n".join(value) if isinstance(value, list) else (value or "")
    return value or ""


@guarded
def _save_translation(pid: str, field: str, lang: str) -> None:
    """Save a field's value in another language than the brief's (a widget callback)."""
    key = translation_key(pid, field, lang)
    st.session_state.setdefault(TOUCHED, {}).setdefault(pid, set()).add(field)
    version, shown = seen(pid)
    home = home_lang(shown)
    value = st.session_state.get(key)
    if value == _translation_widget_value(field, shown.get(field), lang, home):
        return
    stored = with_value(field, shown.get(field), lang, value, home)
    result = state.workspace().update_brief(pid, {field: stored}, version, state.session_id())
    _saved(pid, result, keep=key)


def translation_fields(pid: str, lang: str, fields=None) -> None:
    """Widgets for the brief's per-language fields in `lang` (all of them, or only `fields`), each saved when
    it changes. Shows the brief language's text as the example to translate."""
    _ = state.tr()
    shown = seen(pid)[1]
    home = home_lang(shown)
    for field in fields or [*TRANSLATABLE, "address"]:
        if field == "address" and lang not in ADDRESSES:
            continue
        key = translation_key(pid, field, lang)
        value = _translation_widget_value(field, shown.get(field), lang, home)
        label = f"{_(FIELD_LABELS[field])} ({LANGUAGE_NAMES[lang]})"
        if field == "address":
            choices = {"": _("Automatic"), **{code: code for code in ADDRESSES[lang]}}
            options = list(choices)
            st.selectbox(label, options, index=options.index(value) if value in options else 0, key=key,
                         format_func=choices.get, on_change=_save_translation, args=(pid, field, lang))
            continue
        original = to_widget_value(field, shown.get(field), home)
        widget = st.text_area if field in LIST_FIELDS or field in ("purpose", "vision") else st.text_input
        extra = {"height": 90} if widget is st.text_area else {}
        widget(label, value=value, key=key, on_change=_save_translation, args=(pid, field, lang),
               placeholder=str(original or "")[:200], help=_("Leave empty to use the text in {language}.",
                                                             language=LANGUAGE_NAMES[home]), **extra)


def translations(pid: str) -> None:
    """"Text in other languages": the per-language fields for a language other than the brief's own."""
    _ = state.tr()
    home = home_lang(seen(pid)[1])
    others = [lang for lang in LANGS if lang != home]
    with st.expander(_("Text in other languages"), icon=":material/translate:"):
        st.caption(_("Documents in another language than the brief's use these values. A field left empty "
                     "uses the text above, and the document says which fields still need a translation."))
        lang = st.radio(_("Language"), others, format_func=LANGUAGE_NAMES.get, horizontal=True,
                        key=f"brief_translation_lang:{pid}")
        translation_fields(pid, lang or others[0])


def _counter(field: str, value) -> dict:
    """`max_chars` for a counted field, so its box shows how many characters are left. Left out when the
    stored text is already longer: Streamlit would cut it silently; the field's message says it is too long."""
    limit = COUNTED.get(field)
    if limit is None or len(str(value or "")) > limit:
        return {}
    return {"max_chars": limit}


def _lowest_team_size(value) -> int:
    """1: a team of 0 cannot be typed. A brief saved with 0 (an import, an older version) shows its 0 with the
    field's message instead of failing to draw."""
    return 0 if isinstance(value, int) and value < 1 else 1


def _date_format(lang: str) -> str:
    return {"nl": "DD-MM-YYYY", "sv": "YYYY-MM-DD"}.get(lang, "DD/MM/YYYY")


def problems_count(data: dict, lang: str) -> int:
    return len(validate(data, lang)[1])
