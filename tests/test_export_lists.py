"""Lists written inside free text (FAQ answers) become real Word lists, also straight after a sentence."""

from __future__ import annotations

import io

import docx
from export_samples import base

from toolkit import export
from toolkit.models import FaqItem


def test_list_lines_after_a_sentence_become_a_bulleted_list():
    draft = base("faq", "nl")
    draft.items = [FaqItem(key="same", question="Wat blijft hetzelfde?",
                           answer="Veel blijft zoals het is:\n- Het gesprek blijft mensenwerk.\n"
                                  "- Roosters blijven gelijk.\nVraag het gerust na.")]
    document = docx.Document(io.BytesIO(export.to_docx(draft)))
    rows = [(p.style.name, p.text) for p in document.paragraphs]
    start = rows.index(("Normal", "Veel blijft zoals het is:"))
    assert rows[start + 1] == ("List Bullet", "Het gesprek blijft mensenwerk.")
    assert rows[start + 2] == ("List Bullet", "Roosters blijven gelijk.")
    assert rows[start + 3] == ("Normal", "Vraag het gerust na.")
    assert not any(text.startswith("- ") for _, text in rows), "no typed bullet characters"


def test_a_single_numbered_line_stays_a_sentence():
    draft = base("faq", "en")
    draft.items = [FaqItem(key="when", question="When?", answer="1. April is when we start.")]
    document = docx.Document(io.BytesIO(export.to_docx(draft)))
    assert ("Normal", "1. April is when we start.") in [(p.style.name, p.text) for p in document.paragraphs]
