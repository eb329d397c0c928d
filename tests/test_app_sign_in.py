"""Sign-in in the app: off by default; with [auth] configured nothing shows before sign-in, versions record the
user and a private project stays with its owner. (AppTest cannot follow the provider's redirect: `st.user` is
set per session here; tests/test_e2e_sign_in.py signs in through a real provider in a browser.)"""

from __future__ import annotations

from app_support import APP, TIMEOUT, app, button, no_exceptions, page, seed_project, texts, workspace
from streamlit.testing.v1 import AppTest

from toolkit.i18n import translator

ANA = {"is_logged_in": True, "email": "ana@example.com", "name": "Ana de Vries", "sub": "ana"}
BOB = {"is_logged_in": True, "email": "bob@example.com", "name": "Bob Jansen", "sub": "bob"}
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "not-a-real-cookie-secret",
        "client_id": "toolkit", "client_secret": "not-a-real-client-secret",
        "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration"}


def signed_app(user: dict, lang: str = "en", project: str | None = None, auth: dict | None = None) -> AppTest:
    """A fresh session with sign-in configured, as `user` (a dict as `st.user` holds it)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.secrets["auth"] = dict(AUTH if auth is None else auth)
    at.user = dict(user)
    at.query_params["lang"] = lang
    if project:
        at.query_params["project"] = project
    return at.run()


def test_without_auth_settings_there_is_no_sign_in():
    at = app("en")
    no_exceptions(at)
    assert at.title[0].value == "Rollout"
    assert not [b for b in at.button if b.label in ("Sign in", "Sign out")]
    assert not [t for t in at.toggle if t.label.startswith("Private")]


def test_a_signed_out_visitor_sees_only_the_sign_in_page():
    pid = seed_project("en", name="Shared rollout")
    for lang in ("en", "nl", "sv"):
        _ = translator(lang)
        at = signed_app({"is_logged_in": False}, lang, project=pid)
        no_exceptions(at)
        assert [b.label for b in at.button] == [_("Sign in")]
        shown = texts(at)
        assert _("Sign in with your work account to open the rollout projects.") in shown
        assert "Shared rollout" not in shown and _("Rollout") not in [t.value for t in at.title]
        assert not at.text_input and not at.selectbox
        story = page(at, "story")
        assert [b.label for b in story.button] == [_("Sign in")]
        assert _("Write draft") not in [b.label for b in story.button]


def test_incomplete_auth_settings_keep_the_app_closed_and_name_only_what_is_missing():
    at = signed_app(ANA, auth={"redirect_uri": AUTH["redirect_uri"], "cookie_secret": "s3cr3t-cookie-value"})
    no_exceptions(at)
    assert len(at.error) == 1
    message = at.error[0].value
    assert "client_id, client_secret, server_metadata_url" in message
    assert "s3cr3t-cookie-value" not in texts(at)
    assert not at.title and not at.button


def test_signed_in_users_see_their_name_and_record_their_saves():
    at = signed_app(ANA)
    no_exceptions(at)
    assert "Signed in as Ana de Vries" in [c.value for c in at.sidebar.caption]
    assert "Sign out" in [b.label for b in at.sidebar.button]
    at.text_input(key="new_project_name").input("Assist 2027")
    button(at, "Create project").click().run()
    no_exceptions(at)
    project = workspace().list_projects()[0]
    assert project.owner == "ana@example.com" and not project.private
    at.text_input(key=f"brief:{project.id}:organisation").input("Acme Contact").run()
    no_exceptions(at)
    latest = workspace().latest_brief(project.id)
    assert latest.data["organisation"] == "Acme Contact" and latest.saved_by == "ana@example.com"


def test_sign_out_ends_the_session_for_this_user():
    at = signed_app(ANA)
    button(at, "Sign out").click().run()
    no_exceptions(at)
    assert at.user == {"is_logged_in": False}
    assert [b.label for b in at.button] == ["Sign in"]


def test_the_owner_makes_a_project_private_and_another_user_can_neither_list_nor_open_it():
    _ = translator("nl")
    ana = signed_app(ANA, "nl")
    ana.text_input(key="new_project_name").input("Reorganisatie Zuid")
    button(ana, _("Create project")).click().run()
    pid = workspace().list_projects()[0].id
    toggle = ana.toggle(key=f"private:{pid}")
    assert toggle.label == _("Private: only I can see this project") and not toggle.disabled
    toggle.set_value(True).run()
    no_exceptions(ana)
    assert _("Only you can see this project now.") in [i.value for i in ana.info]
    assert workspace().get_project(pid).private
    assert ana.toggle(key=f"private:{pid}").value is True

    bob = signed_app(BOB, "nl", project=pid)
    no_exceptions(bob)
    assert "Reorganisatie Zuid" not in texts(bob)
    assert not [s for s in bob.selectbox if s.key == "project_select"]
    assert not [w for w in bob.text_input if w.key and w.key.startswith(f"brief:{pid}:")]
    assert button(bob, _("Create project"))
    story = page(bob, "story")
    no_exceptions(story)
    assert _("Open or create a rollout project first.") in [i.value for i in story.info]
    assert _("Write draft") not in [b.label for b in story.button]
    # Shared again: Bob sees and opens it, but the switch stays Ana's.
    ana.toggle(key=f"private:{pid}").set_value(False).run()
    assert _("Everyone who signs in can see this project now.") in [i.value for i in ana.info]
    bob = signed_app(BOB, "nl", project=pid)
    no_exceptions(bob)
    chooser = bob.selectbox(key="project_select")
    assert chooser.value == pid and chooser.options == ["Reorganisatie Zuid"]
    other = bob.toggle(key=f"private:{pid}")
    assert other.disabled and other.value is False
    assert other.help == _("Only its owner, {owner}, can make this project private.", owner="ana@example.com")


def test_a_project_from_before_sign_in_has_no_owner_and_stays_shared():
    pid = seed_project("en", name="From last year")
    at = signed_app(ANA, project=pid)
    no_exceptions(at)
    switch = at.toggle(key=f"private:{pid}")
    assert switch.disabled
    assert switch.help == ("This project was made before sign-in was switched on. It has no owner, so it stays "
                           "shared.")
