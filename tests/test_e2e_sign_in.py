"""Sign-in end to end: a local OpenID Connect provider (`oidc-provider-mock`) and `streamlit run` on 127.0.0.1,
driven by headless Chromium. Ana signs in through the provider, sees her name, creates a project that the
workspace records as hers and makes it private; Bob, signed in from another browser, does not see it; Ana signs
out again.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys

import pytest
from servers import app_env, free_port, stop, streamlit_app, wait_until_ok
from test_e2e import ARTIFACTS, browser, fill, settle  # noqa: F401 (browser: the fixture)

from toolkit.workspace import Workspace

pytestmark = pytest.mark.e2e

ANA = {"sub": "ana", "email": "ana@example.com", "name": "Ana de Vries"}
BOB = {"sub": "bob", "email": "bob@example.com", "name": "Bob Jansen"}


@pytest.fixture
def provider(tmp_path):
    """The mock provider on a free port of 127.0.0.1, with Ana and Bob as predefined users (one click to sign
    in)."""
    port = free_port()
    with (tmp_path / "oidc.log").open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port),
             "--user-claims", json.dumps(ANA), "--user-claims", json.dumps(BOB)], stdout=log,
            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ok(f"{url}/.well-known/openid-configuration", proc, 60, "the OIDC provider")
        yield url
    finally:
        stop(proc)


@pytest.fixture
def signed_server(tmp_path, provider):
    """The app with sign-in configured through a secrets file of its own (never the project's)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "ai-change-toolkit"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n', encoding="utf-8")
    data_dir = tmp_path / "data"
    with streamlit_app(app_env(data_dir), tmp_path / "streamlit.log", "--secrets.files", str(secrets_file),
                       port=port):
        yield url, data_dir


def sign_in(page, url: str, user: dict) -> None:
    """From the app's sign-in page through the provider (one click on the predefined user) and back."""
    page.goto(f"{url}/?lang=en")
    button = page.get_by_role("button", name="Sign in")
    button.wait_for(timeout=60_000)
    assert page.get_by_role("heading", name="Rollout", exact=True).count() == 0
    button.click()
    page.get_by_role("heading", name="Authorize Client").wait_for(timeout=30_000)
    assert "/oauth2/authorize" in page.url and not page.url.startswith(url)
    page.get_by_role("button", name=user["sub"], exact=True).click()
    page.get_by_role("heading", name="Rollout", exact=True).wait_for(timeout=60_000)
    settle(page)
    assert page.url.startswith(url)
    page.get_by_text(f"Signed in as {user['name']}").wait_for()


def test_sign_in_through_the_provider_shows_the_user_and_owns_their_project(signed_server, browser):  # noqa: F811
    url, data_dir = signed_server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/?lang=en")
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "sign-in-01-page.png"), full_page=True)
    sign_in(page, url, ANA)
    page.screenshot(path=str(ARTIFACTS / "sign-in-02-signed-in.png"), full_page=True)

    fill(page, "Name of the new project", "Assist for Ana")
    page.get_by_role("button", name="Create project").click()
    settle(page)
    page.get_by_text("Project “Assist for Ana” created.").wait_for()
    projects = Workspace(data_dir / "workspace.sqlite3").list_projects()
    assert [(p.name, p.owner, p.private) for p in projects] == [("Assist for Ana", ANA["email"], False)]

    page.get_by_label("Organisation *", exact=True).wait_for()  # the brief form has been drawn
    settle(page)
    page.locator("summary", has_text="Manage projects").click()
    page.get_by_text("Private: only I can see this project").click()
    settle(page)
    page.get_by_text("Only you can see this project now.").wait_for()
    assert Workspace(data_dir / "workspace.sqlite3").get_project(projects[0].id).private

    other = browser.new_context(viewport={"width": 1400, "height": 1000})  # another browser: no shared cookies
    bobs = other.new_page()
    sign_in(bobs, url, BOB)
    bobs.goto(f"{url}/?lang=en&project={projects[0].id}")
    bobs.get_by_text("Signed in as Bob Jansen").wait_for(timeout=60_000)
    settle(bobs)
    bobs.get_by_role("button", name="Create project").wait_for()
    assert bobs.get_by_text("Assist for Ana").count() == 0
    bobs.screenshot(path=str(ARTIFACTS / "sign-in-03-other-user.png"), full_page=True)
    other.close()

    # Signing out ends the session at the provider too (the mock asks to confirm), then back to the sign-in page.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click(timeout=30_000)
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    assert page.url.startswith(url)
    assert page.get_by_text("Signed in as Ana de Vries").count() == 0
    page.close()
