"""Chunking of cards and documents, text extraction from each format, and the checks on bad files."""

from __future__ import annotations

import io

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from toolkit.cards import parse_card
from toolkit.knowledge import (
    MAX_WORDS,
    UploadError,
    card_chunks,
    card_hash,
    check_file,
    extract_text,
    split_text,
    upload_chunks,
)

DUTCH = ("We voeren in maart een nieuwe AI-assistent in bij de klantenservice. De assistent vat gesprekken "
         "samen en stelt antwoorden voor. Je blijft zelf verantwoordelijk voor het gesprek met de klant. "
         "We willen dat je minder tijd kwijt bent aan het zoeken naar informatie.")
SWEDISH = ("Vi inför en ny AI-assistent i kundtjänsten i mars. Assistenten sammanfattar samtal och föreslår "
           "svar. Du ansvarar själv för samtalet med kunden. Vi vill att du ska lägga mindre tid på att leta "
           "efter information.")
ENGLISH = ("We are introducing a new AI assistant in customer service in March. The assistant summarises calls "
           "and suggests answers. You remain responsible for the conversation with the customer.")


def make_pdf(lines: list[str]) -> bytes:
    """A minimal valid one-page PDF with a text stream (Helvetica, WinAnsi encoding)."""
    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 11 Tf", "14 TL", "72 770 Td", *[f"({esc(line)}) Tj T*" for line in lines], "ET"]
    stream = "\n".join(ops).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def encrypt_pdf(data: bytes, password: str = "secret") -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def numbered_sentences(n: int, words: int = 10) -> str:
    return " ".join(f"Sentence {i} " + " ".join(["word"] * (words - 3)) + "." for i in range(n))


# --- splitting ---------------------------------------------------------------------------------------------

def test_split_keeps_short_text_whole():
    assert split_text("One short paragraph.\n\nAnother one.") == ["One short paragraph.\n\nAnother one."]


def test_split_makes_passages_of_bounded_size_with_overlap():
    paragraphs = [numbered_sentences(6) for _ in range(12)]  # 12 paragraphs of 60 words
    chunks = split_text("\n\n".join(paragraphs))
    sizes = [len(c.split()) for c in chunks]
    assert len(chunks) >= 3
    assert all(s <= MAX_WORDS + 40 for s in sizes), sizes
    assert all(s >= 100 for s in sizes[:-1]), sizes
    # each chunk starts with the last whole sentences of the one before (at most 40 words of overlap)
    for before, after in zip(chunks, chunks[1:], strict=False):
        sentences = [("Sentence" + s).strip() for s in after.split("Sentence")[1:]]
        shared = [n for n in range(1, len(sentences)) if before.endswith(" ".join(sentences[:n]))]
        assert shared, (before[-80:], after[:80])
        assert len(" ".join(sentences[:max(shared)]).split()) <= 40


def test_split_cuts_long_paragraph_on_sentence_ends():
    chunks = split_text(numbered_sentences(60))  # one paragraph of 600 words
    assert len(chunks) >= 3
    assert all(c.rstrip().endswith(".") for c in chunks)


def test_split_covers_all_text():
    text = "\n\n".join(numbered_sentences(5) for _ in range(10)).replace("Sentence", "S")
    joined = " ".join(split_text(text))
    for i in range(5):
        assert f"S {i} " in joined


# --- cards -------------------------------------------------------------------------------------------------

CARD = """---
id: purpose-first
title: Explain the purpose first
lang: en
topics: [purpose, story]
source: Wowservice
year: 2024
kind: guidance
---
Start with why. {body}
"""


def test_card_chunks_carry_metadata_and_stable_ids():
    card = parse_card(CARD.format(body="People accept change they understand."), "knowledge/en/purpose.md")
    [chunk] = card_chunks(card)
    assert chunk.id == "k:en:purpose-first:0"
    assert chunk.metadata["card_id"] == "purpose-first"
    assert chunk.metadata["topics"] == "purpose,story"
    assert chunk.metadata["origin"] == "knowledge"
    assert chunk.metadata["year"] == 2024
    assert chunk.index_text.startswith("Explain the purpose first\n\n")
    assert len(chunk.metadata["hash"]) == 64


def test_card_hash_changes_with_content():
    a = parse_card(CARD.format(body="One."))
    b = parse_card(CARD.format(body="Two."))
    assert card_hash(a) == card_hash(parse_card(CARD.format(body="One.")))
    assert card_hash(a) != card_hash(b)


# --- extraction --------------------------------------------------------------------------------------------

def test_extract_txt_md_docx_pdf():
    assert "klantenservice" in extract_text("a.txt", DUTCH.encode("utf-8"))
    assert "kundtjänsten" in extract_text("a.md", ("# Titel\n\n" + SWEDISH).encode("utf-8"))
    assert "Klarna" in extract_text("a.docx", make_docx([ENGLISH], table=[["Klarna", "700 agents"]]))
    assert "kundtjänsten" in extract_text("a.pdf", make_pdf(["Vi inför en ny AI-assistent i kundtjänsten."]))


def test_extract_txt_in_windows_encoding():
    assert "één" in extract_text("a.txt", "Dit is één zin.".encode("cp1252"))


@pytest.mark.parametrize("name", ["bad.pdf", "bad.docx", "bad.txt"])
def test_garbage_bytes_are_reported_as_damaged(name):
    with pytest.raises(UploadError) as info:
        extract_text(name, b"\x00\x01\x02garbage\xff\xfe" * 50)
    assert "damaged" in str(info.value)


def test_encrypted_pdf_is_reported():
    with pytest.raises(UploadError) as info:
        extract_text("secret.pdf", encrypt_pdf(make_pdf([ENGLISH[:80]])))
    assert "password" in str(info.value)


def test_pdf_without_text_is_reported():
    with pytest.raises(UploadError) as info:
        extract_text("blank.pdf", make_pdf([]))
    assert "no text" in str(info.value)


def test_check_file_rejects_empty_oversized_unsupported_and_missing(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 300_000)  # 1.5 MB
    other = tmp_path / "slides.pptx"
    other.write_bytes(b"x")
    cases = {empty: "empty", big: "larger than 1 MB", other: "not supported", tmp_path / "gone.md": "does not exist"}
    for path, expected in cases.items():
        with pytest.raises(UploadError) as info:
            check_file(path, max_mb=1)
        assert expected in str(info.value)
        assert str(info.value).startswith(path.name)


def test_upload_error_messages_in_the_users_language(tmp_path):
    path = tmp_path / "leeg.txt"
    path.write_bytes(b"")
    with pytest.raises(UploadError) as info:
        check_file(path, max_mb=1)
    assert info.value.message("nl") == "leeg.txt: het bestand is leeg."
    assert info.value.message("sv") == "leeg.txt: filen är tom."
    assert info.value.message("en") == "leeg.txt: the file is empty."


# --- document chunks and their languages -------------------------------------------------------------------

def test_upload_chunks_detect_language_per_passage():
    text = "\n\n".join([DUTCH] * 5 + [SWEDISH] * 5 + [ENGLISH] * 6)
    chunks = upload_chunks("mixed.txt", text, "abc123", "/tmp/mixed.txt", "2026-01-01T00:00:00")
    langs = [c.metadata["lang"] for c in chunks]
    assert langs[0] == "nl" and "sv" in langs and langs[-1] == "en"
    assert all(c.metadata["origin"] == "upload" and c.metadata["source_id"] == "abc123" for c in chunks)
    assert [c.id for c in chunks] == [f"u:abc123:{n}" for n in range(len(chunks))]


def test_markdown_title_and_front_matter():
    text = "---\nauthor: x\n---\n# Onze aanpak\n\n" + DUTCH
    [chunk] = upload_chunks("plan.md", text, "s1", "p", "t")
    assert chunk.title == "Onze aanpak"
    assert "author" not in chunk.text and not chunk.text.startswith("#")
    assert chunk.metadata["lang"] == "nl"


def test_unclear_passage_falls_back_to_document_language():
    text = DUTCH + "\n\n" + DUTCH + "\n\nOK."
    chunks = upload_chunks("kort.txt", text, "s2", "p", "t")
    assert {c.metadata["lang"] for c in chunks} == {"nl"}


def test_card_asks_become_one_extra_searchable_passage():
    text = CARD.format(body="People accept change they understand.").replace(
        "kind: guidance\n", "kind: guidance\nasks: [\"how do I announce the chatbot\", \"town hall on AI\"]\n")
    card = parse_card(text, "knowledge/en/purpose.md")
    body, asks = card_chunks(card)
    assert body.id == "k:en:purpose-first:0" and body.metadata["part"] == "body"
    assert asks.id == "k:en:purpose-first:asks" and asks.metadata["part"] == "asks"
    assert asks.metadata["card_id"] == "purpose-first" and asks.metadata["card_hash"] == body.metadata["card_hash"]
    assert asks.index_text == "Explain the purpose first\n\nhow do I announce the chatbot\ntown hall on AI"
    assert card_hash(card) != card_hash(parse_card(text.replace("town hall", "huddle")))
