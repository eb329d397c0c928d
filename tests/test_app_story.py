"""Purpose story page: draft with one button, edits saved at once, regeneration keeps edits, Word download."""

from __future__ import annotations

import io

import docx
import pytest
from app_support import app, button, no_exceptions, page, seed_project, workspace

from toolkit import export
from toolkit.i18n import translator


def _bodies(at, pid, gen=None):
    return {ta.key: ta for ta in at.text_area if ta.key and ta.key.startswith(f"story:{pid}:")
            and ta.key.endswith(":body") and (gen is None or f":{gen}:" in ta.key)}


def _draft_story(lang: str, doc_lang: str | None = None):
    pid = seed_project(lang)
    at = page(app(lang, project=pid), "story")
    no_exceptions(at)
    if doc_lang:
        at.selectbox(key=f"doclang:{pid}:story").set_value(doc_lang).run()
    _ = translator(lang)
    button(at, _("Write draft")).click().run()
    no_exceptions(at)
    return pid, at


@pytest.mark.parametrize("lang", ["en", "nl", "sv"])
def test_draft_story_in_each_language(lang):
    _ = translator(lang)
    pid, at = _draft_story(lang)
    assert at.title[0].value == _("Purpose story")
    saved = workspace().latest_draft(pid, "story")
    assert saved is not None and saved.draft.lang == lang and saved.draft.kind == "story"
    bodies = _bodies(at, pid)
    assert len(bodies) == len(saved.draft.sections) >= 5
    assert [ti.value for ti in at.text_input if ti.key and ti.key.endswith(":heading")] == [
        s.heading for s in saved.draft.sections]
    assert [t.label for t in at.tabs][0] == _("Draft")
    labels = [b.label for b in at.get("download_button")]
    assert _("Ready to send") in labels
    assert _("Write a new draft") in [b.label for b in at.button]


def test_document_language_differs_from_ui_language():
    """A Swedish HR partner writes a Dutch story: the UI stays Swedish, the draft is Dutch."""
    pid, at = _draft_story("sv", doc_lang="nl")
    assert at.title[0].value == translator("sv")("Purpose story")
    draft = workspace().latest_draft(pid, "story").draft
    assert draft.lang == "nl"
    payload = export.to_docx(draft)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(payload)).paragraphs)
    assert draft.sections[0].heading in text


def test_edit_is_saved_and_survives_a_new_session():
    pid, at = _draft_story("en")
    first_key = list(_bodies(at, pid))[0]
    before = workspace().latest_draft(pid, "story")
    at.text_area(key=first_key).input("Our own opening paragraph.\n\n- first point\n- second point").run()
    no_exceptions(at)
    after = workspace().latest_draft(pid, "story")
    assert after.version == before.version + 1
    first = after.draft.sections[0]
    assert first.edited and first.paragraphs == ["Our own opening paragraph."]
    assert first.bullets == ["first point", "second point"]
    fresh = page(app("en", project=pid), "story")
    no_exceptions(fresh)
    values = [ta.value for ta in fresh.text_area if ta.key and ta.key.endswith(":body")]
    assert values[0] == "Our own opening paragraph.\n\n- first point\n- second point"
    assert "Edited by you" in [c.value for c in fresh.caption]


def test_regenerating_one_section_keeps_edits_elsewhere():
    pid, at = _draft_story("en")
    keys = list(_bodies(at, pid))
    at.text_area(key=keys[0]).input("My words stay.").run()
    other = workspace().latest_draft(pid, "story").draft.sections[2]
    regen = [b for b in at.button if b.key and b.key.endswith(f":{other.key}:regen")][0]
    regen.click().run()
    no_exceptions(at)
    latest = workspace().latest_draft(pid, "story").draft
    assert latest.sections[0].paragraphs == ["My words stay."] and latest.sections[0].edited
    assert [s.key for s in latest.sections] == [s.key for s in workspace().draft_versions(pid, "story")[-1].draft.sections]
    # The editors show the regenerated draft, with the edit still in place.
    values = [ta.value for ta in at.text_area if ta.key and ta.key.endswith(":body")]
    assert values[0] == "My words stay."


def test_new_variant_keeps_edits():
    pid, at = _draft_story("en")
    key = [ta.key for ta in at.text_area if ta.key and ta.key.endswith(":body")][1]
    at.text_area(key=key).input("Second section, my way.").run()
    button(at, "New variant").click().run()
    no_exceptions(at)
    latest = workspace().latest_draft(pid, "story").draft
    assert latest.variant == 1
    assert latest.sections[1].paragraphs == ["Second section, my way."]
    assert not any(s.edited for i, s in enumerate(latest.sections) if i != 1)


def test_same_project_in_two_sessions_keeps_both_versions():
    pid, first = _draft_story("en")
    second = page(app("en", project=pid), "story")
    key1 = [ta.key for ta in first.text_area if ta.key and ta.key.endswith(":body")][0]
    key2 = [ta.key for ta in second.text_area if ta.key and ta.key.endswith(":body")][0]
    first.text_area(key=key1).input("Edit from window one.").run()
    second.text_area(key=key2).input("Edit from window two.").run()
    no_exceptions(second)
    assert any("Both versions are kept" in w.value for w in second.warning)
    texts = [v.draft.sections[0].paragraphs for v in workspace().draft_versions(pid, "story")]
    assert ["Edit from window one."] in texts and ["Edit from window two."] in texts


def test_incomplete_brief_disables_drafting():
    pid = seed_project("nl", brief={"organisation": "Zorgverzekeraar"})
    at = page(app("nl", project=pid), "story")
    no_exceptions(at)
    assert button(at, "Concept schrijven").disabled
    assert any("De briefing is nog niet compleet" in w.value for w in at.warning)


def test_without_a_project_the_page_points_to_rollout():
    at = page(app("sv"), "story")
    no_exceptions(at)
    assert any("Öppna eller skapa ett projekt" in i.value for i in at.info)
    assert len(at.page_link) >= 1


def test_sources_and_quality_panels():
    pid, at = _draft_story("en")
    draft = workspace().latest_draft(pid, "story").draft
    tabs = [t.label for t in at.tabs]
    assert tabs[1] == f"Sources ({len(draft.citations)})"
    assert tabs[2].startswith("Quality")
    expanders = [e.label for e in at.expander]
    for n, citation in enumerate(draft.citations, start=1):
        assert any(label.startswith(f"[{n}] {citation.title}") for label in expanders)
    readability = [f for f in draft.checks if f.check == "readability" and f.score is not None]
    if readability:
        assert "Readability" in [m.label for m in at.metric]


@pytest.mark.parametrize("lang", ["nl", "sv"])
def test_the_senders_notes_stand_beside_each_section(lang):
    _ = translator(lang)
    pid, at = _draft_story(lang)
    draft = workspace().latest_draft(pid, "story").draft
    expected = [f"{_('Notes for the sender')} ({n})" for n in
                [sum(1 for note in draft.notes if note.section == s.key) for s in draft.sections] if n]
    assert expected and [e.label for e in at.expander if e.label.startswith(_("Notes for the sender"))] == expected
    shown = " ".join(m.value for m in at.markdown)
    assert all(note.text in shown for note in draft.notes)


def test_two_downloads_review_with_comments_and_ready_without(monkeypatch):
    from app_support import capture_downloads

    files = capture_downloads(monkeypatch)
    _ = translator("nl")
    pid, at = _draft_story("nl")
    labels = [b.label for b in at.get("download_button")]
    assert _("For review") in labels and _("Ready to send") in labels
    review = next(data for name, data in files.items() if name.endswith("-story-nl-review.docx"))
    ready = next(data for name, data in files.items() if name.endswith("-story-nl.docx"))
    assert len(docx.Document(io.BytesIO(review)).comments) == len(workspace().latest_draft(pid, "story").draft.notes)
    assert b"word/comments.xml" not in ready
