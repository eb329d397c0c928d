"""A team on shared servers: two app processes, one Chroma server, one workspace database.

Two `streamlit run` processes on 127.0.0.1, each with a data folder of its own (as on two machines or in two
containers), share a Chroma server started by the test and one workspace, and are driven by headless Chromium,
one browser context per process. A document added in app A is listed and found in app B within seconds, and
its removal likewise; a project made in A is in B's list; the same brief field changed in both keeps both
values, the second as a conflict its user sees.

The workspace is a parameter (`DATABASES`): one SQLite file named by TOOLKIT_DATABASE_URL (processes on one
machine), and a real PostgreSQL database started by the test (processes on two machines). Timings go to test-artifacts/team/timings.txt.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from servers import ROOT, app_env, streamlit_app
from test_e2e import fill, settle

from toolkit.retrieval import Retriever
from toolkit.settings import Settings
from toolkit.workspace import Workspace

pytestmark = pytest.mark.integration

ARTIFACTS = ROOT / "test-artifacts" / "team"
WAIT = 30.0  # seconds B may take to show what A did (each look reloads B's page)
TOKEN = "Kwartiermakersoverleg"  # a word only the team's document holds
EXAMPLE_BRIEF = {k: v.isoformat() if hasattr(v, "isoformat") else v
                 for k, v in yaml.safe_load((ROOT / "examples" / "brief-en.yaml").read_text(encoding="utf-8")).items()}


class SharedWorkspace:
    """How both app processes reach one workspace: `env(data_dir)` prepares a data folder and returns the
    settings for it; `open()` is the test's own view of the same workspace."""

    def __init__(self, env: Callable[[Path], dict[str, str]], open_: Callable[[], Workspace]) -> None:
        self.env, self.open = env, open_


def _shared(location: str) -> SharedWorkspace:
    """Both data folders name one workspace by TOOLKIT_DATABASE_URL; it is made (migrated) once, before either
    process opens it."""
    Workspace(location)

    def env(data_dir: Path) -> dict[str, str]:
        data_dir.mkdir(parents=True, exist_ok=True)
        return {"TOOLKIT_DATABASE_URL": location}

    return SharedWorkspace(env, lambda: Workspace(location))


def _sqlite(request, tmp_path: Path) -> SharedWorkspace:
    """One SQLite file outside both data folders (processes on one machine)."""
    shared = tmp_path / "shared" / "workspace.sqlite3"
    shared.parent.mkdir(parents=True, exist_ok=True)
    return _shared(f"sqlite:///{shared}")


def _postgresql(request, tmp_path: Path) -> SharedWorkspace:
    """A real PostgreSQL database started by the test (tests/db_support.py), as two machines would share it."""
    return _shared(request.getfixturevalue("postgresql_url"))


# One entry per workspace database the team test runs against.
DATABASES = {"sqlite": _sqlite, "postgresql": _postgresql}


@pytest.fixture(params=list(DATABASES))
def database(request, tmp_path) -> SharedWorkspace:
    return DATABASES[request.param](request, tmp_path)


@pytest.fixture
def team(chroma_server, database, tmp_path):
    """Apps A and B: own data folders, the same Chroma server and workspace. The knowledge base is indexed
    on the server first, as `python -m toolkit index` would."""
    Retriever.open(Settings.from_env().with_(data_dir=tmp_path / "indexer")).index_knowledge()
    chroma = {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(chroma_server)}
    envs = {name: app_env(tmp_path / name, **chroma, **database.env(tmp_path / name)) for name in "ab"}
    with streamlit_app(envs["a"], tmp_path / "a.log") as a, streamlit_app(envs["b"], tmp_path / "b.log") as b:
        yield a, b


def until(look: Callable[[], bool], since: float, seconds: float = WAIT) -> str:
    """Look again until `look()` holds. Returns the seconds since `since` (when the other app showed its
    change) and how many looks it took. Fails after `seconds`."""
    looks = 1
    while not look():
        if time.monotonic() - since > seconds:
            raise AssertionError(f"not seen within {seconds:.0f} s")
        looks += 1
    return f"{time.monotonic() - since:.1f} s ({looks} look{'s' if looks > 1 else ''}, each a fresh page run)"


def open_page(page, url: str, heading: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=90_000)
    settle(page)


def own_documents(page, url: str) -> str:
    """The names B's knowledge page lists under "Your documents", after a fresh page run."""
    open_page(page, f"{url}/knowledge?lang=en", "Knowledge base")
    page.get_by_role("tab", name="Your documents").click()
    panel = page.get_by_role("tabpanel").filter(has_text="You have not added any documents yet.").or_(
        page.get_by_role("tabpanel").filter(has=page.get_by_role("button", name="Remove")))
    panel.first.wait_for(timeout=30_000)
    return panel.first.inner_text()


def project_list(page) -> list[str]:
    """The projects the Rollout page's project box offers (opened, read, closed again)."""
    box = page.get_by_role("combobox", name="Project", exact=True)
    box.click()
    options = page.get_by_role("option")
    options.first.wait_for(timeout=10_000)
    names = options.all_inner_texts()
    box.press("Escape")
    return names


def found(page, url: str, query: str) -> bool:
    """Whether searching the knowledge page for `query` shows a passage from the team's document."""
    open_page(page, f"{url}/knowledge?lang=en", "Knowledge base")
    box = page.get_by_label("Search", exact=True)
    box.fill(query)
    box.press("Enter")
    settle(page)
    page.get_by_text("found for").first.wait_for(timeout=30_000)
    return page.locator('[data-testid="stExpander"]').filter(has_text="team-memo.txt").count() > 0


def first_heading(page, value: str) -> None:
    """Edit the draft's first section heading; it is saved when the box loses focus."""
    box = page.get_by_label("Heading", exact=True).first
    box.click()
    box.fill(value)
    box.press("Tab")
    settle(page)


def add_document(page, url: str, path: Path) -> None:
    open_page(page, f"{url}/knowledge?lang=en", "Knowledge base")
    page.get_by_role("tab", name="Your documents").click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(path))
    settle(page)
    page.get_by_role("button", name="Add to the knowledge base").click()
    page.get_by_text(f"{path.name}: added (").wait_for(timeout=90_000)
    settle(page)


def test_two_app_processes_share_uploads_projects_and_keep_both_edits(team, database, browser, tmp_path):
    url_a, url_b = team
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    memo = tmp_path / "team-memo.txt"
    memo.write_text(f"Elke maandag is er een {TOKEN} met de teamleiders over de nieuwe assistent.\n",
                    encoding="utf-8")
    a = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    b = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    timings: dict[str, str] = {}

    # (a) a document added in A is listed and found in B; removed in A, it is gone from B
    assert "team-memo.txt" not in own_documents(b, url_b)
    add_document(a, url_a, memo)
    added = time.monotonic()
    timings["upload in A listed in B"] = until(lambda: "team-memo.txt" in own_documents(b, url_b), added)
    timings["upload in A found by B's search"] = until(lambda: found(b, url_b, TOKEN), added)
    b.screenshot(path=str(ARTIFACTS / "01-b-lists-a-upload.png"), full_page=True)
    own_documents(a, url_a)
    a.get_by_role("button", name="Remove").click()
    a.get_by_text("Document removed.").wait_for(timeout=30_000)
    removed = time.monotonic()
    timings["removal in A gone from B's list"] = until(lambda: "team-memo.txt" not in own_documents(b, url_b),
                                                        removed)
    assert not found(b, url_b, TOKEN)

    # (b) a project created in A is in B's project list
    open_page(a, f"{url_a}/?lang=en", "Rollout")
    fill(a, "Name of the new project", "Team rollout")
    a.get_by_role("button", name="Create project").click()
    a.get_by_text("Project “Team rollout” created.").wait_for(timeout=30_000)
    settle(a)
    [project] = database.open().list_projects()
    open_page(b, f"{url_b}/?lang=en", "Rollout")
    assert project_list(b) == ["Team rollout"]

    # (c) the same brief field changed in A and, from the same version, differently in B: both are kept
    workspace = database.open()
    workspace.save_brief(project.id, EXAMPLE_BRIEF)  # a complete brief (as an import), so both can draft
    open_page(a, f"{url_a}/?lang=en&project={project.id}", "Rollout")
    open_page(b, f"{url_b}/?lang=en&project={project.id}", "Rollout")  # both forms show the same version
    fill(a, "Organisation *", "Ashbrook North")
    fill(b, "Organisation *", "Ashbrook South")
    b.get_by_text("“Organisation” was also changed in another window. Both versions are kept").wait_for(
        timeout=30_000)
    b.get_by_text("Ashbrook North").first.wait_for()  # the other window's value, shown under the field
    b.screenshot(path=str(ARTIFACTS / "02-b-brief-conflict.png"), full_page=True)
    newest = {v.data.get("organisation"): v.conflict for v in workspace.brief_versions(project.id)[:2]}
    assert newest == {"Ashbrook North": False, "Ashbrook South": True}, newest

    # (d) a draft written in A, then the same heading edited in A and, from the same version, in B
    open_page(a, f"{url_a}/story?lang=en&project={project.id}", "Purpose story")
    a.get_by_role("button", name="Write draft").click()
    a.get_by_role("button", name="Ready to send").wait_for(timeout=120_000)
    settle(a)
    open_page(b, f"{url_b}/story?lang=en&project={project.id}", "Purpose story")
    b.get_by_role("button", name="Ready to send").wait_for(timeout=60_000)  # B shows A's draft
    first_heading(a, "Why we start, from A")
    first_heading(b, "Why we start, from B")
    b.get_by_text("This draft was also changed in another window. Both versions are kept").wait_for(
        timeout=30_000)
    b.screenshot(path=str(ARTIFACTS / "03-b-draft-conflict.png"), full_page=True)
    drafts = workspace.draft_versions(project.id, "story")[:2]
    assert [(d.draft.sections[0].heading, d.conflict) for d in drafts] == [
        ("Why we start, from B", True), ("Why we start, from A", False)]

    (ARTIFACTS / "timings.txt").write_text(
        "".join(f"{what}: {seen}\n" for what, seen in timings.items()), encoding="utf-8")
