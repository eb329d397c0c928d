"""Two editions of every Word document (issue 9 §1): "review" carries the sender's notes as comments on the part
they explain and lists the sources; "ready" is what staff receive, clean. The plan is for managers and keeps its
sources in both. Documents are written to disk and read back (python-docx and the zip's own parts)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from fakes import FakeRetriever

from toolkit import drafting, export
from toolkit.brief import load_brief
from toolkit.i18n import translator
from toolkit.models import LANGS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
STAFF_KINDS = ("story", "survey", "faq")


@pytest.fixture(scope="module")
def drafts():
    """(language, kind) -> the example brief's checked draft in its own language."""
    retriever = FakeRetriever()
    return {(lang, kind): drafting.draft(kind, load_brief(EXAMPLES / f"brief-{lang}.yaml"), retriever=retriever)
            for lang in LANGS for kind in (*STAFF_KINDS, "plan")}


def write(tmp_path: Path, draft, edition: str) -> Path:
    path = tmp_path / f"{draft.kind}-{draft.lang}-{edition}.docx"
    path.write_bytes(export.to_docx(draft, edition=edition))
    return path


def all_text(path: Path) -> str:
    """Every paragraph's text, tables included, as Word shows it."""
    body = docx.Document(str(path)).element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


def comments_by_heading(path: Path) -> dict[str, list[str]]:
    """Heading 1 text -> the texts of the comments anchored in the part under it (the title's part is '')."""
    document = docx.Document(str(path))
    texts = {c.comment_id: c.text for c in document.comments}
    found: dict[str, list[str]] = {}
    heading = ""
    for paragraph in document.element.body.iter(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val")) in ("Heading1", "Heading 1"):
            heading = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
        for start in paragraph.iter(qn("w:commentRangeStart")):
            found.setdefault(heading, []).append(texts[int(start.get(qn("w:id")))])
    return found


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", STAFF_KINDS)
def test_the_ready_edition_is_clean(drafts, tmp_path, lang, kind):
    draft = drafts[lang, kind]
    path = write(tmp_path, draft, "ready")
    with zipfile.ZipFile(path) as archive:
        assert not [name for name in archive.namelist() if "comments" in name.lower()]
    text = all_text(path)
    assert not re.search(r"\[\d+\]", text)
    guidance_titles = [c.title for c in draft.citations if c.kind != "fact"]
    assert draft.citations and not [title for title in guidance_titles if title in text]
    assert translator(lang)("Sources") not in text.split("\n")
    assert draft.title in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["story", "survey"])
def test_the_review_edition_has_a_comment_on_each_part_with_guidance(drafts, tmp_path, lang, kind):
    draft = drafts[lang, kind]
    path = write(tmp_path, draft, "review")
    document = docx.Document(str(path))
    assert len(document.comments) == len(draft.notes) > 0
    by_heading = comments_by_heading(path)
    headings = {s.key: s.heading for s in draft.sections}
    for note in draft.notes:
        where = headings.get(note.section, "")  # survey items and its introduction sit under other headings
        if note.section in headings:
            assert any(c.startswith(note.text) for c in by_heading.get(where, [])), note
    guided = {n.section for n in draft.notes if n.source != "plan"}
    assert guided and all(by_heading.get(headings[key]) for key in guided if key in headings)
    text = all_text(path)
    assert translator(lang)("Sources") in text.split("\n")
    assert all(c.title in text for c in draft.citations)


def test_a_note_about_a_plan_meeting_sits_on_the_paragraph_that_promises_it(drafts, tmp_path):
    draft = drafts["nl", "story"]
    path = write(tmp_path, draft, "review")
    document = docx.Document(str(path))
    texts = {c.comment_id: c.text for c in document.comments}
    for paragraph in document.element.body.iter(qn("w:p")):
        said = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
        for start in paragraph.iter(qn("w:commentRangeStart")):
            comment = texts[int(start.get(qn("w:id")))]
            date = re.search(r"\d{1,2} \w+ \d{4}", comment)
            if comment.startswith("Deze tekst belooft") and date:
                assert date.group(0) in said, (comment, said)
    notes_text = " ".join(texts.values())
    assert "Bron: " in notes_text, "a note names its card in the draft's language"


@pytest.mark.parametrize("edition", export.EDITIONS)
def test_the_plan_keeps_its_sources_in_both_editions(drafts, tmp_path, edition):
    draft = drafts["nl", "plan"]
    text = all_text(write(tmp_path, draft, edition))
    assert re.search(r"\[\d+\]", text)
    assert "Bronnen" in text.split("\n") and all(c.title in text for c in draft.citations)


def test_an_unknown_edition_is_refused(drafts):
    with pytest.raises(ValueError, match="edition"):
        export.to_docx(drafts["en", "story"], edition="final")


def test_a_branded_reference_with_comments_gives_a_ready_edition_without_them(drafts, tmp_path):
    draft = drafts["en", "story"]
    branded = export.to_docx(draft, edition="review")  # a document with comments, used as the reference
    path = tmp_path / "ready.docx"
    path.write_bytes(export.to_docx(draft, reference=branded, edition="ready"))
    with zipfile.ZipFile(path) as archive:
        assert "word/comments.xml" not in archive.namelist()


@pytest.mark.integration
@pytest.mark.parametrize("edition", export.EDITIONS)
def test_both_editions_open_in_libreoffice(drafts, tmp_path, edition):
    if shutil.which("soffice") is None:
        pytest.fail("missing soffice: run scripts/system_deps.sh (libreoffice-writer-nogui)")
    for kind in ("story", "survey"):
        source = write(tmp_path, drafts["sv", kind], edition)
        profile = tmp_path / "lo-profile"
        subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                       capture_output=True, text=True, timeout=180, check=False)
        pdf = source.with_suffix(".pdf")
        assert pdf.exists() and pdf.stat().st_size > 1000, (kind, edition)
