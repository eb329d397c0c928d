"""Every test runs with all state under its own tmp_path and the cheap deterministic embedder."""

from __future__ import annotations

import pytest

pytest_plugins = ("servers",)  # the real servers' fixtures: chroma, chroma_server, browser


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TOOLKIT_EMBEDDINGS", "hash")
    monkeypatch.setenv("TOOLKIT_LLM_PROVIDER", "none")
    for var in ("CHROMA_HOST", "OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "ANTHROPIC_API_KEY",
                "TOOLKIT_LLM_MODEL", "TOOLKIT_LLM_BASE_URL", "TOOLKIT_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    yield


# A real PostgreSQL for the workspace tests: `workspace_location` (sqlite and postgresql), `postgresql_url`.
from db_support import postgresql_server, postgresql_url, workspace_location  # noqa: E402, F401
