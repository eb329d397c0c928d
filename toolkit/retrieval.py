"""Chroma store (on disk, or a Chroma server) plus a BM25 lexical index, fused into one ranking per card.

The Chroma collection is the single source of truth: every passage with its metadata and vector. At open,
the passages are read back to build the lexical index (small: a few hundred passages) and to know which
cards are indexed with which content hash, so re-indexing only embeds what changed.
One collection per embedder, so switching embedders never mixes vectors.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

import bm25s
import chromadb
import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN, STOPWORDS_SWEDISH
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.config import Settings as ChromaSettings
from langchain_core.embeddings import Embeddings

from toolkit.embeddings import embedder_id, get_embeddings
from toolkit.i18n import translator
from toolkit.knowledge import (
    ASKS_PART,
    LANGS,
    Chunk,
    IngestResult,
    SourceInfo,
    UploadError,
    card_chunks,
    card_hash,
    check_data,
    check_file,
    extract_text,
    read_cards,
    upload_chunks,
)
from toolkit.models import Hit
from toolkit.settings import KNOWLEDGE_DIR, Settings

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

def tokenize(text: str, lang: str, known: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Lower-cased words without stopwords, stemmed with the language's Snowball stemmer.

    With `known` (the stems of an index's vocabulary), Dutch and Swedish compounds also yield their two
    known parts, so "medewerkerstevredenheid" meets "tevredenheid" and "arbetsplatsträff" meets "träff".
    """
    words = [w for w in _TOKEN.findall(text.lower()) if w not in STOPWORDS[lang]]
    stems = _stemmer(lang).stemWords(words)
    if known and lang in LINKING:
        stems += [part for word in words for part in compound_parts(word, lang, known)]
    return stems


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


class LexicalIndex:
    """One BM25 index per language, each with its own stemmer; immutable once built."""

    def __init__(self, passages: dict[str, Stored]) -> None:
        self._ids: dict[str, list[str]] = {}
        self._bm25: dict[str, bm25s.BM25] = {}
        self._known: dict[str, frozenset[str]] = {}
        for lang in LANGS:
            ids = [pid for pid, p in passages.items() if p.lang == lang]
            if ids:
                texts = [passages[i].index_text for i in ids]
                known = frozenset(t for text in texts for t in tokenize(text, lang))
                self._ids[lang], self._known[lang] = ids, known
                self._bm25[lang] = self._build([tokenize(text, lang, known) for text in texts])

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


def _open_collection(settings: Settings, embeddings: Embeddings):
    return chroma_client(settings).get_or_create_collection(
        collection_name(embeddings),
        embedding_function=ChromaEmbeddingFunction(embeddings),
        configuration={"hnsw": {"space": "cosine"}},
    )


class Retriever:
    """Search over the knowledge base and the user's documents. Safe to share between threads."""

    def __init__(self, settings: Settings, embeddings: Embeddings, collection,
                 knowledge_dir: Path = KNOWLEDGE_DIR) -> None:
        self.settings = settings
        self.knowledge_dir = knowledge_dir
        self.embeddings = embeddings
        self.collection = collection
        self._lock = threading.RLock()
        self._state = _State({}, LexicalIndex({}), {})
        self._reload()

    @classmethod
    def open(cls, settings: Settings | None = None, embeddings: Embeddings | None = None,
             knowledge_dir: Path = KNOWLEDGE_DIR) -> Retriever:
        """Open (or create) the store the settings point to; `knowledge_dir` holds the cards to index."""
        settings = settings or Settings.from_env()
        settings.ensure_dirs()
        embeddings = embeddings or get_embeddings(settings)
        return cls(settings, embeddings, _open_collection(settings, embeddings), knowledge_dir)

    # reading back -----------------------------------------------------------------------------------------

    def _reload(self) -> None:
        """Read all passages back from Chroma and rebuild the lexical index."""
        passages: dict[str, Stored] = {}
        total = self.collection.count()
        for offset in range(0, total, WRITE_BATCH):
            batch = self.collection.get(include=["documents", "metadatas"], limit=WRITE_BATCH, offset=offset)
            for pid, text, meta in zip(batch["ids"], batch["documents"], batch["metadatas"], strict=True):
                passages[pid] = Stored(pid, text or "", dict(meta or {}))
        self._state = _State(passages, LexicalIndex(passages), _group_langs(passages))  # one atomic swap

    @property
    def _passages(self) -> dict[str, Stored]:
        return self._state.passages

    def refresh(self) -> None:
        """Re-read the store (e.g. after another process, such as the CLI, added documents)."""
        with self._lock:
            self._reload()

    @property
    def embedded_count(self) -> int:
        """How many texts this process has actually embedded (cache misses)."""
        return getattr(self.embeddings, "computed", 0)

    # writing ----------------------------------------------------------------------------------------------

    def _write(self, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        for start in range(0, len(chunks), WRITE_BATCH):
            part = chunks[start:start + WRITE_BATCH]
            self.collection.upsert(
                ids=[c.id for c in part],
                embeddings=vectors[start:start + WRITE_BATCH],
                documents=[c.text for c in part],
                metadatas=[c.metadata for c in part],
            )

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

    # knowledge cards --------------------------------------------------------------------------------------

    def _indexed_cards(self) -> dict[tuple[str, str], tuple[str, list[str]]]:
        """(lang, card id) -> (card hash, passage ids) for the cards in the store."""
        cards: dict[tuple[str, str], tuple[str, list[str]]] = {}
        for p in self._passages.values():
            if p.meta.get("origin") == "knowledge":
                key = (p.lang, p.meta["card_id"])
                cards.setdefault(key, (p.meta.get("card_hash", ""), []))[1].append(p.id)
        return cards

    def _plan(self):
        cards, problems = read_cards(self.knowledge_dir)
        indexed = self._indexed_cards()
        current = {(c.lang, c.id): c for c in cards}
        changed = [c for key, c in current.items() if indexed.get(key, ("",))[0] != card_hash(c)]
        removed = [key for key in indexed if key not in current]
        return cards, problems, indexed, changed, removed

    def needs_indexing(self) -> bool:
        """Whether any card was added, changed or removed since the last indexing."""
        _, _, _, changed, removed = self._plan()
        return bool(changed or removed)

    def index_knowledge(self, progress: Progress | None = None) -> IndexReport:
        """Bring the store in line with knowledge/: embed new or changed cards, delete removed ones."""
        started, before = time.perf_counter(), self.embedded_count
        with self._lock:
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
        """Add user documents. Each file is checked on its own; a bad file changes nothing in the store."""
        limit = self.settings.max_upload_mb
        return [self._ingest_one(p.name, str(p), partial(check_file, p, limit), progress, lang)
                for p in map(Path, paths)]

    def ingest_data(self, name: str, data: bytes, progress: Progress | None = None,
                    lang: str | None = None) -> IngestResult:
        """Add one document received as bytes (e.g. a file uploaded in the app), under its file name."""
        name = Path(name).name
        read = partial(check_data, name, data, self.settings.max_upload_mb)
        return self._ingest_one(name, name, read, progress, lang)

    def _ingest_one(self, name: str, origin: str, read: Callable[[], bytes], progress: Progress | None,
                    lang: str | None) -> IngestResult:
        _ = translator(lang)
        try:
            data = read()
            source_id = _source_id(data)
            existing = self._source_name(source_id)
            if existing:
                msg = _("{name}: already added (same content as {existing}).", name=name, existing=existing)
                return IngestResult(path=origin, name=name, status="duplicate", message=msg, source_id=source_id)
            text = extract_text(name, data)
            return self._add_document(name, origin, data, text, source_id, progress, _)
        except UploadError as error:
            return IngestResult(path=origin, name=name, status="error", message=error.message(lang))
        except OSError:
            msg = _("{name}: the file does not exist or cannot be read.", name=name)
            return IngestResult(path=origin, name=name, status="error", message=msg)

    def _add_document(self, name: str, origin: str, data: bytes, text: str, source_id: str,
                      progress: Progress | None, _) -> IngestResult:
        stored = self.settings.uploads_dir / source_id / name
        added = datetime.now().isoformat(timespec="seconds")
        chunks = upload_chunks(name, text, source_id, str(stored), added)
        vectors = self._embed(chunks, progress, name, lambda c: c.id)
        with self._lock:
            stored.parent.mkdir(parents=True, exist_ok=True)
            stored.write_bytes(data)
            try:
                self._write(chunks, vectors)
            except Exception:
                shutil.rmtree(stored.parent, ignore_errors=True)
                self._delete([c.id for c in chunks])
                raise
            self._reload()
        langs = sorted({c.metadata["lang"] for c in chunks})
        msg = _("{name}: added ({n} passages).", name=name, n=len(chunks))
        return IngestResult(path=origin, name=name, status="ok", message=msg, source_id=source_id,
                            chunks=len(chunks), lang=",".join(langs))

    def _source_name(self, source_id: str) -> str:
        for p in self._passages.values():
            if p.meta.get("source_id") == source_id:
                return p.meta.get("source", source_id)
        return ""

    def sources(self) -> list[SourceInfo]:
        """The knowledge base per language, then each user document."""
        groups: dict[str, list[Stored]] = {}
        for p in self._passages.values():
            groups.setdefault(p.meta.get("source_id", ""), []).append(p)
        infos = [_source_info(sid, items) for sid, items in groups.items()]
        return sorted(infos, key=lambda s: (s.origin != "knowledge", s.added, s.source_id))

    def remove(self, source_id: str) -> bool:
        """Remove a user document (its passages and stored copy). The knowledge base cannot be removed."""
        with self._lock:
            ids = [p.id for p in self._passages.values()
                   if p.meta.get("source_id") == source_id and p.meta.get("origin") == "upload"]
            if not ids:
                return False
            self._delete(ids)
            shutil.rmtree(self.settings.uploads_dir / source_id, ignore_errors=True)
            self._reload()
        return True

    # search -----------------------------------------------------------------------------------------------

    def search(self, query: str, lang: str | None = None, k: int = 5, mode: str = "fused") -> list[Hit]:
        """The `k` best passages for `query`, preferring the reader's language `lang`.

        mode: "fused" (dense and lexical scores combined), "dense" or "lexical".
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        query = " ".join((query or "").split())
        state = self._state
        if not query or not state.passages or k <= 0:
            return []
        lists = []
        if mode in ("fused", "dense"):
            weight = DENSE_WEIGHT if mode == "fused" else 1.0
            lists.append(Scored(weight, self._dense(query, len(state.passages)), from_zero=False))
        if mode in ("fused", "lexical"):
            weight = 1.0 - DENSE_WEIGHT if mode == "fused" else 1.0
            lists.append(Scored(weight, state.lexical.search(query, CANDIDATES), from_zero=True))
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
        parts = sorted((p for p in self._passages.values() if p.meta.get("source_id") == card_id),
                       key=lambda p: p.meta.get("chunk", 0))
        return "\n\n".join(p.text for p in parts) or None


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
               origin=meta.get("origin", "knowledge"), score=round(score, 4))


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
                      chunks=len(items), path=first.get("path", ""), added=first.get("added", ""))
