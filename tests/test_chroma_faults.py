"""A Chroma server that is not there at start, or that restarts in mid-session (CHROMA_HOST/CHROMA_PORT).

Unreachable at start: the app says so on every page, the workspace still opens, and the knowledge and drafting
pages say search is unavailable instead of failing. Restarted: the next search reconnects. Both against a real
`chroma run` started and stopped by the test.
"""

from __future__ import annotations

import pytest
from app_support import app, button, no_exceptions, page, seed_project, texts
from test_retrieval import write_cards

from toolkit.retrieval import Retriever, SearchUnavailable
from toolkit.settings import Settings

pytestmark = pytest.mark.integration

UNAVAILABLE = "Search is unavailable: the knowledge base server cannot be reached (127.0.0.1:{port})."


def test_a_server_that_is_not_there_is_named_at_open(chroma):
    with pytest.raises(SearchUnavailable) as caught:
        Retriever.open(Settings.from_env())
    assert caught.value.address == f"127.0.0.1:{chroma.port}"


def test_after_a_restart_in_mid_session_the_next_search_reconnects(chroma, tmp_path):
    chroma.start()
    retriever = Retriever.open(Settings.from_env(), knowledge_dir=write_cards(tmp_path / "knowledge"))
    retriever.index_knowledge()
    before = [hit.id for hit in retriever.search("training for the new tool", lang="en", k=3)]
    assert before
    chroma.stop()
    with pytest.raises(SearchUnavailable):  # while it is down: a clear error, not a transport traceback
        retriever.search("training for the new tool", lang="en", k=3)
    chroma.start()
    assert [hit.id for hit in retriever.search("training for the new tool", lang="en", k=3)] == before


def test_unreachable_at_start_the_app_opens_the_workspace_and_says_so(chroma):
    pid = seed_project("en", name="Hulpje rollout")
    at = app("en", project=pid)
    no_exceptions(at)
    message = UNAVAILABLE.format(port=chroma.port)
    assert any(message in str(w.value) for w in at.sidebar.warning), [w.value for w in at.sidebar.warning]
    assert "Hulpje rollout" in texts(at) + " ".join(str(s.value) for s in at.selectbox)

    at = page(at, "knowledge")
    no_exceptions(at)
    assert message in texts(at) and "Something went wrong" not in texts(at)
    assert "cards" in " ".join(str(c.value) for c in at.caption)  # browsing the shipped cards still works

    at = page(at, "story")
    no_exceptions(at)
    button(at, "Write draft").click().run()
    no_exceptions(at)
    assert message in texts(at) and "Something went wrong" not in texts(at)


def test_the_knowledge_page_says_search_is_unavailable_while_the_server_restarts(chroma):
    chroma.start()
    at = page(app("en"), "knowledge")
    at.text_input[0].input("job security").run()
    no_exceptions(at)
    assert "passages found for “job security”" in texts(at)
    chroma.stop()
    at.text_input[0].input("training").run()
    no_exceptions(at)
    assert UNAVAILABLE.format(port=chroma.port) in texts(at)
    chroma.start()
    at.text_input[0].input("job security").run()
    no_exceptions(at)
    assert "passages found for “job security”" in texts(at) and "Search is unavailable" not in texts(at)
