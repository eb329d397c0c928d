"""The app's frame and router: page config, the UI language, and the pages (run with `streamlit run`)."""

from __future__ import annotations

import logging

import streamlit as st

from toolkit.i18n import LANGUAGE_NAMES
from ui import resources, state

st.set_page_config(page_title="AI Change Toolkit", page_icon=":material/diversity_3:", layout="wide")
state.init()
# Open the knowledge index and load the models in the background while the user reads the first page.
try:
    resources.prepare(state.settings())
except Exception as exc:  # e.g. an invalid environment variable: the pages report it where it matters
    logging.getLogger("toolkit.ui").warning("could not start opening the index: %s", type(exc).__name__)


def _language_changed() -> None:
    st.query_params["lang"] = st.session_state[state.UI_LANG]


with st.sidebar:
    st.selectbox(":material/translate: Language / Taal / Språk", list(LANGUAGE_NAMES), format_func=LANGUAGE_NAMES.get,
                 key=state.UI_LANG, on_change=_language_changed)

_ = state.tr()
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
st.navigation(pages).run()
