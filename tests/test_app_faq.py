"""FAQ page: draft, edit an answer, add an own question with a grounded answer, regenerate one answer."""

from __future__ import annotations

import pytest
from app_support import app, button, no_exceptions, page, seed_project, workspace

from toolkit.i18n import translator


def _drafted(lang: str):
    pid = seed_project(lang)
    at = page(app(lang, project=pid), "faq")
    no_exceptions(at)
    button(at, translator(lang)("Write draft")).click().run()
    no_exceptions(at)
    return pid, at


def _answers(at, pid):
    return [ta for ta in at.text_area if ta.key and ta.key.startswith(f"faq:{pid}:") and ta.key.endswith(":a")]


@pytest.mark.parametrize("lang", ["en", "nl", "sv"])
def test_draft_faq_in_each_language(lang):
    _ = translator(lang)
    pid, at = _drafted(lang)
    draft = workspace().latest_draft(pid, "faq").draft
    assert draft.lang == lang and len(draft.items) >= 10
    assert len(_answers(at, pid)) == len(draft.items)
    assert at.title[0].value == _("FAQ")


def test_add_own_question_gets_a_grounded_answer():
    pid, at = _drafted("en")
    before = workspace().latest_draft(pid, "faq").draft
    at.text_input(key=f"faq:{pid}:new").input("Will Aria listen to my calls?")
    button(at, "Answer and add").click().run()
    no_exceptions(at)
    after = workspace().latest_draft(pid, "faq").draft
    assert len(after.items) == len(before.items) + 1
    mine = after.items[-1]
    assert mine.custom and mine.question == "Will Aria listen to my calls?" and mine.answer.strip()
    for cid in mine.citations:
        assert cid in {c.id for c in after.citations}
    assert any("Your question was added" in s.value for s in at.success)


def test_regenerate_one_answer_keeps_an_edited_answer():
    pid, at = _drafted("en")
    answers = _answers(at, pid)
    answers[0].input("Our own answer, kept as written.").run()
    no_exceptions(at)
    draft = workspace().latest_draft(pid, "faq").draft
    target = draft.items[3].key
    [b for b in at.button if b.key and b.key.endswith(f":{target}:regen")][0].click().run()
    no_exceptions(at)
    latest = workspace().latest_draft(pid, "faq").draft
    assert latest.items[0].answer == "Our own answer, kept as written." and latest.items[0].edited
    assert [i.key for i in latest.items] == [i.key for i in draft.items]


def test_a_failing_action_shows_a_friendly_message(monkeypatch):
    from toolkit import drafting

    pid, at = _drafted("nl")

    def boom(*args, **kwargs):
        raise RuntimeError("internal detail with key sk-secret-abcdefghijk")

    monkeypatch.setattr(drafting, "add_question", boom)
    at.text_input(key=f"faq:{pid}:new").input("Mag ik Assist uitzetten?")
    button(at, "Beantwoorden en toevoegen").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors and errors[0].startswith("Er ging iets mis")
    assert not any("sk-secret" in e or "internal detail" in e for e in errors)
