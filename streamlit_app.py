"""The app's frame and router: page config, the UI language, and the pages (run with `streamlit run`)."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from toolkit.i18n import LANGUAGE_NAMES
from ui import auth, resources, state

# A local icon: a Material icon or an emoji as page icon makes the browser fetch it from the internet.
ICON = Path(__file__).resolve().parent / "ui" / "icon.png"
DOCUMENT_PAGES = ("story", "faq", "survey", "plan")

st.set_page_config(page_title="AI Change Toolkit", page_icon=str(ICON), layout="wide")
state.init()
problem = state.workspace_problem()
if problem is not None:  # a database server down: say so plainly, instead of failing on the first read
    st.error(problem, icon=":material/database:")
    st.stop()
auth.gate(state.tr())  # with sign-in configured, nothing below runs until the user has signed in
# Open the knowledge index and load the models in the background while the user reads the first page.
try:
    resources.prepare(state.settings())
except Exception as exc:  # e.g. an invalid environment variable: the pages report it where it matters
    logging.getLogger("toolkit.ui").warning("could not start opening the index: %s", type(exc).__name__)


with st.sidebar:
    # index= as the brief form does: a browser that redraws the menu without its own copy shows the element's
    # default and reports it with the next click; were it the first option, the language would flip to English.
    st.selectbox(":material/translate: Language / Taal / Språk", list(LANGUAGE_NAMES), format_func=LANGUAGE_NAMES.get,
                 key=state.UI_LANG, index=list(LANGUAGE_NAMES).index(state.ui_lang()))

_ = state.tr()
unreachable = resources.search_unavailable(state.settings())
if unreachable is not None:  # say so on every page; the workspace (projects, briefs, drafts) still opens
    st.sidebar.warning(resources.unavailable_message(unreachable, _), icon=":material/cloud_off:")
pages = {
    "": [
        st.Page("ui/pages/rollout.py", title=_("Rollout"), icon=":material/rocket_launch:", default=True),
    ],
    _("Documents"): [
        st.Page("ui/pages/story.py", title=_("Purpose story"), icon=":material/campaign:", url_path="story"),
        st.Page("ui/pages/faq.py", title=_("FAQ"), icon=":material/quiz:", url_path="faq"),
        st.Page("ui/pages/survey.py", title=_("Pulse survey"), icon=":material/ballot:", url_path="survey"),
        st.Page("ui/pages/plan.py", title=_("Plan & workshop"), icon=":material/event_note:", url_path="plan"),
        st.Page("ui/pages/results.py", title=_("Results"), icon=":material/insights:", url_path="results"),
    ],
    _("Toolkit"): [
        st.Page("ui/pages/knowledge.py", title=_("Knowledge base"), icon=":material/menu_book:",
                url_path="knowledge"),
        st.Page("ui/pages/settings.py", title=_("Settings"), icon=":material/settings:", url_path="settings"),
    ],
}
with st.sidebar:
    st.markdown("**AI Change Toolkit**")
    st.caption(_("Clear communication about AI at work, in Dutch, Swedish and English."))
current = st.navigation(pages)
state.sync_url(document_page=current.url_path in DOCUMENT_PAGES)
current.run()
