"""The runbook names every setting, and the secrets example holds everything sign-in needs."""

from __future__ import annotations

import tomllib
from pathlib import Path

from toolkit.settings import SETTINGS
from ui.auth import REQUIRED

ROOT = Path(__file__).resolve().parent.parent


def test_the_runbook_names_every_environment_variable():
    runbook = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    missing = [s.env for s in SETTINGS if f"`{s.env}`" not in runbook]
    assert missing == [], f"docs/deploy.md does not document: {', '.join(missing)}"


def test_the_secrets_example_configures_sign_in_completely():
    example = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8"))
    assert sorted(example["auth"]) == sorted(REQUIRED)
    assert example["auth"]["redirect_uri"].endswith("/oauth2callback")
