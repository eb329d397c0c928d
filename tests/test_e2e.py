"""End to end in a real browser: `streamlit run` on 127.0.0.1, driven by Playwright with Debian's chromium.

Create a project, fill the brief in the Swedish UI, draft a Swedish purpose story, download the .docx and
open it. Screenshots go to test-artifacts/e2e/ (git-ignored). With TOOLKIT_README_SCREENSHOT=1 the run also
refreshes docs/screenshot.png (the README's picture of the main page, in English).
"""

from __future__ import annotations

import io
import os
import shutil
import time

import docx
import pytest
import servers
from servers import ROOT, app_env, streamlit_app

from toolkit.i18n import translator

ARTIFACTS = ROOT / "test-artifacts" / "e2e"
browser = servers.browser  # the fixture (tests/servers.py); other browser tests import it from here

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(tmp_path):
    with streamlit_app(app_env(tmp_path / "data"), tmp_path / "streamlit.log") as url:
        yield url


def settle(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished the current run (the 'running' status widget is gone)."""
    page.wait_for_timeout(250)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)
    page.wait_for_timeout(150)


def fill(page, label: str, value: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.click()
    field.fill(value)
    field.press("Tab")
    settle(page)


def fill_date(page, label: str, digits: str) -> None:
    """Streamlit's date field is a row of segments (day, month, year): type the digits in display order."""
    group = page.get_by_label(label, exact=True)
    group.locator('[role="spinbutton"]').first.click()
    page.keyboard.type(digits, delay=30)
    page.keyboard.press("Tab")
    settle(page)


def choose(page, label: str, option: str) -> None:
    """Pick an option of a Streamlit select box: open it from the keyboard, then click the option."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.press("ArrowDown")
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def fill_brief(page, _, brief: dict) -> None:
    fill(page, _("Organisation") + " *", brief["organisation"])
    fill(page, _("AI tool") + " *", brief["ai_tool"])
    fill(page, _("Purpose") + " *", brief["purpose"])
    fill(page, _("What changes") + " *", "\n".join(brief["changes"]))
    fill(page, _("What people will no longer have to do") + " *", "\n".join(brief["stops_doing"]))
    fill(page, _("What stays the same"), "\n".join(brief["stays_same"]))
    fill(page, _("Our own figures"), "\n".join(brief["facts"]))
    fill_date(page, _("Start date") + " *", brief["start_date"])
    fill(page, _("Team size") + " *", str(brief["team_size"]))
    fill(page, _("Audience") + " *", brief["audience"])
    fill(page, _("Contact person") + " *", brief["contact_person"])
    choose(page, _("Language"), brief["language_name"])
    choose(page, _("Tone") + " *", _("Informal"))


SWEDISH_BRIEF = {
    "organisation": "Trygghem Försäkring",
    "ai_tool": "Ella",
    "purpose": "Många kunder hör av sig med enkla frågor om sina försäkringar. Ella svarar på de vanligaste "
               "frågorna i chatten, dygnet runt. Då får kundtjänsten mer tid för skador och svåra samtal.",
    "changes": ["Ella svarar på enkla frågor i chatten på webben",
                "Ella lämnar över till en handläggare när frågan är svår"],
    "stops_doing": ["Svara på samma frågor om fakturor om och om igen", "Skriva av kundens uppgifter från chatten"],
    "stays_same": ["Skador och ersättningar sköts av handläggare", "Kunden kan alltid prata med en människa"],
    "facts": ["Förra året fick vi 210 000 chattar och samtal"],
    "start_date": "20270215",  # typed in the Swedish order: year, month, day
    "team_size": 85,
    "audience": "Handläggare i kundtjänst",
    "contact_person": "Johan Lindqvist, chef för kundtjänst",
    "language_name": "Svenska",
}


def test_swedish_purpose_story_from_brief_to_word(server, browser, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _ = translator("sv")
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    started = time.monotonic()
    page.goto(f"{server}/?lang=sv")
    page.get_by_role("heading", name=_("Rollout"), exact=True).wait_for(timeout=60_000)
    settle(page)
    first_page = time.monotonic() - started
    page.screenshot(path=str(ARTIFACTS / "01-start.png"), full_page=True)

    fill(page, _("Name of the new project"), "Ella i kundtjänst")
    page.get_by_role("button", name=_("Create project")).click()
    settle(page)
    page.get_by_text(_("Project “{name}” created.", name="Ella i kundtjänst")).wait_for()
    fill_brief(page, _, SWEDISH_BRIEF)
    page.get_by_text(_("The brief is complete. Draft your documents:")).wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "02-brief.png"), full_page=True)

    page.get_by_role("link", name=_("Purpose story")).first.click()
    settle(page)
    page.get_by_role("heading", name=_("Purpose story"), exact=True).wait_for()
    drafting_started = time.monotonic()
    page.get_by_role("button", name=_("Write draft")).click()
    download_button = page.get_by_role("button", name=_("Ready to send"))
    download_button.wait_for(timeout=120_000)
    settle(page)
    first_draft = time.monotonic() - drafting_started
    page.screenshot(path=str(ARTIFACTS / "03-story.png"), full_page=True)

    with page.expect_download(timeout=60_000) as info:
        download_button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(str(target))
    assert target.suffix == ".docx" and target.name.endswith("-story-sv.docx")
    document = docx.Document(io.BytesIO(target.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Trygghem Försäkring" in text or "Trygghem Försäkring" in document.core_properties.subject + \
        document.core_properties.title + text
    assert "Ella" in text
    assert any(word in text.split() for word in ("och", "att", "du", "vi"))
    from toolkit.language import detect_language

    assert detect_language(text) == "sv"
    assert document.core_properties.language in ("sv-SE", "sv")
    (ARTIFACTS / "timings.txt").write_text(
        f"first page served in browser: {first_page:.1f} s\nfirst draft (click to download ready): "
        f"{first_draft:.1f} s\n", encoding="utf-8")
    page.close()


def test_english_brief_and_readme_screenshot(server, browser):
    """The English UI end to end up to a complete brief; its picture is the README's screenshot
    (copied to docs/screenshot.png only when TOOLKIT_README_SCREENSHOT=1)."""
    _ = translator("en")
    page = browser.new_page(viewport={"width": 1440, "height": 1080}, device_scale_factor=1)
    page.goto(f"{server}/?lang=en")
    page.get_by_role("heading", name="Rollout", exact=True).wait_for(timeout=60_000)
    settle(page)
    fill(page, "Name of the new project", "Aria in the tenant contact centre")
    page.get_by_role("button", name="Create project").click()
    settle(page)
    brief = {
        "organisation": "Ashbrook Housing Association", "ai_tool": "Aria",
        "purpose": "Tenants wait too long on the phone about repairs, rent and damp. Aria helps our advisers "
                   "find the right answer faster and drafts replies to tenant emails.",
        "changes": ["Aria suggests answers and the relevant policy during calls",
                    "Aria drafts replies to tenant emails, which an adviser checks and sends"],
        "stops_doing": ["Typing up call notes after every call", "Searching several systems for the repairs policy"],
        "stays_same": ["Advisers decide what is sent to tenants", "Vulnerable tenants always talk to an adviser"],
        "facts": ["Last year we answered 96,000 calls and 41,000 emails"],
        "start_date": "12042027", "team_size": 60, "audience": "Customer service advisers",
        "contact_person": "Priya Shah, Customer Services Manager", "language_name": "English",
    }
    fill_brief(page, _, brief)
    page.get_by_text("The brief is complete. Draft your documents:").wait_for(timeout=30_000)
    page.keyboard.press("Escape")
    page.get_by_role("heading", name="Rollout", exact=True).first.scroll_into_view_if_needed()
    page.evaluate("document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })")
    page.mouse.click(5, 1000)
    settle(page)
    out = ARTIFACTS / "readme.png"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out), clip={"x": 0, "y": 0, "width": 1440, "height": 1080})
    assert out.stat().st_size > 20_000
    assert page.get_by_label("Organisation *", exact=True).input_value() == "Ashbrook Housing Association"
    if os.environ.get("TOOLKIT_README_SCREENSHOT") == "1":
        shutil.copy(out, ROOT / "docs" / "screenshot.png")
    page.close()


def test_a_reload_on_the_survey_page_keeps_project_and_dutch(server, browser):
    """Open a project in the Dutch UI, go to the survey through the menu, reload: the same page, project and
    language come back. Nothing the browser fetches leaves 127.0.0.1 (no web fonts, no icons from a CDN)."""
    from urllib.parse import urlparse

    from toolkit.settings import Settings
    from toolkit.workspace import Workspace

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ws = Workspace(Settings.from_env().workspace_path)
    pid = ws.create_project("Klantenservice Noord").id
    import yaml

    brief = yaml.safe_load((ROOT / "examples" / "brief-nl.yaml").read_text(encoding="utf-8"))
    ws.save_brief(pid, {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in brief.items()})
    _ = translator("nl")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname or request.url.split(":")[0]))
    page.goto(f"{server}/?lang=nl&project={pid}")
    page.get_by_role("heading", name=_("Rollout"), exact=True).wait_for(timeout=60_000)
    settle(page)
    page.get_by_role("link", name=_("Pulse survey")).first.click()
    settle(page)
    page.get_by_role("heading", name=_("Pulse survey"), exact=True).wait_for()
    page.wait_for_function(f"() => location.search.includes('project={pid}')", timeout=15_000)
    assert "/survey" in page.url and "lang=nl" in page.url
    page.reload()
    page.get_by_role("heading", name=_("Pulse survey"), exact=True).wait_for(timeout=60_000)
    settle(page)
    assert page.get_by_text(_("Open or create a rollout project first.")).count() == 0
    assert page.get_by_role("button", name=_("Write draft")).is_enabled()
    page.screenshot(path=str(ARTIFACTS / "10-survey-after-reload-nl.png"), full_page=True)
    assert hosts <= {"127.0.0.1", "data", "blob"}, f"requests left the machine: {sorted(hosts)}"
    page.close()
