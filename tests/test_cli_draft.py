"""The `draft` command as scripts use it: a real subprocess, JSON on stdout, files on disk, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run_cli(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess:
    env = os.environ.copy()
    if data_dir is not None:
        env.update(TOOLKIT_DATA_DIR=str(data_dir), TOOLKIT_EMBEDDINGS="hash")
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)


@pytest.fixture(scope="module")
def drafts(tmp_path_factory) -> dict[str, dict]:
    """Each artefact drafted once from the Swedish example brief, sharing one data dir."""
    data_dir = tmp_path_factory.mktemp("cli-data")
    out = {}
    for kind in ("story", "faq", "survey", "plan"):
        result = run_cli("draft", kind, "--brief", str(EXAMPLES / "brief-sv.yaml"), "--json", data_dir=data_dir)
        assert result.returncode == 0, result.stderr
        out[kind] = json.loads(result.stdout)
    return out


@pytest.mark.parametrize("kind", ["story", "faq", "survey", "plan"])
def test_json_has_the_documented_fields(drafts, kind):
    data = drafts[kind]
    for key in ("kind", "lang", "engine", "notices", "title", "text", "sections", "citations", "checks"):
        assert key in data, key
    assert data["kind"] == kind
    assert data["lang"] == "sv"
    assert data["engine"] == "composer"
    assert data["title"] and data["title"] in data["text"]
    for citation in data["citations"]:
        assert citation["id"] and citation["title"] and citation["source"]
    for finding in data["checks"]:
        assert {"check", "severity", "message"} <= finding.keys()


def test_faq_and_survey_carry_their_items(drafts):
    items = drafts["faq"]["items"]
    assert len(items) >= 10
    assert all(item["question"] and item["answer"] for item in items)
    questions = drafts["survey"]["questions"]
    assert 12 <= len(questions) <= 20
    assert {q["type"] for q in questions} == {"likert", "nps", "open"}
    assert all(q["dimension"] for q in questions)


def test_offline_drafts_of_the_example_pass_every_check(drafts):
    for kind, data in drafts.items():
        problems = [f for f in data["checks"] if f["severity"] in ("error", "warning")]
        assert problems == [], (kind, problems)


def test_out_writes_a_word_document_and_csv(tmp_path):
    out = tmp_path / "enkat.docx"
    table = tmp_path / "enkat.csv"
    result = run_cli("draft", "survey", "--brief", str(EXAMPLES / "brief-sv.yaml"), "--wave", "after",
                     "--out", str(out), "--csv", str(table))
    assert result.returncode == 0, result.stderr
    document = docx.Document(str(out))
    assert document.core_properties.title
    assert document.tables, "the survey is laid out as tables"
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8-sig"))))
    assert {row["type"] for row in rows} == {"likert", "nps", "open"}


def test_lang_overrides_the_brief(tmp_path):
    result = run_cli("draft", "story", "--brief", str(EXAMPLES / "brief-sv.yaml"), "--lang", "en", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["lang"] == "en"


def test_invalid_brief_exits_2_with_one_line_naming_the_field(tmp_path):
    brief = yaml.safe_load((EXAMPLES / "brief-nl.yaml").read_text(encoding="utf-8"))
    del brief["contact_person"]
    brief["start_date"] = "volgende week"
    path = tmp_path / "brief.yaml"
    path.write_text(yaml.safe_dump(brief, allow_unicode=True), encoding="utf-8")
    result = run_cli("draft", "story", "--brief", str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "Contactpersoon" in lines[0] and "Startdatum" in lines[0]  # Dutch brief, Dutch field names


@pytest.mark.parametrize("args", [
    ["draft", "memo", "--brief", "x.yaml"],
    ["draft", "story"],
    ["draft", "story", "--brief", "does-not-exist.yaml"],
    ["draft", "story", "--brief", "examples/brief-en.yaml", "--out", "story.pdf"],
    ["draft", "story", "--brief", "examples/brief-en.yaml", "--variant", "-1"],
    ["draft", "story", "--brief", "examples/brief-en.yaml", "--csv", "x.csv"],
])
def test_bad_arguments_exit_2_without_traceback(args):
    result = run_cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_variant_changes_the_wording():
    first = run_cli("draft", "story", "--brief", str(EXAMPLES / "brief-en.yaml"), "--json")
    second = run_cli("draft", "story", "--brief", str(EXAMPLES / "brief-en.yaml"), "--variant", "2", "--json")
    assert first.returncode == second.returncode == 0
    assert json.loads(first.stdout)["text"] != json.loads(second.stdout)["text"]


def test_json_has_the_senders_notes_and_the_plans_touchpoints(drafts):
    notes = drafts["story"]["notes"]
    assert notes and all({"section", "text", "source"} <= note.keys() for note in notes)
    sections = {s["key"] for s in drafts["story"]["sections"]}
    assert all(note["section"] in sections and note["text"] for note in notes)
    assert any(note["source"] == "plan" for note in notes), "the plan's meetings are to be confirmed"
    assert drafts["story"]["touchpoints"] and "individual" in drafts["story"]["touchpoints"]


def test_ready_writes_the_clean_edition_and_without_it_the_review_edition(tmp_path):
    review, ready = tmp_path / "review.docx", tmp_path / "ready.docx"
    brief = str(EXAMPLES / "brief-nl.yaml")
    assert run_cli("draft", "story", "--brief", brief, "--out", str(review)).returncode == 0
    result = run_cli("draft", "story", "--brief", brief, "--out", str(ready), "--ready")
    assert result.returncode == 0, result.stderr
    assert len(docx.Document(str(review)).comments) > 0
    with zipfile.ZipFile(ready) as archive:
        assert "word/comments.xml" not in archive.namelist()
    text = "\n".join(p.text for p in docx.Document(str(ready)).paragraphs)
    assert "Bronnen" not in text and not re.search(r"\[\d+\]", text)
