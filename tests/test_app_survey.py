"""Survey page: draft per wave, edit, remove and add items, CSV and Word downloads."""

from __future__ import annotations

import csv
import io

import pytest
from app_support import app, button, capture_downloads, no_exceptions, page, seed_project, workspace

from toolkit.i18n import translator


def _drafted(lang: str, wave: str = "before"):
    pid = seed_project(lang)
    at = page(app(lang, project=pid), "survey")
    no_exceptions(at)
    at.selectbox(key=f"wave:{pid}").set_value(wave).run()
    button(at, translator(lang)("Write draft")).click().run()
    no_exceptions(at)
    return pid, at


def _item_inputs(at, pid):
    return [ti for ti in at.text_input if ti.key and ti.key.startswith(f"survey:{pid}:")
            and ti.key.endswith(":text") and ":new:" not in ti.key]


@pytest.mark.parametrize("lang", ["en", "nl", "sv"])
def test_draft_survey_in_each_language(lang):
    _ = translator(lang)
    pid, at = _drafted(lang)
    draft = workspace().latest_draft(pid, "survey").draft
    assert draft.lang == lang and draft.wave == "before"
    assert len(_item_inputs(at, pid)) == len(draft.questions) >= 12
    labels = [b.label for b in at.get("download_button")]
    assert _("Ready to send") in labels and _("Download items as CSV") in labels


def test_wave_is_passed_to_the_composer():
    pid, _at = _drafted("en", wave="after")
    assert workspace().latest_draft(pid, "survey").draft.wave == "after"


def test_edit_remove_and_add_items():
    pid, at = _drafted("en")
    draft = workspace().latest_draft(pid, "survey").draft
    first, second = draft.questions[0], draft.questions[1]
    inputs = _item_inputs(at, pid)
    inputs[0].input("I can explain to a colleague why we use Aria.").run()
    no_exceptions(at)
    edited = workspace().latest_draft(pid, "survey").draft
    assert edited.questions[0].text == "I can explain to a colleague why we use Aria."
    assert edited.questions[0].edited
    remove = [b for b in at.button if b.key and b.key.endswith(f":{second.key}:remove")][0]
    remove.click().run()
    no_exceptions(at)
    after = workspace().latest_draft(pid, "survey").draft
    assert second.key not in {q.key for q in after.questions}
    assert len(after.questions) == len(draft.questions) - 1
    at.text_input(key=f"survey:{pid}:new:text").input("I know who to ask about Aria.")
    at.selectbox(key=f"survey:{pid}:new:dim").set_value(first.dimension)
    button(at, "Add item").click().run()
    no_exceptions(at)
    added = workspace().latest_draft(pid, "survey").draft
    custom = [q for q in added.questions if q.custom]
    assert [q.text for q in custom] == ["I know who to ask about Aria."]
    assert custom[0].dimension == first.dimension and custom[0].type == "likert"
    # A new variant keeps the edit, the removal and the added item.
    button(at, "New variant").click().run()
    no_exceptions(at)
    variant = workspace().latest_draft(pid, "survey").draft
    texts = [q.text for q in variant.questions]
    assert "I can explain to a colleague why we use Aria." in texts
    assert "I know who to ask about Aria." in texts
    assert second.key not in {q.key for q in variant.questions}


def _rows(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # UTF-8 with BOM, so Excel reads å, ä, ö and ë right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


@pytest.mark.parametrize(("lang", "separator"), [("nl", ";"), ("sv", ";"), ("en", ",")])
def test_csv_uses_the_separator_excel_expects_for_the_ui_language(monkeypatch, lang, separator):
    files = capture_downloads(monkeypatch)
    pid, at = _drafted(lang)
    draft = workspace().latest_draft(pid, "survey").draft
    name = [n for n in files if n.endswith(f"-survey-{lang}.csv")]
    assert name, sorted(files)
    rows = _rows(files[name[0]], separator)
    assert rows[0] == ["text", "type", "options", "dimension", "dimension_label"]
    assert [r[0] for r in rows[1:]] == [q.text for q in draft.questions]
    assert all(len(r) == 5 for r in rows)  # split on the right separator: every row has its five cells
    assert at.selectbox(key=f"survey:csv_sep:{lang}").value == separator


def test_csv_separator_can_be_changed(monkeypatch):
    files = capture_downloads(monkeypatch)
    pid, at = _drafted("sv")
    name = [n for n in files if n.endswith(".csv")][0]
    assert _rows(files[name], ";")[0][1] == "type"  # the Swedish default
    at.selectbox(key="survey:csv_sep:sv").set_value(",").run()
    no_exceptions(at)
    rows = _rows(files[name], ",")
    assert rows[0] == ["text", "type", "options", "dimension", "dimension_label"]
    assert len(rows) == len(workspace().latest_draft(pid, "survey").draft.questions) + 1
