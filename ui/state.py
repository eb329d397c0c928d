"""Session state: the keys a session keeps, their defaults, and small accessors the pages share.

The page (its path), the UI language, the open project and the document language are mirrored in the URL
(`/survey?lang=sv&project=...&doc=nl`), so a reload, a bookmark or a shared link brings the user back to the
same place. Streamlit drops the query string when the user switches pages, so the router writes it again on
every run (`sync_url`). Everything else that matters is in the workspace, including the settings page's
choices (they override the environment's defaults for every session).
"""

from __future__ import annotations

import os
import uuid

import streamlit as st

from toolkit.i18n import LOCALES, normalise_lang, plural_translator, translator
from toolkit.settings import Settings
from toolkit.workspace import Workspace, WorkspaceUnavailable, check_reachable
from ui import auth

UI_LANG = "ui_lang"
SESSION_ID = "session_id"
PROJECT = "project_id"
DRAFTS = "drafts"
FLASH = "flash"
URL_DOC = "url_doc_lang"  # the document language the URL asked for when the session started

# The query parameters of the URL: interface language, open project, document language.
LANG_PARAM, PROJECT_PARAM, DOC_PARAM = "lang", "project", "doc"


def doc_lang_key(pid: str, kind: str) -> str:
    """The session key (and widget key) of the document language chosen for one kind of document in a project:
    the language whose draft the document page shows and writes."""
    return f"doclang:{pid}:{kind}"


def init() -> None:
    """Set the defaults once per session (from the URL where it says something)."""
    state = st.session_state
    if SESSION_ID not in state:
        state[SESSION_ID] = uuid.uuid4().hex
    if UI_LANG not in state:
        state[UI_LANG] = _initial_lang()
    if PROJECT not in state:
        state[PROJECT] = st.query_params.get(PROJECT_PARAM) or None
    if URL_DOC not in state:
        wanted = st.query_params.get(DOC_PARAM)
        state[URL_DOC] = wanted if wanted in LOCALES else None
    state.setdefault(DRAFTS, {})
    state.setdefault(FLASH, [])


def _initial_lang() -> str:
    """?lang= in the URL, else the browser's language if we speak it, else English."""
    wanted = st.query_params.get(LANG_PARAM)
    if wanted in LOCALES:
        return wanted
    try:
        browser = (st.context.locale or "")[:2].lower()
    except Exception:  # no browser context (bare mode)
        browser = ""
    return normalise_lang(browser) if browser in LOCALES else "en"


def ui_lang() -> str:
    return st.session_state.get(UI_LANG, "en")


def tr():
    """The translator for the UI language."""
    return translator(ui_lang())


def ntr():
    """The plural-aware translator for the UI language: `n_(singular, plural, n, **kwargs)`."""
    return plural_translator(ui_lang())


def session_id() -> str:
    return st.session_state[SESSION_ID]


# The environment variable behind each setting the settings page can save.
SETTING_VARIABLES = {
    "llm_provider": "TOOLKIT_LLM_PROVIDER",
    "llm_model": "TOOLKIT_LLM_MODEL",
    "llm_base_url": "TOOLKIT_LLM_BASE_URL",
    "llm_timeout": "TOOLKIT_LLM_TIMEOUT",
    "embeddings": "TOOLKIT_EMBEDDINGS",
    "embeddings_model": "TOOLKIT_EMBEDDINGS_MODEL",
}


def workspace_problem() -> str | None:
    """Why the workspace cannot be used right now, in the UI language, or None when its database answers."""
    try:
        check_reachable(Settings.from_env().workspace_location)
    except WorkspaceUnavailable as error:
        return error.message(ui_lang())
    except ValueError as error:  # a malformed TOOLKIT_DATABASE_URL: the message never repeats the URL
        return str(error)
    return None


def _env_workspace() -> Workspace:
    return Workspace(Settings.from_env().workspace_location)


def saved_settings() -> dict:
    """The choices saved on the settings page (the data directory always comes from the environment)."""
    return _env_workspace().load_settings()


def settings() -> Settings:
    """The environment's settings with the choices saved on the settings page applied over them."""
    return Settings.from_env().with_(**saved_settings())


def save_settings(values: dict) -> None:
    """Remember settings-page choices in the workspace; they apply to every session from the next run."""
    _env_workspace().save_settings(values)


def reset_settings() -> None:
    """Forget the saved choices: the environment's settings (or the defaults) apply again."""
    _env_workspace().clear_settings()


def setting_source(name: str, saved: dict | None = None) -> str:
    """Where a setting's value comes from: 'saved', 'environment' or 'default'."""
    saved = saved_settings() if saved is None else saved
    if name in saved:
        return "saved"
    return "environment" if os.environ.get(SETTING_VARIABLES.get(name, "")) else "default"


def workspace() -> Workspace:
    """The workspace of the data directory in use, opened for the signed-in user when sign-in is on (cheap: one
    SQLite connection per call, or one from the pool of a database server)."""
    return Workspace(settings().workspace_location, user=auth.user_id())


def project_id() -> str | None:
    return st.session_state.get(PROJECT)


def set_project(project_id: str | None) -> None:
    """Open a project (or none) and remember it in the URL."""
    st.session_state[PROJECT] = project_id
    _set_param(PROJECT_PARAM, project_id)


def _set_param(name: str, value: str | None) -> None:
    """Write one query parameter (remove it for None), only when it differs: each write is a message to the
    browser."""
    if value:
        if st.query_params.get(name) != value:
            st.query_params[name] = value
    elif name in st.query_params:
        del st.query_params[name]


def sync_url(document_page: bool) -> None:
    """Write the interface language and the open project into the URL (again: a page switch drops them).
    `document_page` says whether the page shows a document; other pages carry no document language."""
    _set_param(LANG_PARAM, ui_lang())
    _set_param(PROJECT_PARAM, project_id())
    if not document_page:
        _set_param(DOC_PARAM, None)


def url_doc_lang() -> str | None:
    """The document language a reloaded or shared URL asked for (None when it named none)."""
    return st.session_state.get(URL_DOC)


def set_doc_lang(lang: str) -> None:
    """Remember the document language shown in the URL (and for the next page drawn in this session)."""
    st.session_state[URL_DOC] = lang
    _set_param(DOC_PARAM, lang)


def flash(kind: str, message: str) -> None:
    """A message to show once on the next run (after a callback or a rerun)."""
    st.session_state.setdefault(FLASH, []).append((kind, message))


def pop_flashes() -> list[tuple[str, str]]:
    messages = list(st.session_state.get(FLASH, []))
    st.session_state[FLASH] = []
    return messages
