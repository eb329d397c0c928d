"""Widgets the pages share: the error guard, the project banner, the sources and quality panels."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from datetime import datetime

import streamlit as st
from babel.dates import format_datetime

from toolkit.cards import get_card
from toolkit.i18n import LOCALES, format_number
from toolkit.models import Draft, Finding
from ui import state

log = logging.getLogger("toolkit.ui")

_SECRET = re.compile(r"(sk-[A-Za-z0-9_\-]{8,}|(?i:api[_-]?key)\s*[=:]\s*\S+)")


def redact(text: str) -> str:
    """Remove anything that looks like an API key before it reaches a log or the screen."""
    return _SECRET.sub("[redacted]", text)


def run_page(render: Callable[[], None]) -> None:
    """Run a page body; an unexpected error shows a friendly, localised message instead of a stack trace."""
    state.init()
    _ = state.tr()
    for kind, message in state.pop_flashes():
        getattr(st, kind, st.info)(message)
    try:
        render()
    except Exception as exc:  # Streamlit's rerun/stop signals are BaseException and pass through
        from toolkit.retrieval import SearchUnavailable  # loaded already: only a retriever raises it
        from ui import resources

        if isinstance(exc, SearchUnavailable):
            log.warning("knowledge base server unreachable: %s", exc.address)
            st.warning(resources.unavailable_message(exc, _), icon=":material/cloud_off:")
            return
        _report(exc)
        st.error(_("Something went wrong on this page. Your work is saved. Try again, or reload the page."),
                 icon=":material/error:")


def _report(exc: Exception) -> None:
    log.error("UI action failed: %s: %s", type(exc).__name__, redact(str(exc)))
    log.debug("details", exc_info=True)


def guarded(callback: Callable) -> Callable:
    """Wrap a widget callback: callbacks run outside the page body, so they need their own guard."""

    @functools.wraps(callback)
    def wrapper(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except Exception as exc:
            from toolkit.retrieval import SearchUnavailable
            from ui import resources

            _ = state.tr()
            if isinstance(exc, SearchUnavailable):
                state.flash("warning", resources.unavailable_message(exc, _))
                return None
            _report(exc)
            state.flash("error", _("Something went wrong on this page. Your work is saved. Try again, or reload "
                                   "the page."))
            return None

    return wrapper


def format_when(value: datetime) -> str:
    """A timestamp in the UI language's medium format, in local time."""
    return format_datetime(value.astimezone(), format="medium", locale=LOCALES[state.ui_lang()])


def number(value: float) -> str:
    return format_number(value, state.ui_lang())


def require_project():
    """The open project (id, Project) or a note with a link to the rollout page, and stop."""
    _ = state.tr()
    pid = state.project_id()
    project = state.workspace().get_project(pid) if pid else None
    if project is None:
        st.info(_("Open or create a rollout project first."), icon=":material/folder_open:")
        st.page_link("ui/pages/rollout.py", label=_("Go to Rollout"), icon=":material/arrow_forward:")
        st.stop()
    return project


def sources_panel(draft: Draft) -> None:
    """The cited sources; each opens to the full card in the UI language."""
    _ = state.tr()
    if not draft.citations:
        st.caption(_("This draft cites no sources."))
        return
    for n, citation in enumerate(draft.citations, start=1):
        year = f", {citation.year}" if citation.year else ""
        with st.expander(f"[{n}] {citation.title} — {citation.source}{year}"):
            card = get_card(citation.id, state.ui_lang())
            if card is not None:
                st.markdown(f"**{card.title}**")
                if card.claim:
                    st.info(card.claim)
                st.markdown(card.body)
                st.caption(_("Source: {source}", source=f"{card.source}{year}"))
            else:
                st.caption(_("From your own documents"))
                st.markdown(citation.text or "")


_SEVERITY = {"error": st.error, "warning": st.warning, "info": st.info}


def quality_panel(findings: list[Finding]) -> None:
    """The checks' findings (what, where, how to fix) and the readability score."""
    _ = state.tr()
    scores = [f for f in findings if f.check == "readability" and f.score is not None]
    counts = {sev: sum(1 for f in findings if f.severity == sev) for sev in ("error", "warning", "info")}
    cols = st.columns(3)
    if scores:
        # Whole numbers, as the finding's message writes the score: one format for one number.
        cols[0].metric(_("Readability"), number(round(scores[0].score)))
    cols[1].metric(_("Warnings"), number(counts["warning"] + counts["error"]))
    cols[2].metric(_("Notes"), number(counts["info"]))
    problems = [f for f in findings if f.severity in ("error", "warning")]
    if not problems:
        st.success(_("No problems found."), icon=":material/check_circle:")
    for finding in sorted(findings, key=lambda f: ("error", "warning", "info").index(f.severity)):
        lines = [finding.message]
        if finding.where:
            lines.append(_("Where: {where}", where=finding.where))
        if finding.fix:
            lines.append(_("How to fix: {fix}", fix=finding.fix))
        _SEVERITY[finding.severity]("  \n".join(lines))
