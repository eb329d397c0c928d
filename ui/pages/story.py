"""Purpose story: the announcement, section by section."""

from __future__ import annotations

from ui import artefact, state
from ui.widgets import run_page


def render() -> None:
    _ = state.tr()
    artefact.page("story", _("Purpose story"), artefact.section_editor)


run_page(render)
