"""Many sessions at once: nobody's brief changes unless someone edits it (issue 11, sections 1 and 5).

The fault: with many browser sessions drafting at once, sessions that never touched a field wrote new brief
versions to the project shown by default (team size 60 -> 0, tone formal -> informal, every text wiped).
Those values are the form widgets' element defaults. A browser draws a widget at the default the server sends
whenever it holds no value of its own for it (the widget is drawn anew, or its copy was lost while the server
kept the session, as when a loaded server drops and re-opens the connection) and reports that value with the
next click. The brief form kept its values in session state only, so the default sent was the element's
(0, the first option, empty text); the report read as an edit, and the change handler saved the whole form.
`bench_load.browser_redraw` plays that browser for AppTest.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from app_support import APP, TIMEOUT, button, page, seed_project, workspace
from streamlit.testing.v1 import AppTest

from toolkit.i18n import translator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import bench_load  # noqa: E402

KINDS = ("story", "faq", "survey", "plan")


def test_a_redrawn_form_changes_nothing():
    pid = seed_project("en")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.run()  # no project in the address: the project shown by default
    at.run()  # any click: the server now counts on the browser's copy of the form
    bench_load.browser_redraw(at)
    assert not at.exception
    assert [v.version for v in workspace().brief_versions(pid)] == [1]
    assert at.number_input(key=f"brief:{pid}:team_size").value == 60
    assert at.selectbox(key=f"brief:{pid}:tone").value == "formal"


def test_twenty_sessions_drafting_without_edits_leave_every_brief_at_version_1():
    seeded = [seed_project(lang, name=f"Seed {lang}") for lang in ("en", "nl", "sv")]
    errors: list[str] = []

    def session(n: int) -> None:
        lang = ("en", "nl", "sv")[n % 3]
        _ = translator(lang)
        try:
            at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
            at.query_params["lang"] = lang
            with bench_load.RUN_LOCK:  # AppTest runs take turns; the sessions interleave between them
                at.run()
            with bench_load.RUN_LOCK:
                at = page(at, KINDS[n % 4])
            labels = [b.label for b in at.button]
            label = _("Write draft") if _("Write draft") in labels else _("Write a new draft")
            with bench_load.RUN_LOCK:
                button(at, label).click().run()
            with bench_load.RUN_LOCK:
                at = page(at, "rollout").run()  # back to the form, and one more click
            with bench_load.RUN_LOCK:
                bench_load.browser_redraw(at)
            errors.extend(str(e.value) for e in at.exception)
        except Exception as exc:  # reported below with the session number
            errors.append(f"session {n}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=session, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    ws = workspace()
    assert {pid: [v.version for v in ws.brief_versions(pid)] for pid in seeded} == {pid: [1] for pid in seeded}
    assert sum(len(ws.draft_versions(pid, kind)) for pid in seeded for kind in KINDS) == 20


def test_load_small_sessions_create_draft_export_and_leave_other_briefs_alone(tmp_path):
    result = bench_load.run(sessions=4, rounds=1, data_dir=tmp_path / "load")
    assert result["errors"] == [] and result["problems"] == []
    assert result["drafts"] == 4 * len(KINDS)
    assert result["waited"]["draft"]["n"] == 16 and result["runs_per_s"] > 0


def test_a_redrawn_language_menu_keeps_the_language():
    # Seen in a real browser (scripts/bench_app.py --check-briefs 10): a first click while the first page was
    # still running left the menu to be redrawn at its default, and every Dutch and Swedish session turned English.
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["lang"] = "nl"
    at.run()
    at.run()  # the language is no longer new in this run: the menu goes out with its own default only
    bench_load.browser_redraw(at, prefix="ui_lang")
    assert not at.exception
    assert at.selectbox(key="ui_lang").value == "nl"
    assert at.title[0].value == translator("nl")("Rollout")
