"""Background ingests: progress in passages, an ETA once the rate is measured, cancel between embedding batches
that leaves the store consistent, and resume after the process running the job was killed.

Real Chroma on disk, real files; embedders a test holds back (GatedEmbeddings) or slows by milliseconds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from ingest_support import GatedEmbeddings, document, interrupted_job, wait_for

from toolkit.ingest_jobs import JOBS_DIR, STATE_FILE, IngestJobs
from toolkit.retrieval import EMBED_BATCH, Retriever
from toolkit.settings import PROJECT_ROOT, Settings

TESTS = Path(__file__).resolve().parent


@pytest.fixture
def settings() -> Settings:
    settings = Settings.from_env()
    settings.ensure_dirs()
    return settings


@pytest.fixture
def gated() -> GatedEmbeddings:
    embeddings = GatedEmbeddings()
    yield embeddings
    embeddings.open()  # never leave a worker waiting


@pytest.fixture
def retriever(settings, gated, tmp_path) -> Retriever:
    return Retriever.open(settings, embeddings=gated, knowledge_dir=tmp_path / "no-cards")


def uploads(retriever: Retriever) -> list[str]:
    return sorted(s.title for s in retriever.sources() if s.origin == "upload")


def stored_ids(retriever: Retriever, name: str) -> list[str]:
    return retriever.collection.get(where={"source": name}, include=[])["ids"]


def test_progress_is_in_passages_and_the_eta_comes_after_the_first_batch(settings, retriever, gated):
    jobs = IngestJobs(settings.data_dir)
    job = jobs.submit([("first.txt", document("alpha", 20, gated=True)),
                       ("second.txt", document("beta", 12, gated=True))], retriever, lang="en")
    assert job.state == "queued" and job.active  # submit returns at once, before anything is embedded
    running = wait_for(lambda: (j := jobs.get(job.id)) and not j.reading and gated.waiting and j)
    assert (running.state, running.total_passages, running.done_passages) == ("running", 32, 0)
    assert running.eta_seconds is None and running.rate is None  # no rate measured yet
    assert running.file_number == 1
    gated.step()
    after_one = wait_for(lambda: (j := jobs.get(job.id)) and j.done_passages == EMBED_BATCH and j)
    assert after_one.rate > 0 and after_one.eta_seconds is not None
    assert after_one.fraction == pytest.approx(EMBED_BATCH / 32)
    gated.open()
    done = jobs.wait(job.id, timeout=60)
    assert done.state == "done" and not done.active
    assert [(f.status, f.result.chunks) for f in done.files] == [("ok", 20), ("ok", 12)]
    assert done.done_passages == done.total_passages == 32
    assert done.files[0].result.message == "first.txt: added (20 passages)."
    assert uploads(retriever) == ["first.txt", "second.txt"]
    assert not (settings.data_dir / JOBS_DIR / job.id / "files").exists()  # the copies go once added
    assert retriever.search("beta paragraph 3", k=1)[0].source == "second.txt"


def test_cancel_mid_file_keeps_the_finished_files_and_a_consistent_store(settings, retriever, gated):
    jobs = IngestJobs(settings.data_dir)
    job = jobs.submit([("kept.txt", document("gamma", 20, gated=True)),
                       ("cancelled.txt", document("delta", 40, gated=True)),
                       ("never.txt", document("epsilon", 5))], retriever)
    gated.step(2 + 1)  # all of kept.txt (20 passages, two batches) and the first batch of cancelled.txt
    wait_for(lambda: (j := jobs.get(job.id)) and j.files[1].done == EMBED_BATCH)
    assert jobs.cancel(job.id) is True
    gated.open()
    ended = jobs.wait(job.id, timeout=60)
    assert ended.state == "cancelled"
    assert [f.status for f in ended.files] == ["ok", "cancelled", "waiting"]
    assert uploads(retriever) == ["kept.txt"]
    assert stored_ids(retriever, "cancelled.txt") == [] and stored_ids(retriever, "never.txt") == []
    fresh = Retriever.open(settings, knowledge_dir=retriever.knowledge_dir)
    assert uploads(fresh) == ["kept.txt"]
    assert fresh.check(repair=False).unreadable == []
    assert sorted(p.name for p in settings.uploads_dir.iterdir()) == [ended.files[0].source_id]
    assert jobs.cancel(job.id) is False  # already ended
    again = jobs.submit([("cancelled.txt", document("delta", 40))], retriever)  # cancelled means not added
    assert jobs.wait(again.id, timeout=60).files[0].status == "ok"


def test_a_queued_job_cancelled_before_it_starts_adds_nothing(settings, retriever, gated):
    jobs = IngestJobs(settings.data_dir)
    first = jobs.submit([("slow.txt", document("zeta", 3, gated=True))], retriever)
    second = jobs.submit([("queued.txt", document("eta", 3))], retriever)
    assert jobs.get(second.id).state == "queued"
    assert jobs.cancel(second.id) is True
    assert jobs.get(second.id).state == "cancelled"
    gated.open()
    assert jobs.wait(first.id, timeout=60).state == "done"
    assert uploads(retriever) == ["slow.txt"]


def test_a_failing_file_does_not_stop_the_rest_and_gets_its_localised_message(settings, retriever, gated):
    gated.open()
    jobs = IngestJobs(settings.data_dir)
    good = document("theta", 2)
    job = jobs.submit([("kapot.pdf", b"%PDF-1.4 geen pdf \x00\x01"), ("goed.txt", good), ("leeg.txt", b""),
                       ("kopie.txt", good)], retriever, lang="nl")
    done = jobs.wait(job.id, timeout=60)
    assert [f.status for f in done.files] == ["error", "ok", "error", "duplicate"]
    assert done.files[0].result.message == "kapot.pdf: het bestand is beschadigd of is geen geldige pdf."
    assert done.files[3].result.message.startswith("kopie.txt: ")
    assert done.total_passages == done.done_passages == 2


CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from ingest_support import SlowEmbeddings, document
    from toolkit.ingest_jobs import IngestJobs
    from toolkit.retrieval import Retriever
    from toolkit.settings import Settings

    settings = Settings.from_env()
    retriever = Retriever.open(settings, embeddings=SlowEmbeddings(0.5), knowledge_dir=settings.data_dir / "none")
    jobs = IngestJobs(settings.data_dir)
    files = [("one.txt", document("iota", 16)), ("two.txt", document("kappa", 64)),
             ("three.txt", document("lambda", 16))]
    job = jobs.submit(files, retriever, lang="en")
    jobs.wait(job.id)
""")


def test_a_job_killed_mid_ingest_is_offered_for_resume_and_ends_with_every_file_once(settings, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(tests=str(TESTS))], env=env,
                             stderr=subprocess.PIPE, text=True)
    jobs = IngestJobs(settings.data_dir)
    try:
        state = wait_for(lambda: _mid_second_file(settings.data_dir), timeout=120)
        live = jobs.get(state["id"])
        assert live.active and not live.resumable  # the child holds it: nobody else may take it over
        assert jobs.resume(live.id, None) is None and jobs.discard(live.id) is False
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    [job] = jobs.jobs()
    assert job.interrupted and job.resumable and not job.active
    assert [f.status for f in job.files] == ["ok", "running", "waiting"]
    retriever = Retriever.open(settings, knowledge_dir=tmp_path / "no-cards")  # opening rolls back two.txt
    assert uploads(retriever) == ["one.txt"]
    resumed = jobs.resume(job.id, retriever, background=False)
    assert resumed.state == "done" and resumed.runs == 2
    assert [(f.name, f.status) for f in resumed.files] == [("one.txt", "ok"), ("two.txt", "ok"),
                                                           ("three.txt", "ok")]
    assert uploads(retriever) == ["one.txt", "three.txt", "two.txt"]  # every file exactly once
    for name, passages in (("one.txt", 16), ("two.txt", 64), ("three.txt", 16)):
        assert len(stored_ids(retriever, name)) == passages
    assert Retriever.open(settings, knowledge_dir=tmp_path / "no-cards").check(repair=False).unreadable == []
    assert jobs.get(job.id).resumable is False and jobs.resume(job.id, retriever) is None


def _mid_second_file(data_dir: Path) -> dict | None:
    """The child's job state once its first file is added and the second is being embedded."""
    folder = data_dir / JOBS_DIR
    for path in folder.glob(f"*/{STATE_FILE}") if folder.is_dir() else []:
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return None
        files = state["files"]
        if files[0]["status"] == "ok" and files[1]["status"] == "running" and files[1]["done"] >= EMBED_BATCH:
            return state
    return None


def test_an_interrupted_job_can_be_discarded_and_documents_it_added_stay(settings, retriever, gated):
    gated.open()
    job_id = interrupted_job(settings.data_dir, {"a.txt": document("mu", 2), "b.txt": document("nu", 2)})
    jobs = IngestJobs(settings.data_dir)
    assert jobs.get(job_id).interrupted
    assert jobs.discard(job_id) is True
    assert jobs.jobs() == []
    assert not (settings.data_dir / JOBS_DIR / job_id).exists()


def test_the_cli_resumes_an_interrupted_ingest_with_progress_and_the_usual_output(settings):
    from test_cli import run

    interrupted_job(settings.data_dir, {"one.md": document("xi", 20), "two.txt": document("omicron", 3)})
    resumed = run("ingest", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.splitlines()[:2] == ["ok: one.md: added (20 passages).  [" + _id(settings, "one.md") + "]",
                                               "ok: two.txt: added (3 passages).  [" + _id(settings, "two.txt") + "]"]
    assert "file 1 of 2 · 16 of 23 passages · about 1 min left" in resumed.stderr.splitlines()
    sources = run("sources").stdout
    assert sources.count("one.md") == 1 and sources.count("two.txt") == 1
    again = run("ingest", "--resume")
    assert (again.returncode, again.stdout.strip()) == (0, "Nothing to resume.")


def _id(settings: Settings, name: str) -> str:
    [job] = IngestJobs(settings.data_dir).jobs()
    return next(f.source_id for f in job.files if f.name == name)


def test_the_cli_resume_reports_a_failing_file_with_exit_2(settings):
    from test_cli import assert_usage_error, run

    interrupted_job(settings.data_dir, {"broken.pdf": b"\x00garbage\xff" * 100}, lang="nl")
    assert_usage_error(run("ingest", "--resume"), "broken.pdf: het bestand is beschadigd of is geen geldige pdf.")
    assert_usage_error(run("ingest", "--resume", "x.txt"), "not both")


def test_a_full_disk_when_saving_the_files_says_so_and_leaves_nothing(settings, retriever, monkeypatch):
    import errno

    from toolkit.knowledge import KnowledgeError

    original = Path.write_bytes

    def full(self, data):
        if self.parent.name == "files":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    jobs = IngestJobs(settings.data_dir)
    with pytest.raises(KnowledgeError) as raised:
        jobs.submit([("a.txt", document("rho", 2))], retriever, lang="sv")
    assert raised.value.message("sv").startswith("Kunskapsbasen kunde inte sparas: disken är full")
    assert jobs.jobs() == [] and list((settings.data_dir / JOBS_DIR).iterdir()) == []
    assert uploads(retriever) == []
