"""Heavy resources, created once per process and shared by every session (the only `st.cache_resource`).

The retriever (embedding model and Chroma client) and the chat model are keyed on the settings that shape
them, so a session that switches engine gets its own, and the others keep theirs. API keys come from the
environment or `.streamlit/secrets.toml`; they are never part of a cache key or shown.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import streamlit as st

from toolkit.settings import KEY_VARIABLES, Settings

# Adding or removing documents rebuilds part of the index; one writer at a time across sessions.
INDEX_LOCK = threading.Lock()


@st.cache_resource(show_spinner=False)
def _retriever(data_dir: str, embeddings: str, embeddings_model: str, chroma_host: str, chroma_port: int):
    from toolkit.retrieval import Retriever

    settings = Settings.from_env().with_(
        data_dir=Path(data_dir), embeddings=embeddings, embeddings_model=embeddings_model,
        chroma_host=chroma_host, chroma_port=chroma_port,
    )
    settings.ensure_dirs()
    retriever = Retriever.open(settings)
    with INDEX_LOCK:
        retriever.ensure_indexed()
    return retriever


def retriever(settings: Settings):
    """The knowledge index for these settings, opened and indexed on first use in this process."""
    return _retriever(str(settings.data_dir), settings.embeddings, settings.embeddings_model,
                      settings.chroma_host, settings.chroma_port)


def api_key(settings: Settings, provider: str | None = None) -> str | None:
    """The provider's key from the environment, else from Streamlit secrets; None when there is none."""
    var = KEY_VARIABLES.get(provider or settings.llm_provider)
    if not var:
        return None
    value = os.environ.get(var)
    if value:
        return value
    try:
        secret = st.secrets.get(var)
    except Exception:  # no secrets.toml, or an unreadable one
        return None
    return str(secret) if secret else None


def key_source(settings: Settings, provider: str | None = None) -> str:
    """Where the key was found: 'environment', 'secrets' or '' (never the key itself)."""
    var = KEY_VARIABLES.get(provider or settings.llm_provider)
    if not var:
        return ""
    if os.environ.get(var):
        return "environment"
    return "secrets" if api_key(settings, provider) else ""


def _fingerprint(key: str | None) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:12] if key else ""


@st.cache_resource(show_spinner=False)
def _chat_model(provider: str, model: str, base_url: str, timeout: float, key_fingerprint: str, _key: str | None):
    from toolkit import llm

    settings = Settings.from_env().with_(llm_provider=provider, llm_model=model, llm_base_url=base_url,
                                         llm_timeout=timeout)
    return llm.chat_model(settings, api_key=_key)


def chat_model(settings: Settings):
    """The LangChain chat model for these settings, or None for the offline composer."""
    if settings.llm_provider == "none":
        return None
    key = api_key(settings)
    return _chat_model(settings.llm_provider, settings.llm_model, settings.llm_base_url, settings.llm_timeout,
                       _fingerprint(key), key)
