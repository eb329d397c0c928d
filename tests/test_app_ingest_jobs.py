"""Knowledge page with background ingests: an upload returns at once and shows its progress in the UI language,
Cancel and Resume work, and a slow ingest blocks no other session (AppTest, real Chroma on disk)."""

from __future__ import annotations

import pytest
from app_support import app, button, no_exceptions, page, seed_project, workspace
from ingest_support import GatedEmbeddings, document, finish_ingests, interrupted_job

import toolkit.embeddings
from toolkit.i18n import plural_translator, translator
from toolkit.ingest_jobs import IngestJobs
from toolkit.retrieval import Retriever
from toolkit.settings import Settings


@pytest.fixture
def gated(monkeypatch) -> GatedEmbeddings:
    """The app's embedder, holding back batches of documents that carry the gate mark until the test says."""
    embeddings = GatedEmbeddings()
    monkeypatch.setattr(toolkit.embeddings, "provider_embeddings", lambda settings: embeddings)
    yield embeddings
    embeddings.open()


def jobs() -> IngestJobs:
    return IngestJobs(Settings.from_env().data_dir)


def progress_texts(at) -> list[str]:
    return [element.proto.text for element in at.get("progress")]


def own_documents(at) -> list[str]:
    """The source ids listed under "Your documents" (each has a Remove button)."""
    return [b.key.split(":", 1)[1] for b in at.button if b.key and b.key.startswith("kb_remove:")]


def upload(at, files: list[tuple[str, bytes]], label: str = "Add to the knowledge base"):
    at.file_uploader(key="kb_files").set_value([(name, data, "text/plain") for name, data in files]).run()
    return button(at, label).click().run()


@pytest.mark.parametrize("lang, waiting, moving", [
    ("en", "File 1 of 2 · 0 of 36 passages", "File 1 of 2 · 16 of 36 passages"),
    ("nl", "Bestand 1 van 2 · 0 van 36 tekstdelen", "Bestand 1 van 2 · 16 van 36 tekstdelen"),
    ("sv", "Fil 1 av 2 · 0 av 36 textavsnitt", "Fil 1 av 2 · 16 av 36 textavsnitt"),
])
def test_an_upload_returns_at_once_shows_progress_and_ends_with_its_results(gated, lang, waiting, moving):
    _ = translator(lang)
    at = page(app(lang), "knowledge")
    upload(at, [("first.txt", document("alpha", 20, gated=True)), ("second.txt", document("beta", 16))],
           _("Add to the knowledge base"))
    no_exceptions(at)
    [job] = jobs().jobs()
    assert job.active  # the page run is over while the job has not embedded a single batch
    at = finish_reading(at)
    assert progress_texts(at) == [waiting]
    assert _("Cancel") in [b.label for b in at.button]
    gated.step()
    at = wait_until(at, lambda: "16" in progress_texts(at)[0] if progress_texts(at) else False)
    [text] = progress_texts(at)
    assert text.startswith(moving + " · ") and text.removeprefix(moving + " · ") in eta_texts(lang)
    gated.open()
    at = finish_ingests(at)
    no_exceptions(at)
    assert not progress_texts(at)
    assert [s.value.split(":")[0] for s in at.success] == ["first.txt", "second.txt"]
    assert len(own_documents(at)) == 2
    button(at, _("Hide these results")).click().run()
    assert not at.success and len(own_documents(at)) == 2


def eta_texts(lang: str) -> set[str]:
    """Every way the page may word the time left (the rate depends on the machine), in `lang`."""
    _, n_ = translator(lang), plural_translator(lang)
    return {_("less than a minute left")} | {n_("about {n} minute left", "about {n} minutes left", m)
                                             for m in range(1, 60)}


def finish_reading(at):
    """Run the page until the job has counted its passages and waits on the first embedding batch."""
    return wait_until(at, lambda: any(" · " in t for t in progress_texts(at)))


def wait_until(at, condition, tries: int = 200):
    import time

    for _ in range(tries):
        if condition():
            return at
        time.sleep(0.05)
        at.run()
    raise AssertionError(f"the page never showed it: {progress_texts(at)}")


def test_cancel_stops_the_job_and_adds_nothing_of_the_file_being_embedded(gated):
    at = page(app("en"), "knowledge")
    upload(at, [("long.txt", document("gamma", 40, gated=True))])
    at = finish_reading(at)
    button(at, "Cancel").click().run()
    gated.open()
    at = finish_ingests(at)
    no_exceptions(at)
    assert any(w.value.startswith("Cancelled. The documents finished before stay in the knowledge base; 1 file "
                                  "was not added.") for w in at.warning)
    assert own_documents(at) == []
    assert "You have not added any documents yet." in [c.value for c in at.caption]
    store = Retriever.open(Settings.from_env())
    assert [s for s in store.sources() if s.origin == "upload"] == []
    assert store.check(repair=False).unreadable == []


def test_an_interrupted_ingest_is_offered_for_resume_and_resuming_adds_the_rest(gated):
    gated.open()
    data_dir = Settings.from_env().data_dir
    interrupted_job(data_dir, {"een.txt": document("delta", 2), "twee.txt": document("epsilon", 3)}, lang="nl")
    at = page(app("nl"), "knowledge")
    no_exceptions(at)
    assert any(w.value.startswith("Het toevoegen van documenten is onderbroken (de app is gestopt): 0 van 2 "
                                  "bestanden zijn klaar.") for w in at.warning)
    button(at, "Hervatten").click().run()
    at = finish_ingests(at)
    no_exceptions(at)
    assert [s.value for s in at.success] == ["een.txt: toegevoegd (2 tekstdelen).",
                                           "twee.txt: toegevoegd (3 tekstdelen)."]
    assert not at.warning and "Hervatten" not in [b.label for b in at.button]
    assert len(own_documents(at)) == 2


def test_a_slow_ingest_blocks_no_other_session(gated):
    pid = seed_project("en")
    uploader = page(app("en"), "knowledge")
    upload(uploader, [("slow.txt", document("zeta", 40, gated=True))])
    uploader = finish_reading(uploader)
    # A second session (another browser tab) sees the data folder's running job...
    other = page(app("en"), "knowledge")
    assert progress_texts(other) == ["File 1 of 1 · 0 of 40 passages"]
    # ...and searches and drafts while it runs.
    other.text_input(key="kb_query").input("what people will no longer have to do").run()
    assert any("passages found" in c.value and not c.value.startswith("0 ") for c in other.caption)
    drafter = page(app("en", project=pid), "story")
    button(drafter, "Write draft").click().run()
    no_exceptions(drafter)
    assert workspace().latest_draft(pid, "story") is not None
    assert gated.waiting == 1 and jobs().jobs()[0].active  # the job was still waiting on its first batch
    gated.open()
    uploader = finish_ingests(uploader)
    assert [s.value for s in uploader.success] == ["slow.txt: added (40 passages)."]
