"""Chroma store (on disk, or a Chroma server) plus a BM25 lexical index, fused into one ranking per card.

The Chroma collection is the single source of truth: every passage with its metadata and vector. At open,
the passages are read back to build the lexical index (small: a few hundred passages) and to know which
cards are indexed with which content hash, so re-indexing only embeds what changed.
One collection per embedder, so switching embedders never mixes vectors. On a Chroma server a second, tiny
collection counts the writes (`toolkit.store.ServerGuard`), so app processes on other machines catch up.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, partial
from pathlib import Path

import bm25s
import chromadb
import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN, STOPWORDS_SWEDISH
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.config import Settings as ChromaSettings
from langchain_core.embeddings import Embeddings

from toolkit.embeddings import embedder_id, get_embeddings
from toolkit.i18n import plural_translator, translator
from toolkit.knowledge import (
    ASKS_PART,
    LANGS,
    Chunk,
    IngestResult,
    KnowledgeError,
    Limits,
    SourceInfo,
    UploadError,
    card_chunks,
    card_hash,
    check_data,
    check_file,
    extract_text,
    read_cards,
    safe_name,
    upload_chunks,
)
from toolkit.models import Hit
from toolkit.settings import KNOWLEDGE_DIR, Settings
from toolkit.store import LOCK_TIMEOUT, ServerGuard, StoreGuard, forget_client, storage_errors

Progress = Callable[[int, int, str], None]  # (done, total, what)

# Fusion: a convex combination of normalised dense and lexical scores at card level. On our dev set it beat
# reciprocal-rank fusion (k=5..60) and each single method, in line with Bruch et al. (2023), "An Analysis of
# Fusion Functions for Hybrid Retrieval". Once cards carried "asks" phrasings and Dutch/Swedish compounds were
# split, the lexical side grew stronger; a dev-set sweep (0.3-0.7) then gave the best MRR at 0.4
# (all: hit@5 0.98, MRR 0.90, against 0.98 / 0.86 at 0.7).
DENSE_WEIGHT = 0.4
CANDIDATES = 100  # passages taken from each ranking before fusion
LANG_BOOST = 0.05  # added (on the 0-1 scale) to cards that exist in the reader's language
MODES = ("fused", "dense", "lexical")
EMBED_BATCH = 16
WRITE_BATCH = 500
# Tests only: "N,SECONDS" writes in batches of N and sleeps after the first, so a test can kill the process
# mid-document deterministically.
TEST_WRITE_PAUSE = "TOOLKIT_TEST_WRITE_PAUSE"

STEMMERS = {"en": "english", "nl": "dutch", "sv": "swedish"}
STOPWORDS = {"en": set(STOPWORDS_EN), "nl": set(STOPWORDS_DUTCH), "sv": set(STOPWORDS_SWEDISH)}
_TOKEN = re.compile(r"\w+", re.UNICODE)
LINKING = {"nl": ("", "s", "e", "en"), "sv": ("", "s")}  # compound languages and their linking morphemes
MIN_PART = 4  # letters in each part of a compound we split


# --- Chroma ----------------------------------------------------------------------------------------------

class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Adapter from a LangChain `Embeddings` to Chroma's embedding-function protocol."""

    def __init__(self, embeddings: Embeddings | None = None, config: dict | None = None) -> None:
        self._embeddings = embeddings
        self._config = config or {"embedder": embedder_id(embeddings) if embeddings else ""}

    @property
    def embeddings(self) -> Embeddings:
        if self._embeddings is None:  # built from a stored config: use the settings' embedder
            self._embeddings = get_embeddings(Settings.from_env())
        return self._embeddings

    def __call__(self, input: Documents) -> list:
        """Embed documents (passages)."""
        return self.embeddings.embed_documents(list(input))

    def embed_query(self, input: Documents) -> list:
        """Embed queries with the query encoder."""
        return [self.embeddings.embed_query(text) for text in input]

    @staticmethod
    def name() -> str:
        """The name Chroma stores with the collection."""
        return "ai-change-toolkit"

    def get_config(self) -> dict:
        return dict(self._config)

    @staticmethod
    def build_from_config(config: dict) -> ChromaEmbeddingFunction:
        return ChromaEmbeddingFunction(config=config)

    def default_space(self) -> str:
        return "cosine"


# Chroma's client constructors are not safe to call from two threads at once (seen: "'RustBindingsAPI' object
# has no attribute 'bindings'" when two sessions opened the same folder together).
_CLIENT_LOCK = threading.Lock()


class SearchUnavailable(Exception):
    """The Chroma server cannot be reached: search, and so drafting, waits until it is back. Nothing else is
    affected (the workspace is a separate store). `address` is host:port, for the user's message."""

    def __init__(self, address: str) -> None:
        super().__init__(f"The Chroma server at {address} cannot be reached.")
        self.address = address


_UNREACHABLE = {"ConnectError", "ConnectTimeout", "NetworkError", "RemoteProtocolError", "ReadTimeout",
                "TransportError", "ConnectionError"}


def _unreachable(exc: BaseException) -> bool:
    """Whether an error from the Chroma client means the server is not there (down, restarting, wrong port)."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    return bool(names & _UNREACHABLE) or "could not connect to a chroma server" in str(exc).lower()


def chroma_client(settings: Settings):
    """A Chroma server client when CHROMA_HOST is set, else a persistent client under the data dir.
    Raises SearchUnavailable when the server cannot be reached."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    with _CLIENT_LOCK:
        if settings.chroma_host:
            try:
                return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                           settings=chroma_settings)
            except Exception as exc:
                if _unreachable(exc):
                    raise SearchUnavailable(f"{settings.chroma_host}:{settings.chroma_port}") from None
                raise
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)


def collection_name(embeddings: Embeddings) -> str:
    """The collection for one embedder (Chroma allows 3-512 characters of [A-Za-z0-9._-])."""
    return "passages-" + re.sub(r"[^A-Za-z0-9._-]+", "-", embedder_id(embeddings)).strip("-._")


# --- lexical index ---------------------------------------------------------------------------------------

def tokenize(text: str, lang: str, known: set[str] | frozenset[str] = frozenset(),
             memo: dict[str, list[str]] | None = None) -> list[str]:
    """Lower-cased words without stopwords, stemmed with the language's Snowball stemmer.

    With `known` (the stems of an index's vocabulary), Dutch and Swedish compounds also yield their two
    known parts, so "medewerkerstevredenheid" meets "tevredenheid" and "arbetsplatsträff" meets "träff".
    `memo` keeps each word's split for one `known` set: building an index meets the same words thousands of
    times, and splitting is the costly part.
    """
    words = [w for w in _TOKEN.findall(text.lower()) if w not in STOPWORDS[lang]]
    stems = _stemmer(lang).stemWords(words)
    if known and lang in LINKING:
        stems += [part for word in words for part in _parts(word, lang, known, memo)]
    return stems


def _parts(word: str, lang: str, known, memo: dict | None) -> list[str]:
    if memo is None:
        return compound_parts(word, lang, known)
    if word not in memo:
        memo[word] = compound_parts(word, lang, known)
    return memo[word]


def compound_parts(word: str, lang: str, known: set[str] | frozenset[str]) -> list[str]:
    """The stems of the two known words a Dutch or Swedish compound is made of (longest head first,
    allowing a linking -s-/-e-/-en-), or [] when no split into known words of 4+ letters exists."""
    if lang not in LINKING or len(word) < 2 * MIN_PART or not word.isalpha():
        return []
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        tail = _known_form(word[cut:], lang, known)
        if not tail:
            continue
        head = word[:cut]
        for link in LINKING[lang]:
            if head.endswith(link) and len(head) - len(link) >= MIN_PART:
                first = _known_form(head[:len(head) - len(link)], lang, known)
                if first:
                    return [first, tail]
    return []


def _known_form(part: str, lang: str, known: set[str] | frozenset[str]) -> str:
    """`part` as a known stem: its own stem, or the part itself when Snowball stems the free word
    differently (Swedish "arbetsplats" -> "arbetsplat", yet "arbetsplatsen" -> "arbetsplats")."""
    stem = _stemmer(lang).stemWord(part)
    return stem if stem in known else part if part in known else ""


_local = threading.local()


def _stemmer(lang: str) -> Stemmer.Stemmer:
    # PyStemmer objects are not thread-safe: one per thread and language
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if lang not in stemmers:
        stemmers[lang] = Stemmer.Stemmer(STEMMERS[lang])
    return stemmers[lang]


def _cached_stems(cache: dict, pid: str, text: str, lang: str) -> list[str]:
    key = hash((text, lang))
    hit = cache.get(pid)
    if hit is None or hit[0] != key:
        hit = cache[pid] = (key, tokenize(text, lang))
    return hit[1]


class LexicalIndex:
    """One BM25 index per language, each with its own stemmer; immutable once built."""

    def __init__(self, passages: dict[str, Stored], cache: dict[str, tuple[int, list[str]]] | None = None) -> None:
        """`cache` (passage id -> (text hash, stems)) carries the stemming of unchanged passages from one
        build to the next, so adding a file costs its own passages plus the BM25 build, not a re-read of all."""
        self._ids: dict[str, list[str]] = {}
        self._bm25: dict[str, bm25s.BM25] = {}
        self._known: dict[str, frozenset[str]] = {}
        cache = {} if cache is None else cache
        for lang in LANGS:
            ids = [pid for pid, p in passages.items() if p.lang == lang]
            if ids:
                texts = [passages[i].index_text for i in ids]
                base = [_cached_stems(cache, pid, text, lang) for pid, text in zip(ids, texts, strict=True)]
                known = frozenset(t for stems in base for t in stems)
                self._ids[lang], self._known[lang] = ids, known
                if lang in LINKING:  # compound parts depend on the whole vocabulary: split afresh, memoised
                    memo: dict[str, list[str]] = {}
                    base = [tokenize(text, lang, known, memo) for text in texts]
                self._bm25[lang] = self._build(base)

    @staticmethod
    def _build(corpus: list[list[str]]) -> bm25s.BM25:
        index = bm25s.BM25()
        index.index([tokens or [""] for tokens in corpus], show_progress=False)
        return index

    def search(self, query: str, n: int) -> list[tuple[str, float]]:
        """Best passages over all languages, the query stemmed for each language's index."""
        scored: list[tuple[str, float]] = []
        for lang, index in self._bm25.items():
            tokens = [t for t in tokenize(query, lang, self._known[lang]) if t in index.vocab_dict]
            if not tokens:
                continue
            scores = index.get_scores(tokens)
            scored.extend((self._ids[lang][i], float(s)) for i, s in enumerate(scores) if s > 0)
        return sorted(scored, key=lambda item: item[1], reverse=True)[:n]


# --- the retriever ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stored:
    """A passage as read back from the store."""

    id: str
    text: str
    meta: dict

    @property
    def lang(self) -> str:
        return self.meta.get("lang", "en")

    @property
    def group(self) -> str:
        """Knowledge passages of the same card collapse across languages; upload passages stay apart."""
        return self.meta["card_id"] if self.meta.get("origin") == "knowledge" else self.id

    @property
    def index_text(self) -> str:
        return f"{self.meta.get('title', '')}\n\n{self.text}"


@dataclass(frozen=True)
class _State:
    """What searches read: swapped as a whole after every write, so a reader never sees half an update."""

    passages: dict[str, Stored]
    lexical: LexicalIndex
    group_langs: dict[str, set[str]]
    pending: dict[str, float]  # source ids of documents not completely written -> when their write began

    @cached_property
    def searchable(self) -> set[str]:
        """Passages search may return: all but those flagged as instructions and not confirmed."""
        return {pid for pid, p in self.passages.items() if not p.meta.get("flagged") or p.meta.get("confirmed")}


@dataclass
class IndexReport:
    """What `index_knowledge` did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0
    cards: list[str] = field(default_factory=list)  # "lang/id" of the cards (re-)embedded
    problems: list[str] = field(default_factory=list)  # cards that could not be read, and why

    def summary(self) -> str:
        """One line: what changed, how much was embedded, how long it took."""
        return (f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, {self.removed} removed; "
                f"{self.chunks} passages written, {self.embedded} embedded, {self.seconds:.1f} s")


@dataclass
class CheckReport:
    """What `Retriever.check` found: passages whose vector could not be read, and how many it re-embedded."""

    passages: int = 0
    unreadable: list[str] = field(default_factory=list)
    repaired: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.passages} passages checked, {len(self.unreadable)} without a readable vector, "
                f"{self.repaired} repaired, {self.seconds:.1f} s")


# The generation each data folder's cached Chroma system has seen in this process: several Retrievers on one
# folder share that system, so only a change made by another process makes us drop it.
_PROCESS_GENERATION: dict[str, str] = {}


def _open_collection(settings: Settings, embeddings: Embeddings):
    return chroma_client(settings).get_or_create_collection(
        collection_name(embeddings),
        embedding_function=ChromaEmbeddingFunction(embeddings),
        configuration={"hnsw": {"space": "cosine"}},
    )


def _guard(settings: Settings, embeddings: Embeddings) -> StoreGuard:
    """The data folder's lock and generation; on a Chroma server, the generation is kept on the server."""
    if not settings.chroma_host:
        return StoreGuard(settings.data_dir)
    changes = chroma_client(settings).get_or_create_collection(
        collection_name(embeddings) + "-changes", embedding_function=None,
        metadata={"about": "one record per write to the passages collection"})
    return ServerGuard(settings.data_dir, changes)


class Retriever:
    """Search over the knowledge base and the user's documents. Safe to share between threads and to use
    from several processes on one data folder (one writer at a time; readers notice other writers), or from
    processes on several machines sharing one Chroma server (readers notice other writers; see `_recover`)."""

    def __init__(self, settings: Settings, embeddings: Embeddings, collection,
                 knowledge_dir: Path = KNOWLEDGE_DIR) -> None:
        self.settings = settings
        self.knowledge_dir = knowledge_dir
        self.embeddings = embeddings
        self.collection = collection
        self.guard = _guard(settings, embeddings)
        self._lock = threading.RLock()
        self._stems: dict[str, tuple[int, list[str]]] = {}  # the lexical index's stemming, kept between builds
        self._state = _State({}, LexicalIndex({}), {}, {})
        self._seen = self.guard.generation()
        if _PROCESS_GENERATION.setdefault(self._folder, self._seen) != self._seen:
            self._reconnect(self._seen)  # this process's cached client predates another process's write
        self._reload()
        self._recover()

    @classmethod
    def open(cls, settings: Settings | None = None, embeddings: Embeddings | None = None,
             knowledge_dir: Path = KNOWLEDGE_DIR) -> Retriever:
        """Open (or create) the store the settings point to; `knowledge_dir` holds the cards to index."""
        settings = settings or Settings.from_env()
        settings.ensure_dirs()
        embeddings = embeddings or get_embeddings(settings)
        return cls(settings, embeddings, _open_collection(settings, embeddings), knowledge_dir)

    @property
    def _folder(self) -> str:
        return f"{self.settings.chroma_host}:{self.settings.chroma_port}" if self.settings.chroma_host \
            else str(self.settings.index_dir)

    # reading back -----------------------------------------------------------------------------------------

    def _reload(self) -> None:
        """Read all passages back from Chroma and rebuild the lexical index. A document whose passages are not
        all marked complete (a write in progress, or one a crash interrupted) is left out."""
        passages: dict[str, Stored] = {}
        total = self.collection.count()
        for offset in range(0, total, WRITE_BATCH):
            batch = self.collection.get(include=["documents", "metadatas"], limit=WRITE_BATCH, offset=offset)
            for pid, text, meta in zip(batch["ids"], batch["documents"], batch["metadatas"], strict=True):
                passages[pid] = Stored(pid, text or "", dict(meta or {}))
        pending: dict[str, float] = {}
        for p in passages.values():
            if p.meta.get("complete") is False:
                source_id = p.meta.get("source_id", "")
                pending[source_id] = min(pending.get(source_id, float("inf")), float(p.meta.get("written_at", 0)))
        visible = {pid: p for pid, p in passages.items() if p.meta.get("source_id", "") not in pending}
        for gone in self._stems.keys() - visible.keys():
            del self._stems[gone]
        lexical = LexicalIndex(visible, self._stems)
        self._state = _State(visible, lexical, _group_langs(visible), pending)  # one atomic swap

    @property
    def _passages(self) -> dict[str, Stored]:
        return self._state.passages

    def refresh(self) -> None:
        """Re-read the store (e.g. after another process, such as the CLI, added documents)."""
        with self._lock:
            self._reconnect(self.guard.generation())
            self._reload()

    def _sync(self) -> None:
        """Re-read the store when another process (or another Retriever) wrote since we last looked: one small
        file read when nothing changed."""
        if self.guard.generation() == self._seen:
            return
        with self._lock:
            generation = self.guard.generation()
            if generation != self._seen:
                self._reconnect(generation)
                self._reload()
                if self.settings.chroma_host:
                    self._tidy_uploads()

    def _reconnect(self, generation: str) -> None:
        """Take a fresh Chroma client when the folder changed under this process's cached one. A server's
        client caches nothing of the store, so it is kept (a new one costs 0.2-1.5 s on a busy machine)."""
        if self.settings.chroma_host:
            self._seen = generation
            return
        if _PROCESS_GENERATION.get(self._folder) != generation:
            forget_client(self.settings.index_dir)
            _PROCESS_GENERATION[self._folder] = generation
        self.collection = _open_collection(self.settings, self.embeddings)
        self._seen = generation

    @property
    def embedded_count(self) -> int:
        """How many texts this process has actually embedded (cache misses)."""
        return getattr(self.embeddings, "computed", 0)

    # writing ----------------------------------------------------------------------------------------------

    @contextmanager
    def _writing(self):
        """One writer at a time across processes: take the folder's lock, catch up with what others wrote,
        write, then bump the generation so other processes catch up with us."""
        with self._lock, self.guard.writing():
            generation = self.guard.generation()
            if generation != self._seen:
                self._reconnect(generation)
                self._reload()
            try:
                yield
            finally:
                with suppress(KnowledgeError):  # a read-only folder: nothing was written either
                    self._seen = _PROCESS_GENERATION[self._folder] = self.guard.bump(generation)

    def _write(self, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        size, pause = _test_pause()
        for start in range(0, len(chunks), size):
            part = chunks[start:start + size]
            self.collection.upsert(
                ids=[c.id for c in part],
                embeddings=vectors[start:start + size],
                documents=[c.text for c in part],
                metadatas=[c.metadata for c in part],
            )
            if pause and start == 0 and len(chunks) > size:
                print("TOOLKIT_TEST_PAUSED", file=sys.stderr, flush=True)
                time.sleep(pause)

    def _mark(self, ids: list[str], **values) -> None:
        """Change metadata fields of stored passages (e.g. complete=True once a whole document is written)."""
        for start in range(0, len(ids), WRITE_BATCH):
            batch = self.collection.get(ids=ids[start:start + WRITE_BATCH], include=["metadatas"])
            metas = [{**(meta or {}), **values} for meta in batch["metadatas"]]
            self.collection.update(ids=batch["ids"], metadatas=metas)

    def _delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), WRITE_BATCH):
            self.collection.delete(ids=ids[start:start + WRITE_BATCH])

    def _embed(self, chunks: list[Chunk], progress: Progress | None, what: str, unit_of: Callable) -> list:
        """Embed chunks in batches, reporting progress in units (cards or passages)."""
        vectors: list[list[float]] = []
        units = list(dict.fromkeys(unit_of(c) for c in chunks))
        for start in range(0, len(chunks), EMBED_BATCH):
            batch = chunks[start:start + EMBED_BATCH]
            vectors.extend(self.embeddings.embed_documents([c.index_text for c in batch]))
            if progress:
                done = units.index(unit_of(batch[-1])) + 1
                progress(done, len(units), what)
        return vectors

    # recovery and checks ----------------------------------------------------------------------------------

    def _orphans(self) -> list[Path]:
        """Folders under uploads/ that no visible document owns (left by a crash, or by a failed write)."""
        root = self.settings.uploads_dir
        owned = {p.meta.get("source_id") for p in self._passages.values()}
        return [d for d in root.iterdir() if d.is_dir() and d.name not in owned] if root.is_dir() else []

    def _recover(self) -> None:
        """Roll back documents a crash left half-written, and remove orphan upload folders. Holding the lock
        proves no live writer on this machine is still at work on them. On a Chroma server a writer on
        another machine does not take our lock, so there only a write begun longer ago than any writer waits
        for the lock counts as abandoned; a younger one stays hidden until it completes."""
        if not (self._abandoned() or self._orphans()):
            return
        try:
            with self._writing():
                self._roll_back(self._abandoned())
                self._reload()
                for folder in self._orphans():
                    shutil.rmtree(folder, ignore_errors=True)
        except KnowledgeError:
            pass  # read-only folder: the half-written document stays hidden, the rest stays readable

    def _abandoned(self) -> set[str]:
        """The half-written documents to roll back (all of them on an on-disk store: see `_recover`)."""
        pending = self._state.pending
        if not self.settings.chroma_host:
            return set(pending)
        return {source_id for source_id, began in pending.items() if time.time() - began > LOCK_TIMEOUT}

    def _tidy_uploads(self) -> None:
        """On a Chroma server: remove this machine's copies of documents a process elsewhere removed. Only
        when no writer here holds the lock (a writer's copy is an 'orphan' until its document is complete)."""
        with self.guard.tidying() as free:
            for folder in self._orphans() if free else ():
                shutil.rmtree(folder, ignore_errors=True)

    def _roll_back(self, source_ids: set[str]) -> None:
        for source_id in source_ids:
            self._delete(self.collection.get(where={"source_id": source_id}, include=[])["ids"])
            shutil.rmtree(self.settings.uploads_dir / source_id, ignore_errors=True)

    def check(self, repair: bool = True) -> CheckReport:
        """Find passages whose vector is missing or unreadable (e.g. lost when two processes wrote without a
        lock) and, with `repair`, embed them again from their stored text."""
        started = time.perf_counter()
        self._sync()
        with self._lock, self.guard.writing():  # no write, no new generation, unless something is repaired
            ids = self.collection.get(include=[])["ids"]
            report = CheckReport(passages=len(ids))
            for start in range(0, len(ids), WRITE_BATCH):
                report.unreadable += self._unreadable(ids[start:start + WRITE_BATCH])
            if repair and report.unreadable:
                with self._writing():
                    report.repaired = self._re_embed(report.unreadable)
        report.seconds = time.perf_counter() - started
        return report

    def _unreadable(self, ids: list[str]) -> list[str]:
        """The ids among `ids` whose vector cannot be read; halves the batch on an error to find them."""
        try:
            vectors = self.collection.get(ids=ids, include=["embeddings"])["embeddings"]
        except Exception:  # noqa: BLE001 - Chroma reports a lost vector as an internal error
            if len(ids) == 1:
                return ids
            middle = len(ids) // 2
            return self._unreadable(ids[:middle]) + self._unreadable(ids[middle:])
        return [pid for pid, vector in zip(ids, vectors, strict=True) if vector is None or len(vector) == 0]

    def _re_embed(self, ids: list[str]) -> int:
        for start in range(0, len(ids), WRITE_BATCH):
            batch = self.collection.get(ids=ids[start:start + WRITE_BATCH], include=["documents", "metadatas"])
            chunks = [Chunk(pid, text or "", (meta or {}).get("title", ""), dict(meta or {}))
                      for pid, text, meta in zip(batch["ids"], batch["documents"], batch["metadatas"], strict=True)]
            self._write(chunks, self.embeddings.embed_documents([c.index_text for c in chunks]))
        self._reload()
        return len(ids)

    # knowledge cards --------------------------------------------------------------------------------------

    def _indexed_cards(self) -> dict[tuple[str, str], tuple[str, list[str]]]:
        """(lang, card id) -> (card hash, passage ids) for the cards in the store. A card missing some of its
        passages (an indexing run killed mid-write) gets an empty hash, so it counts as changed."""
        cards: dict[tuple[str, str], tuple[str, list[str]]] = {}
        parts: dict[tuple[str, str], int] = {}
        for p in self._passages.values():
            if p.meta.get("origin") == "knowledge":
                key = (p.lang, p.meta["card_id"])
                cards.setdefault(key, (p.meta.get("card_hash", ""), []))[1].append(p.id)
                parts[key] = int(p.meta.get("parts", 0))
        return {key: ("", ids) if parts[key] and len(ids) != parts[key] else (digest, ids)
                for key, (digest, ids) in cards.items()}

    def _plan(self):
        cards, problems = read_cards(self.knowledge_dir)
        indexed = self._indexed_cards()
        current = {(c.lang, c.id): c for c in cards}
        changed = [c for key, c in current.items() if indexed.get(key, ("",))[0] != card_hash(c)]
        removed = [key for key in indexed if key not in current]
        return cards, problems, indexed, changed, removed

    def needs_indexing(self) -> bool:
        """Whether any card was added, changed or removed since the last indexing."""
        self._sync()
        _, _, _, changed, removed = self._plan()
        return bool(changed or removed)

    def index_knowledge(self, progress: Progress | None = None) -> IndexReport:
        """Bring the store in line with knowledge/: embed new or changed cards, delete removed ones."""
        started, before = time.perf_counter(), self.embedded_count
        with self._writing():
            cards, problems, indexed, changed, removed = self._plan()
            report = IndexReport(unchanged=len(cards) - len(changed), removed=len(removed), problems=problems)
            chunks = [chunk for card in changed for chunk in card_chunks(card)]
            vectors = self._embed(chunks, progress, "cards", lambda c: (c.metadata["lang"], c.metadata["card_id"]))
            stale = [pid for card in changed for pid in indexed.get((card.lang, card.id), ("", []))[1]]
            stale += [pid for key in removed for pid in indexed[key][1]]
            self._delete(stale)
            self._write(chunks, vectors)
            self._reload()
        report.added = sum((c.lang, c.id) not in indexed for c in changed)
        report.updated = len(changed) - report.added
        report.cards = [f"{c.lang}/{c.id}" for c in changed]
        report.chunks, report.embedded = len(chunks), self.embedded_count - before
        report.seconds = time.perf_counter() - started
        return report

    def ensure_indexed(self, progress: Progress | None = None) -> IndexReport | None:
        """Index the knowledge base if anything changed; None when it was already up to date."""
        return self.index_knowledge(progress) if self.needs_indexing() else None

    # user documents ---------------------------------------------------------------------------------------

    def ingest(self, paths: Iterable[str | Path], progress: Progress | None = None,
               lang: str | None = None) -> list[IngestResult]:
        """Add user documents. Each file is checked on its own; a bad file changes nothing in the store.
        The lexical index is rebuilt once for the whole batch, not once per file."""
        limit = self.settings.max_upload_mb
        added: dict[str, list[Chunk]] = {}  # source id -> its passages, for duplicates within the batch
        try:
            return [self._ingest_one(p.name, str(p), partial(check_file, p, limit), progress, lang, added)
                    for p in map(Path, paths)]
        finally:
            self._merge(added)

    def ingest_data(self, name: str, data: bytes, progress: Progress | None = None,
                    lang: str | None = None) -> IngestResult:
        """Add one document received as bytes (e.g. a file uploaded in the app), under its file name."""
        return self.ingest_batch([(name, lambda: data)], progress, lang)[0]

    def ingest_batch(self, files: Iterable[tuple[str, Callable[[], bytes]]], progress: Progress | None = None,
                     lang: str | None = None,
                     on_result: Callable[[int, IngestResult], None] | None = None) -> list[IngestResult]:
        """Add documents given as (file name, read bytes) pairs, as one batch like `ingest` (one rebuild of the
        lexical index). `on_result(i, result)` runs after each file, so a caller (a background job) can record
        it at once. `progress` may raise to stop between embedding batches: the document being embedded is
        not written (nothing of it is stored before its vectors exist); the documents before it stay."""
        limit = self.settings.max_upload_mb
        added: dict[str, list[Chunk]] = {}
        results: list[IngestResult] = []
        try:
            for name, read in files:
                name = Path(name).name
                checked = partial(_checked, name, read, limit)
                results.append(self._ingest_one(name, name, checked, progress, lang, added))
                if on_result:
                    on_result(len(results) - 1, results[-1])
            return results
        finally:
            self._merge(added)

    def _merge(self, added: dict[str, list[Chunk]]) -> None:
        """Make documents this process just wrote searchable without reading the whole store back: the new
        passages join the current state and the lexical index is rebuilt once (unchanged passages keep their
        stemming). If another process wrote meanwhile, the next search re-reads everything anyway."""
        if not added:
            return
        with self._lock:
            passages = dict(self._state.passages)
            for chunks in added.values():
                passages.update((c.id, Stored(c.id, c.text, {**c.metadata, "complete": True})) for c in chunks)
            lexical = LexicalIndex(passages, self._stems)
            self._state = _State(passages, lexical, _group_langs(passages), self._state.pending)

    def _ingest_one(self, name: str, origin: str, read: Callable[[], bytes], progress: Progress | None,
                    lang: str | None, added: dict[str, str]) -> IngestResult:
        _ = translator(lang)
        shown = safe_name(name)
        try:
            data = read()
            self._sync()
            source_id = _source_id(data)
            existing = added[source_id][0].metadata["source"] if source_id in added else self._source_name(source_id)
            if existing:
                msg = _("{name}: already added (same content as {existing}).", name=shown,
                        existing=safe_name(existing))
                return IngestResult(path=origin, name=shown, status="duplicate", message=msg, source_id=source_id)
            text = extract_text(name, data, Limits.from_settings(self.settings))
            result, added[source_id] = self._add_document(name, origin, data, text, source_id, progress, _, lang)
            return result
        except KnowledgeError as error:
            return IngestResult(path=origin, name=shown, status="error", message=error.message(lang))
        except (OSError, ValueError):  # ValueError: a path the OS cannot represent (e.g. an embedded NUL)
            msg = _("{name}: the file does not exist or cannot be read.", name=shown)
            return IngestResult(path=origin, name=shown, status="error", message=msg)

    def _add_document(self, name: str, origin: str, data: bytes, text: str, source_id: str,
                      progress: Progress | None, _, lang: str | None = None) -> tuple[IngestResult, list[Chunk]]:
        shown = safe_name(name)
        stored = self.settings.uploads_dir / source_id / _storable(name)
        added = datetime.now().isoformat(timespec="seconds")
        chunks = upload_chunks(shown, text, source_id, str(stored), added)
        if len(chunks) > self.settings.max_passages:  # before embedding: the costly part
            raise UploadError("{name}: the document would add {n} passages; the limit is {limit}. Split it and "
                              "add the parts one by one.", name=shown, n=f"{len(chunks):,}",
                              limit=f"{self.settings.max_passages:,}")
        vectors = self._embed(chunks, progress, shown, lambda c: c.id)
        with self._writing():
            began = time.time()  # how old a half-written document is (see `_abandoned`)
            for chunk in chunks:
                chunk.metadata["written_at"] = began
            try:
                self._write(chunks, vectors)  # marked complete=False: invisible until the last step
                stored.parent.mkdir(parents=True, exist_ok=True)
                stored.write_bytes(data)
                self._mark([c.id for c in chunks], complete=True)
            except Exception:
                self._undo(source_id)
                raise
        flagged = sum(bool(c.metadata["flagged"]) for c in chunks)
        langs = sorted({c.metadata["lang"] for c in chunks})
        n_ = plural_translator(lang)
        msg = n_("{name}: added ({n} passage).", "{name}: added ({n} passages).", len(chunks), name=shown)
        if flagged:
            msg += " " + n_("{n} passage reads like instructions to an AI model; it is left out of search until "
                            "you confirm the document.",
                            "{n} passages read like instructions to an AI model; they are left out of search until "
                            "you confirm the document.", flagged)
        return IngestResult(path=origin, name=shown, status="ok", message=msg, source_id=source_id,
                            chunks=len(chunks), lang=",".join(langs), flagged=flagged), chunks

    def _undo(self, source_id: str) -> None:
        """Best effort after a failed write; what cannot be undone now stays incomplete (hidden) and is rolled
        back at the next open."""
        try:
            with storage_errors():
                self._roll_back({source_id})
        except Exception:  # noqa: BLE001 - the write's own error is the one to report
            pass

    def _source_name(self, source_id: str) -> str:
        for p in self._passages.values():
            if p.meta.get("source_id") == source_id:
                return p.meta.get("source", source_id)
        return ""

    def sources(self) -> list[SourceInfo]:
        """The knowledge base per language, then each user document (only complete ones)."""
        self._sync()
        groups: dict[str, list[Stored]] = {}
        for p in self._passages.values():
            groups.setdefault(p.meta.get("source_id", ""), []).append(p)
        infos = [_source_info(sid, items) for sid, items in groups.items()]
        return sorted(infos, key=lambda s: (s.origin != "knowledge", s.added, s.source_id))

    def remove(self, source_id: str) -> bool:
        """Remove a user document (its passages and stored copy). The knowledge base cannot be removed."""
        with self._writing():
            ids = [p.id for p in self._passages.values()
                   if p.meta.get("source_id") == source_id and p.meta.get("origin") == "upload"]
            if not ids:
                return False
            self._delete(ids)
            shutil.rmtree(self.settings.uploads_dir / source_id, ignore_errors=True)
            self._reload()
        return True

    def confirm_source(self, source_id: str) -> bool:
        """The user read a document whose passages were flagged as instructions to a model and trusts it:
        search includes them from now on. False when there is no such user document."""
        with self._writing():
            ids = [p.id for p in self._passages.values()
                   if p.meta.get("source_id") == source_id and p.meta.get("origin") == "upload"]
            if not ids:
                return False
            self._mark(ids, confirmed=True)
            self._reload()
        return True

    # search -----------------------------------------------------------------------------------------------

    def search(self, query: str, lang: str | None = None, k: int = 5, mode: str = "fused") -> list[Hit]:
        """The `k` best passages for `query`, preferring the reader's language `lang`. Passages flagged as
        instructions to a model are left out unless the user confirmed their document.

        mode: "fused" (dense and lexical scores combined), "dense" or "lexical".
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        query = " ".join((query or "").split())
        self._sync()
        state = self._state
        if not query or not state.passages or k <= 0:
            return []
        searchable = state.searchable
        lists = []
        if mode in ("fused", "dense"):
            weight = DENSE_WEIGHT if mode == "fused" else 1.0
            lists.append(Scored(weight, self._dense(query, len(state.passages)), from_zero=False))
        if mode in ("fused", "lexical"):
            weight = 1.0 - DENSE_WEIGHT if mode == "fused" else 1.0
            lists.append(Scored(weight, state.lexical.search(query, CANDIDATES), from_zero=True))
        lists = [Scored(s.weight, [(pid, v) for pid, v in s.items if pid in searchable], s.from_zero)
                 for s in lists]
        return fuse(lists, state.passages, lang, k, state.group_langs)

    def _dense(self, query: str, total: int) -> list[tuple[str, float]]:
        """(passage id, cosine similarity), best first."""
        vector = self.embeddings.embed_query(query)
        try:
            result = self._query(vector, total)
        except Exception:  # noqa: BLE001 - e.g. a Chroma server restarted mid-session: once more, on a fresh client
            try:
                with self._lock:
                    self.collection = _open_collection(self.settings, self.embeddings)
                result = self._query(vector, total)
            except Exception as exc:
                if self.settings.chroma_host and _unreachable(exc):
                    raise SearchUnavailable(f"{self.settings.chroma_host}:{self.settings.chroma_port}") from None
                raise
        return [(pid, 1.0 - float(d)) for pid, d in zip(result["ids"][0], result["distances"][0], strict=True)]

    def _query(self, vector: list[float], total: int) -> dict:
        return self.collection.query(query_embeddings=[vector], n_results=min(CANDIDATES, total),
                                     include=["distances"])

    def card_text(self, card_id: str, lang: str) -> str | None:
        """A card's full text in `lang` (falling back to English), or a document's passages joined."""
        cards = [c for c in read_cards(self.knowledge_dir)[0] if c.id == card_id]
        for wanted in (lang, "en", *(c.lang for c in cards)):
            for card in cards:
                if card.lang == wanted:
                    return card.body
        self._sync()
        parts = sorted((p for p in self._passages.values() if p.meta.get("source_id") == card_id),
                       key=lambda p: p.meta.get("chunk", 0))
        return "\n\n".join(p.text for p in parts) or None


def _test_pause() -> tuple[int, float]:
    raw = os.environ.get(TEST_WRITE_PAUSE, "")
    if not raw:
        return WRITE_BATCH, 0.0
    size, seconds = raw.split(",")
    return int(size), float(seconds)


def _checked(name: str, read: Callable[[], bytes], max_mb: float) -> bytes:
    return check_data(name, read(), max_mb)


def _storable(name: str) -> str:
    """The name the copy under uploads/ gets: control characters replaced, and short enough in bytes for the
    file system (255 characters of Swedish or Dutch can be more than 255 bytes)."""
    clean = "".join("_" if ord(c) < 32 or ord(c) == 127 else c for c in name)
    suffix = Path(clean).suffix
    while len(clean.encode("utf-8")) > 200:
        clean = clean[:-len(suffix) - 1] + suffix
    return clean


# --- fusion ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scored:
    """One ranking to fuse: (passage id, score) pairs, best first, and its weight.

    Scores are scaled to 0-1: from the lowest candidate (dense similarities) or from zero (BM25).
    """

    weight: float
    items: list[tuple[str, float]]
    from_zero: bool

    def normalised(self) -> list[tuple[str, float]]:
        if not self.items:
            return []
        values = [score for _, score in self.items]
        low = 0.0 if self.from_zero else min(values)
        span = max(values) - low
        return [(pid, (score - low) / span if span > 0 else 1.0) for pid, score in self.items]


def fuse(lists: list[Scored], passages: dict[str, Stored], lang: str | None, k: int,
         group_langs: dict[str, set[str]] | None = None) -> list[Hit]:
    """Weighted sum of normalised scores per card, a small boost for cards that exist in the reader's
    language, then one hit per card, shown in the reader's language when the card exists in it.

    A card scores with its best passage in each list, in any language, so the English and Swedish versions
    of one card support each other instead of competing.
    """
    card_scores: dict[str, float] = {}
    passage_scores: dict[str, float] = {}
    for scored in lists:
        best: dict[str, float] = {}
        for pid, value in scored.normalised():
            if pid in passages:
                passage_scores[pid] = passage_scores.get(pid, 0.0) + scored.weight * value
                group = passages[pid].group
                best[group] = max(best.get(group, 0.0), value)
        for group, value in best.items():
            card_scores[group] = card_scores.get(group, 0.0) + scored.weight * value
    if lang:
        langs = group_langs if group_langs is not None else _group_langs(passages)
        for group in card_scores:
            if lang in langs.get(group, ()):
                card_scores[group] += LANG_BOOST
    members: dict[str, list[str]] = {}
    for pid in sorted(passage_scores, key=passage_scores.get, reverse=True):
        members.setdefault(passages[pid].group, []).append(pid)
    top = sorted(card_scores, key=card_scores.get, reverse=True)[:k]
    scale = 1.0 + (LANG_BOOST if lang else 0.0)
    return [_to_hit(_shown(members[g], passages, lang), card_scores[g] / scale) for g in top]


def _group_langs(passages: dict[str, Stored]) -> dict[str, set[str]]:
    langs: dict[str, set[str]] = {}
    for p in passages.values():
        langs.setdefault(p.group, set()).add(p.lang)
    return langs


def _shown(ranked_ids: list[str], passages: dict[str, Stored], lang: str | None) -> Stored:
    """The passage to show for a card: its best readable passage, in the reader's language if it has one.

    A card's asks passage helps it rank but is never shown; the card's first passage stands in for it.
    """
    readable = [pid for pid in ranked_ids if passages[pid].meta.get("part") != ASKS_PART]
    top = passages[ranked_ids[0]]
    card_id = top.meta.get("card_id")
    if not readable:  # only the asks passage matched: show the card's opening passage instead
        opening = [f"k:{code}:{card_id}:0" for code in (lang, top.lang) if code]
        readable = [pid for pid in opening if pid in passages][:1] or ranked_ids[:1]
    best = passages[readable[0]]
    if not lang or best.lang == lang:
        return best
    for pid in readable:
        if passages[pid].lang == lang:
            return passages[pid]
    twin = f"k:{lang}:{card_id}:{best.meta.get('chunk', 0)}"
    first = f"k:{lang}:{card_id}:0"
    return passages.get(twin) or passages.get(first) or best


def _to_hit(p: Stored, score: float) -> Hit:
    meta = p.meta
    topics = [t for t in str(meta.get("topics", "")).split(",") if t]
    return Hit(id=p.id, card_id=meta["card_id"], text=p.text, title=meta.get("title", ""),
               source=meta.get("source", ""), year=meta.get("year") or None, lang=p.lang,
               kind=meta.get("kind", "guidance"), topics=topics, claim=meta.get("claim", ""),
               origin=meta.get("origin", "knowledge"), score=round(score, 4),
               flagged=bool(meta.get("flagged")))


def _source_id(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()[:16]


def _source_info(source_id: str, items: list[Stored]) -> SourceInfo:
    first = items[0].meta
    origin = first.get("origin", "upload")
    langs = sorted({p.lang for p in items})
    if origin == "knowledge":
        cards = {p.meta["card_id"] for p in items}
        return SourceInfo(source_id=source_id, title=f"Knowledge base ({langs[0]})", origin="knowledge",
                          langs=langs, chunks=len(items), items=len(cards))
    return SourceInfo(source_id=source_id, title=first.get("source", source_id), origin="upload", langs=langs,
                      chunks=len(items), path=first.get("path", ""), added=first.get("added", ""),
                      flagged=sum(bool(p.meta.get("flagged")) for p in items),
                      confirmed=bool(first.get("confirmed")))
