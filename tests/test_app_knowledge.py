"""Knowledge page: browse and search cards in the UI language, upload documents (good and corrupt), remove."""

from __future__ import annotations

import io

import docx
import pytest
from app_support import app, button, no_exceptions, page
from ingest_support import finish_ingests

from toolkit.cards import load_cards
from toolkit.i18n import translator


@pytest.mark.parametrize("lang", ["en", "nl", "sv"])
def test_browse_cards_in_the_ui_language(lang):
    _ = translator(lang)
    at = page(app(lang), "knowledge")
    no_exceptions(at)
    assert at.title[0].value == _("Knowledge base")
    cards = load_cards(lang) or load_cards("en")
    assert cards, "the knowledge base ships cards"
    labels = [e.label for e in at.expander]
    for card in cards:
        assert any(label.startswith(card.title) for label in labels)
    assert _("{n} cards", n=len(cards)) in [c.value for c in at.caption]


def test_search_shows_passages():
    at = page(app("en"), "knowledge")
    at.text_input(key="kb_query").input("what people will no longer have to do").run()
    no_exceptions(at)
    found = [c.value for c in at.caption if "passages found" in c.value]
    assert found and not found[0].startswith("0 ")
    assert len(at.expander) >= 1


def _docx_bytes(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_upload_good_and_corrupt_files_each_get_a_clear_result():
    at = page(app("en"), "knowledge")
    note = ("# Our AI principles\n\nAt Ashbrook we tell staff before any tool goes live. Advisers keep the final say "
            "over what a tenant is told, and we review every tool with the union after three months.\n")
    at.file_uploader(key="kb_files").set_value([
        ("principles.md", note.encode(), "text/markdown"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf \x00\x01", "application/pdf"),
        ("memo.docx", _docx_bytes("Advisers will get two hours of training in working time."),
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ]).run()
    button(at, "Add to the knowledge base").click().run()
    finish_ingests(at)
    no_exceptions(at)
    successes = [s.value for s in at.success]
    errors = [e.value for e in at.error]
    assert any("principles.md" in s for s in successes)
    assert any("memo.docx" in s for s in successes)
    assert len(errors) == 1 and "broken.pdf" in errors[0]
    assert not any("Traceback" in e for e in errors)
    listed = [m.value for m in at.markdown if m.value.startswith("**")]
    assert any("principles" in m.lower() or "ai principles" in m.lower() for m in listed)
    # Uploading the same file again says it is already there.
    at.file_uploader(key="kb_files").set_value(("principles.md", note.encode(), "text/markdown")).run()
    button(at, "Add to the knowledge base").click().run()
    finish_ingests(at)
    assert any("already added" in i.value for i in at.info)


def test_upload_errors_are_in_the_ui_language_and_removal_works():
    at = page(app("sv"), "knowledge")
    at.file_uploader(key="kb_files").set_value([
        ("trasig.docx", b"PK\x03\x04 not a zip at all", "application/octet-stream"),
        ("tom.txt", b"", "text/plain"),
        ("bra.txt", "Alla i teamet får utbildning på arbetstid innan verktyget införs.".encode(), "text/plain"),
    ]).run()
    button(at, "Lägg till i kunskapsbanken").click().run()
    finish_ingests(at)
    no_exceptions(at)
    errors = [e.value for e in at.error]
    assert len(errors) == 2 and any("trasig.docx" in e for e in errors) and any("tom.txt" in e for e in errors)
    assert any("bra.txt" in s.value for s in at.success)
    removes = [b for b in at.button if b.key and b.key.startswith("kb_remove:")]
    assert len(removes) == 1
    removes[0].click().run()
    no_exceptions(at)
    assert any(i.value == "Dokumentet har tagits bort." for i in at.info)
    assert not [b for b in at.button if b.key and b.key.startswith("kb_remove:")]
    assert "Du har inte lagt till några dokument än." in [c.value for c in at.caption]
