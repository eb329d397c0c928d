"""`python -m toolkit`: JSON shapes, exit codes and one-line errors, run as a real subprocess."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from test_knowledge import ENGLISH, make_docx

from toolkit.cli import COMMANDS, main, register
from toolkit.cli.common import ProgressPrinter
from toolkit.settings import PROJECT_ROOT


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=PROJECT_ROOT, env=full_env,
                          capture_output=True, text=True, timeout=300)


def assert_usage_error(result: subprocess.CompletedProcess, fragment: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_ingest_search_sources_remove_round_trip(tmp_path):
    doc = tmp_path / "memo.docx"
    doc.write_bytes(make_docx([ENGLISH, "The pilot team is called Kingfisher and starts in March."]))

    ingested = run("ingest", str(doc))
    assert ingested.returncode == 0, ingested.stderr
    assert ingested.stdout.startswith("ok: memo.docx: added (1 passage).")  # ngettext: one passage
    source_id = ingested.stdout.split("[")[1].split("]")[0]

    found = run("search", "Kingfisher pilot team", "--lang", "en", "--k", "3", "--json")
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert isinstance(hits, list) and 1 <= len(hits) <= 3
    for hit in hits:
        assert {"text", "title", "source", "year", "lang", "score", "card_id", "kind"} <= hit.keys()
        assert isinstance(hit["score"], float) and hit["lang"] in ("en", "nl", "sv")
    top = hits[0]
    assert (top["source"], top["card_id"], top["kind"], top["title"]) == ("memo.docx", source_id, "upload", "memo")
    assert "Kingfisher" in top["text"]

    sources = json.loads(run("sources", "--json").stdout)
    assert source_id in [s["source_id"] for s in sources]

    assert run("remove", source_id).returncode == 0
    assert_usage_error(run("remove", source_id), "no user document")
    assert source_id not in run("sources").stdout


def test_bad_uploads_exit_2_with_one_line_each(tmp_path):
    garbage = tmp_path / "broken.pdf"
    garbage.write_bytes(b"\x00garbage\xff" * 100)
    result = run("ingest", str(garbage), "--lang", "nl")
    assert_usage_error(result, "broken.pdf: het bestand is beschadigd of is geen geldige pdf.")


@pytest.mark.parametrize("args, fragment", [
    ((), "choose a command"),
    (("bogus",), "invalid choice"),
    (("search",), "required"),
    (("search", "x", "--k", "abc"), "--k must be a whole number"),
    (("search", "x", "--lang", "de"), "invalid choice"),
    (("search", "   "), "the query is empty"),
    (("ingest",), "required"),
])
def test_bad_arguments_exit_2_in_process(args, fragment, capsys):
    assert main(list(args)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and fragment in err


def test_bad_argument_and_bad_setting_in_a_subprocess():
    assert_usage_error(run("search", "x", "--k", "0"), "--k must be between 1 and 100")
    assert_usage_error(run("sources", env={"TOOLKIT_EMBEDDINGS": "bogus"}), "TOOLKIT_EMBEDDINGS must be one of")


def test_index_reports_what_it_did_and_is_idempotent():
    first = run("index")
    assert first.returncode == 0, first.stderr
    assert "Cards: " in first.stdout and " added, " in first.stdout
    second = run("index")
    assert second.returncode == 0
    assert "Cards: 0 added, 0 updated" in second.stdout and "0 embedded" in second.stdout


def test_progress_prints_counts_every_tenth_when_not_a_terminal():
    stream = io.StringIO()
    progress = ProgressPrinter("Indexing", stream)
    for done in range(1, 136):
        progress(done, 135, "cards")
    lines = stream.getvalue().splitlines()
    assert lines[-1] == "Indexing 135 cards… 135/135"
    assert 9 <= len(lines) <= 12
    assert "Indexing 135 cards… 13/135" in lines


def test_other_modules_can_register_a_subcommand(capsys):
    seen = []

    def configure(parser):
        parser.add_argument("name")

    def run_hello(args):
        seen.append(args.name)
        return 0

    register("hello", "say hello", configure, run_hello)
    try:
        assert main(["hello", "world"]) == 0
        assert seen == ["world"]
    finally:
        COMMANDS.pop("hello")
