"""The real renderer: exported documents converted by LibreOffice headless to PDF, text checked with pdftotext.

Page 1 of each artefact is kept as a PNG under test-artifacts/render/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from export_samples import LOCALISED, SCALES, TEXT, sample

from toolkit import export

pytestmark = pytest.mark.integration

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "render"
CASES = [("story", "nl"), ("faq", "sv"), ("survey", "en"), ("plan", "nl"), ("survey", "sv")]


def _need(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run scripts/system_deps.sh (libreoffice-writer-nogui, "
                    "poppler-utils)")


def to_pdf(docx_path: Path, tmp_path: Path) -> Path:
    """Convert with a private LibreOffice profile, so parallel test workers do not share one."""
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_path)],
        capture_output=True, text=True, timeout=180, check=False,
    )
    pdf = tmp_path / (docx_path.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice did not convert: {result.stdout} {result.stderr}"
    return pdf


def pdf_text(pdf: Path, mode: str = "-layout") -> str:
    result = subprocess.run(["pdftotext", mode, str(pdf), "-"], capture_output=True, text=True,
                            timeout=60, check=True)
    return " ".join(result.stdout.split())


def save_first_page(pdf: Path, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = ARTIFACTS / name
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(prefix)],
                   check=True, timeout=60)
    return prefix.with_suffix(".png")


def expected(kind: str, lang: str) -> tuple[list[str], list[str]]:
    """Phrases that run in the text flow, and table-cell texts whose words may wrap inside a narrow cell."""
    t = TEXT[lang]
    phrases = [t["title"], LOCALISED[lang]["long_date"], LOCALISED[lang]["sources"], t["source"]]
    cells: list[str] = []
    if kind == "story":
        phrases += [t["why"], t["bullets"][0], t["numbered2"][1], "[1]"]
    elif kind == "faq":
        phrases += [t["q1"], t["a1"], LOCALISED[lang]["faq"]]
    elif kind == "survey":
        phrases += [t["intro"], t["nps"], t["open"]]
        cells += [t["items"][0], SCALES[lang][2], SCALES[lang][4]]
    else:
        cells += [t["touch"], t["block"], "09:20\u201310:00", LOCALISED[lang]["touchpoint"]]
    return phrases, cells


@pytest.mark.parametrize("kind, lang", CASES)
def test_libreoffice_renders_the_export(kind, lang, tmp_path):
    _need("soffice", "pdftotext", "pdftoppm")
    source = tmp_path / f"{kind}-{lang}.docx"
    export.write_docx(sample(kind, lang), source, include_findings=True, author="Test")
    pdf = to_pdf(source, tmp_path)
    text = pdf_text(pdf)
    phrases, cells = expected(kind, lang)
    for phrase in phrases:
        assert " ".join(phrase.split()) in text, phrase
    # Content-stream order keeps a cell's lines together; a narrow cell may break a word, so compare without spaces.
    squeezed = "".join(pdf_text(pdf, "-raw").split())
    for cell in cells:
        assert "".join(cell.split()) in squeezed, cell
    assert "\u2610" in text or kind != "survey"
    png = save_first_page(pdf, f"{kind}-{lang}")
    assert png.exists() and png.stat().st_size > 1000


def test_libreoffice_renders_a_branded_reference(tmp_path):
    _need("soffice", "pdftotext")
    import io

    import docx

    brand = docx.Document()
    brand.sections[0].header.paragraphs[0].text = "Brand header Acme"
    buffer = io.BytesIO()
    brand.save(buffer)
    reference, message = export.load_reference(buffer.getvalue(), "en")
    assert message is None
    source = tmp_path / "branded.docx"
    export.write_docx(sample("story", "en"), source, reference=reference)
    text = pdf_text(to_pdf(source, tmp_path))
    assert "Brand header Acme" in text and TEXT["en"]["title"] in text
