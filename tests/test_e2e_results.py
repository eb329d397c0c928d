"""End to end in a real browser: the Results page from the upload of an answers file to the follow-up .docx.

The app runs with `streamlit run` and Debian's chromium (see tests/test_e2e.py). A project with the example brief
and its survey draft is prepared in the data folder the server uses; the browser then uploads a Microsoft Forms
export made by scripts/make_responses.py, sees the charts, downloads the results report, drafts the follow-up
and downloads it. Screenshots go to test-artifacts/e2e/.
"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import docx
import pytest
from app_support import seed_project, workspace
from test_e2e import ARTIFACTS, ROOT, browser, server, settle  # noqa: F401 - fixtures used by name

from toolkit.drafting.survey import dimension_label
from toolkit.i18n import translator
from toolkit.results.ingest import load_survey

pytestmark = pytest.mark.e2e


def _make_responses(out: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_responses", ROOT / "scripts" / "make_responses.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.make(out, seed=11, waves=["before"], size=53)


def _download(page, label: str, target_dir: Path) -> Path:
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=label).first.click()
    target = target_dir / info.value.suggested_filename
    info.value.save_as(str(target))
    return target


def _uploaded(server, browser, tmp_path, lang: str):  # noqa: F811
    """A project with its survey; the browser on the Results page with one wave's answers uploaded."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _ = translator(lang)
    _make_responses(tmp_path / "answers")
    pid = seed_project(lang)
    workspace().save_draft(pid, load_survey(tmp_path / "answers" / "before" / f"survey-{lang}.json"))
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.goto(f"{server}/results?lang={lang}&project={pid}")
    page.get_by_role("heading", name=_("Results"), exact=True).wait_for(timeout=90_000)
    settle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        str(tmp_path / "answers" / "before" / f"forms-{lang}.xlsx"))
    page.get_by_text(_("{name} was read and saved with the project.", name=f"forms-{lang}.xlsx")).wait_for(
        timeout=90_000)
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=60_000)
    settle(page)
    return page


@pytest.mark.parametrize("lang", ["nl", "sv"])
def test_results_from_upload_to_charts_and_the_report(server, browser, tmp_path, lang):  # noqa: F811
    _ = translator(lang)
    page = _uploaded(server, browser, tmp_path, lang)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 3
    page.screenshot(path=str(ARTIFACTS / f"results-1-{lang}.png"), full_page=True)
    report = _download(page, _("Download the results report (Word)"), tmp_path)
    assert report.name.endswith(f"-results-{lang}.docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(report.read_bytes())).paragraphs)
    assert "Noord" not in text and "Zuid" not in text  # the groups of 3 and 4 people
    assert dimension_label("purpose", lang) in text  # the report is in the survey's language


def test_follow_up_from_results_to_the_docx(server, browser, tmp_path):  # noqa: F811
    from ui.pages.results import followup_available

    if not followup_available():
        pytest.skip("the follow-up draft (toolkit.drafting.followup) is not in this installation yet")
    lang = "nl"
    _ = translator(lang)
    page = _uploaded(server, browser, tmp_path, lang)
    own = page.get_by_label(_("Your own commitments, one per line (what, who, by when)"), exact=True)
    own.fill("Twee uur extra oefentijd per persoon in maart")
    own.press("Tab")
    settle(page)
    page.get_by_role("button", name=_("Write draft")).click()
    download_button = page.get_by_role("button", name=_("Ready to send"))
    download_button.wait_for(timeout=120_000)
    settle(page)
    page.screenshot(path=str(ARTIFACTS / f"results-2-followup-{lang}.png"), full_page=True)
    followup = _download(page, _("Ready to send"), tmp_path)
    assert followup.name.endswith(f"-followup-{lang}.docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(followup.read_bytes())).paragraphs)
    assert "Twee uur extra oefentijd per persoon in maart" in text
    assert "Noord" not in text and "Zuid" not in text
    from toolkit.language import detect_language

    assert detect_language(text) == lang
