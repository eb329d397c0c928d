"""Helpers for the AppTest suites: start the app in a language, seed a project, find widgets by label."""

from __future__ import annotations

from pathlib import Path

import yaml
from streamlit.testing.v1 import AppTest

from toolkit.settings import Settings
from toolkit.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "streamlit_app.py"
EXAMPLES = ROOT / "examples"
TIMEOUT = 120


def app(lang: str = "en", project: str | None = None) -> AppTest:
    """A fresh session of the app (as a new browser tab would be), run once."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    if project:
        at.query_params["project"] = project
    return at.run()


def workspace() -> Workspace:
    return Workspace(Settings.from_env().workspace_location)


def example_brief(lang: str) -> dict:
    return yaml.safe_load((EXAMPLES / f"brief-{lang}.yaml").read_text(encoding="utf-8"))


def seed_project(lang: str = "en", name: str = "Test rollout", brief: dict | None = None) -> str:
    """A project with a saved brief (the example for `lang` unless given); returns its id."""
    ws = workspace()
    project = ws.create_project(name)
    data = example_brief(lang) if brief is None else brief
    ws.save_brief(project.id, {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()})
    return project.id


def page(at: AppTest, name: str) -> AppTest:
    """Switch to a page by file name (story, faq, survey, plan, knowledge, settings, rollout) and run."""
    return at.switch_page(f"ui/pages/{name}.py").run()


def button(at: AppTest, label: str, index: int = 0):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return matches[index]


def texts(at: AppTest) -> str:
    """All visible text of simple elements, for 'is this shown' checks."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error",
                 "text"):
        parts.extend(str(e.value) for e in getattr(at, kind))
    parts.extend(str(e.value) for e in at.text_area)
    parts.extend(str(e.value) for e in at.text_input)
    parts.extend(str(e.label) for e in at.expander) if hasattr(at, "expander") else None
    return "\n".join(parts)


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def recording_storage() -> tuple[dict[str, bytes], type]:
    """An in-memory media store that also keeps every download's bytes (file name -> bytes), and that dict.

    AppTest keeps download data in an in-memory media store that is dropped after each run; installing this
    class in its place (`app_test.MemoryMediaFileStorage`) lets a test or benchmark read the real bytes."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes] = {}

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
            if filename and isinstance(path_or_data, bytes):
                files[filename] = path_or_data
            return super().load_and_get_id(path_or_data, mimetype, kind, filename)

    return files, Recording


def capture_downloads(monkeypatch) -> dict[str, bytes]:
    """Record every file the app offers for download (file name -> bytes), as the browser would receive it."""
    from streamlit.testing.v1 import app_test

    files, recording = recording_storage()
    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", recording)
    return files
