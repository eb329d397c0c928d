"""The workspace's database server down or unreachable: every page says so in the user's language, names the
database without its password, shows no trace, and the page answers again once the database does."""

from __future__ import annotations

import pytest
from app_support import app, no_exceptions
from servers import free_port

from toolkit.workspace import Workspace, WorkspaceUnavailable, check_reachable


@pytest.mark.parametrize(("lang", "words"), [("en", "cannot be reached"), ("nl", "niet bereikbaar"),
                                             ("sv", "inte att nå")])
def test_an_unreachable_database_is_named_without_its_password(monkeypatch, lang, words):
    port = free_port()  # nothing listens there: the connection is refused at once
    monkeypatch.setenv("TOOLKIT_DATABASE_URL", f"postgresql://toolkit:s3cret-pw@127.0.0.1:{port}/toolkit")
    at = app(lang)
    no_exceptions(at)
    shown = "\n".join(e.value for e in at.error)
    assert words in shown and f"127.0.0.1:{port}/toolkit" in shown
    assert "s3cret-pw" not in shown and "Traceback" not in shown
    assert not at.button  # nothing else is drawn: no page half-working on a workspace it cannot read


def test_the_app_opens_again_when_the_database_answers(monkeypatch, tmp_path):
    monkeypatch.setenv("TOOLKIT_DATABASE_URL", f"postgresql://toolkit@127.0.0.1:{free_port()}/toolkit")
    assert app("en").error
    monkeypatch.setenv("TOOLKIT_DATABASE_URL", f"sqlite:///{tmp_path / 'ws.sqlite3'}")
    at = app("en")
    no_exceptions(at)
    assert not at.error and at.button


def test_check_reachable_raises_a_localised_error(tmp_path):
    check_reachable(tmp_path / "ws.sqlite3")  # a new SQLite file answers
    Workspace(tmp_path / "ws.sqlite3").create_project("A")
    with pytest.raises(WorkspaceUnavailable) as raised:
        check_reachable(f"postgresql://toolkit:pw@127.0.0.1:{free_port()}/toolkit")
    assert "pw@" not in raised.value.message("nl") and "niet bereikbaar" in raised.value.message("nl")
