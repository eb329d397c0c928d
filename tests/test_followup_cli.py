"""`draft followup --brief FILE WAVE=FILE ...`: the follow-up from answer files on the command line."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from results_files import BRIEFS, HIDDEN, make_files

from toolkit import cli

BRIEF = str(BRIEFS["nl"])


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return make_files(tmp_path_factory.mktemp("answers"))


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["draft", "followup", *args])
    out, err = capsys.readouterr()
    return code, out, err


def answers(files) -> list[str]:
    return [f"before={files / 'before' / 'forms-nl.xlsx'}", f"during={files / 'during' / 'google-nl.csv'}"]


def test_json_has_the_shape_of_every_draft_and_keeps_hidden_groups_out(capsys, files, tmp_path):
    code, out, err = run_cli(capsys, "--brief", BRIEF, *answers(files), "--group-column", "Team",
                             "--commitment", "Meer oefentijd in werktijd, vanaf 1 juni", "--commitment",
                             "Een maatje voor de eerste weken", "--cannot-do", "Geen extra collega's voor september",
                             "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) >= {"kind", "lang", "engine", "notices", "title", "text", "sections", "citations", "checks",
                         "notes", "derived", "chart"}
    assert data["kind"] == "followup" and data["lang"] == "nl" and data["wave"] == "during"
    keys = [s["key"] for s in data["sections"]]
    assert keys == ["thanks", "going_well", "worries", "themes", "will_do", "cannot_do", "next_wave", "contact"]
    assert "- Meer oefentijd in werktijd, vanaf 1 juni." in data["text"]
    assert not [c for c in data["checks"] if c["severity"] in ("warning", "error")], data["checks"]
    assert not any(name in out for name in HIDDEN)


def test_out_writes_the_follow_up_with_one_chart_and_the_ledger_section(capsys, files, tmp_path):
    ledger = tmp_path / "ledger.json"
    ledger.write_text(json.dumps({"entries": [{"text": "Een maatje voor de eerste weken", "wave": "before",
                                               "done": True}]}), encoding="utf-8")
    target = tmp_path / "followup.docx"
    code, out, err = run_cli(capsys, "--brief", BRIEF, *answers(files), "--ledger", str(ledger), "--out",
                             str(target))
    assert code == 0, err
    assert "Gedaan: een maatje voor de eerste weken." in out and f"Wrote {target}" in err
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as package:
        assert len([n for n in package.namelist() if n.startswith("word/media/")]) == 1
        assert "Dit zeiden we de vorige keer" in package.read("word/document.xml").decode("utf-8")


def assert_one_line(code: int, err: str, fragment: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and fragment in lines[0], err
    assert "Traceback" not in err


@pytest.mark.parametrize(("args", "fragment"), [
    ([], "WAVE=FILE"),
    (["later={before}"], "unknown wave 'later'"),
    (["before=/no/such/file.xlsx"], "cannot read"),
    (["{before}", "--group-column", "Ploeg"], "geen kolom met de naam Ploeg"),  # in the brief's language
    (["{before}", "--min-group", "11"], "from 3 to 10"),
    (["{before}", "--out", "followup.pdf"], "must end in .docx"),
    (["{before}", "--ledger", "/no/such/ledger.json"], "cannot read the ledger"),
    (["{before}", "--ledger", "{before_path}"], "not a commitment ledger"),
])
def test_bad_input_exits_2_with_one_line(capsys, files, args, fragment):
    before = files / "before" / "forms-nl.xlsx"
    args = [a.format(before=f"before={before}", before_path=before) for a in args]
    code, _, err = run_cli(capsys, "--brief", BRIEF, *args)
    assert_one_line(code, err, fragment)


def test_answer_files_are_only_for_the_follow_up(capsys, files):
    code = cli.main(["draft", "story", "--brief", BRIEF, f"before={files / 'before' / 'forms-nl.xlsx'}"])
    assert_one_line(code, capsys.readouterr().err, "unrecognized arguments")
