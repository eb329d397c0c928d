"""The FAQ: the questions staff really ask about the AI tool, answered from the brief and the guidance.

`compose` writes the standard set (at least twelve items); `answer` answers a user's own question from the
brief and the best retrieved passages, or says honestly that the contact person will answer it. Text blocks
live in `templates/{lang}/faq.yaml`; the shared machinery is `toolkit.drafting.compose.Composer`.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable

from toolkit.brief import Brief
from toolkit.citations import CitationBook, normalise_citations, with_mark
from toolkit.drafting.compose import Composer, Retriever, join_list, sentence
from toolkit.models import Draft, FaqItem, Hit, Section

# Reading order: the worry first, then the why, the what, and the practical questions.
ORDER = ("job", "why_now", "what_ai", "stops", "same", "training", "monitoring", "human", "wrong", "success",
         "career", "input", "timeline", "contact")
_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
MIN_OVERLAP = 2  # content words a question must share with a brief entry or passage to count as relevant


def _sentences(items: list[str]) -> str:
    """Brief entries for an answer: one as a sentence, several as a list (one "- " line each), because entries
    are often noun phrases that read as fragments when strung together."""
    if len(items) < 2:
        return " ".join(sentence(i) for i in items)
    return "\n" + "\n".join(f"- {sentence(i)}" for i in items) + "\n"


def _join(parts: list[str]) -> str:
    """Join answer parts with spaces, keeping list lines on lines of their own."""
    text = " ".join(p.strip(" ") for p in parts if p and p.strip())
    lines = re.sub(r" *\n+ *", "\n", text).strip().split("\n")
    for i, line in enumerate(lines[:-1]):  # the sentence that leads into a list ends in a colon
        if not line.startswith("- ") and lines[i + 1].startswith("- ") and line.endswith("."):
            lines[i] = line[:-1] + ":"
    return "\n".join(lines)


def _matching(items: list[str], words: list[str]) -> list[str]:
    """Brief entries that mention one of the template's keywords (lower-case stems)."""
    return [i for i in items if any(w in i.lower() for w in words)]


def _brief_items(brief: Brief) -> list[str]:
    return [*brief.changes, *brief.stops_doing, *brief.stays_same, *brief.commitments, *brief.success_measures,
            *brief.facts]


class FaqComposer(Composer):
    """Answers per FAQ topic; every answer names only what the brief or a cited card says."""

    def item_block(self, key: str, part: str) -> str:
        return self.say(f"items.{key}.{part}")

    def topic_query(self, key: str) -> str:
        return self.query(f"items.{key}.query", self.brief.ai_tool)

    def cited_guidance(self, key: str, limit: int = 1) -> tuple[list[str], list[str]]:
        return self.guidance(f"items.{key}.guidance", self.topic_query(key), limit=limit)

    def cited_facts(self, key: str, limit: int = 1) -> tuple[list[str], list[str]]:
        return self.facts(self.topic_query(key), limit=limit, only=f"items.{key}.facts")

    # one function per topic: returns (answer parts, cited card ids) -------------------------------------

    def job(self) -> tuple[list[str], list[str]]:
        b = self.brief
        parts = [self.item_block("job", "worry")]
        promised = _matching(b.commitments, self.block("items.job.keywords") or [])
        if promised:
            parts += [self.item_block("job", "commitments_lead"), _sentences(promised)]
        else:
            parts.append(self.item_block("job", "undecided"))
        claims, ids = self.cited_facts("job")
        if claims:
            parts += [claims[0], self.item_block("job", "fact_close")]
        parts.append(self.item_block("job", "hear_more"))
        return parts, ids

    def why_now(self) -> tuple[list[str], list[str]]:
        b = self.brief
        parts = [sentence(b.purpose)]
        if b.facts:
            parts.append(sentence(b.facts[0]))
        claims, ids = self.cited_facts("why_now")
        return [*parts, *claims, self.item_block("why_now", "start")], ids

    def what_ai(self) -> tuple[list[str], list[str]]:
        b = self.brief
        parts = [self.item_block("what_ai", "does"), _sentences(b.changes)]
        if b.stays_same:
            parts += [self.item_block("what_ai", "does_not"), _sentences(b.stays_same)]
        else:
            parts.append(self.item_block("what_ai", "does_not_unknown"))
        return parts, []

    def stops(self) -> tuple[list[str], list[str]]:
        lines, ids = self.cited_guidance("stops")
        lead = self.item_block("stops", "lead")
        return [f"{lead} {join_list(self.brief.stops_doing, self.lang)}.", *lines], ids

    def same(self) -> tuple[list[str], list[str]]:
        lines, ids = self.cited_guidance("same")
        return [self.item_block("same", "lead"), _sentences(self.brief.stays_same), *lines], ids

    def training(self) -> tuple[list[str], list[str]]:
        own = _matching(_brief_items(self.brief), self.block("items.training.keywords") or [])
        claims, ids = self.cited_facts("training")
        lines, gids = self.cited_guidance("training")
        return [self.item_block("training", "plan"), _sentences(own), *claims, *lines,
                self.item_block("training", "ask")], ids + gids

    def monitoring(self) -> tuple[list[str], list[str]]:
        b = self.brief
        own = _matching([*b.changes, *b.stays_same, *b.commitments], self.block("items.monitoring.keywords") or [])
        parts = [self.item_block("monitoring", "open")]
        if own:
            parts += [self.item_block("monitoring", "known"), _sentences(own)]
        parts.append(self.item_block("monitoring", "confirm"))
        return parts, []

    def human(self) -> tuple[list[str], list[str]]:
        own = _matching([*self.brief.changes, *self.brief.stays_same], self.block("items.human.keywords") or [])
        claims, ids = self.cited_facts("human")
        lines, gids = self.cited_guidance("human")
        parts = [self.item_block("human", "known"), _sentences(own)] if own else [self.item_block("human", "open")]
        return [*parts, *claims, *lines], ids + gids

    def wrong(self) -> tuple[list[str], list[str]]:
        own = _matching(self.brief.changes, self.block("items.wrong.keywords") or [])
        lines, ids = self.cited_guidance("wrong")
        return [self.item_block("wrong", "open"), _sentences(own), self.item_block("wrong", "report"), *lines], ids

    def success(self) -> tuple[list[str], list[str]]:
        b = self.brief
        lines, ids = self.cited_guidance("success", limit=2)
        if b.success_measures:
            parts = [self.item_block("success", "lead"), _sentences(b.success_measures)]
        else:
            parts = [self.item_block("success", "open")]
        return [*parts, *lines], ids

    def career(self) -> tuple[list[str], list[str]]:
        claims, ids = self.cited_facts("career")
        parts = [self.item_block("career", "open")]
        if claims:
            parts += [claims[0], self.item_block("career", "fact_close")]
        lines, gids = self.cited_guidance("career")
        return [*parts, *lines, self.item_block("career", "talk")], ids + gids

    def input(self) -> tuple[list[str], list[str]]:
        lines, ids = self.cited_guidance("input")
        return [self.item_block("input", "meetings"), *lines, self.item_block("input", "anytime")], ids

    def timeline(self) -> tuple[list[str], list[str]]:
        return [self.item_block("timeline", "start"), self.item_block("timeline", "before"),
                self.item_block("timeline", "after")], []

    def contact(self) -> tuple[list[str], list[str]]:
        return [self.item_block("contact", "ask"), self.item_block("contact", "also")], []

    def item(self, key: str) -> FaqItem | None:
        """One standard FAQ item, or None when the brief gives nothing to say (e.g. no stays_same)."""
        if key == "same" and not self.brief.stays_same:
            return None
        build: Callable[[], tuple[list[str], list[str]]] = getattr(self, key)
        parts, ids = build()
        answer = _join(parts)
        return FaqItem(key=key, question=self.item_block(key, "question"), answer=answer, citations=ids)


def compose(brief: Brief, lang: str, retriever: Retriever, variant: int = 0) -> Draft:
    """The FAQ for a brief: an intro section and at least twelve answered questions (no checks)."""
    c = FaqComposer(brief, lang, retriever, variant, "faq")
    # Topics that need a particular figure pick first; the reading order is ORDER.
    built = {key: c.item(key) for key in dict.fromkeys(("career", "job", "human", *ORDER))}
    items = [built[key] for key in ORDER if built[key] is not None]
    intro = Section(key="intro", heading=c.say("intro.heading"), paragraphs=[c.say("intro.text")])
    return normalise_citations(c.draft("faq", c.say("title"), [intro], items=items))


# --- a user's own question ----------------------------------------------------------------------------------

def _stems(text: str, stop: set[str], skip: set[str]) -> set[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {w[:5] for w in words if len(w) >= 4 and w not in stop and w not in skip and not w.isdigit()}


def _best_sentence(text: str, stems: set[str]) -> str:
    """The passage sentence that shares most words with the question (short enough to quote)."""
    best, best_score = "", 0
    for candidate in _SENTENCE.split(" ".join(text.split())):
        candidate = candidate.strip().lstrip("#-*> ").strip()
        words = candidate.split()
        if not 4 <= len(words) <= 30:
            continue
        score = len(stems & {w.lower()[:5] for w in _WORD.findall(candidate)})
        if score > best_score:
            best, best_score = candidate, score
    return best


def _topic(c: FaqComposer, question: str, stems: set[str], stop: set[str]) -> str | None:
    """The standard topic a question is about: from the template's keywords, else from the brief list the
    question echoes (what stops, what changes, what stays)."""
    text = " " + " ".join(_WORD.findall(question.lower())) + " "
    scores = {key: sum(1 for w in (c.block(f"items.{key}.match") or []) if f" {w}" in text) for key in ORDER}
    if not c.brief.stays_same:
        scores["same"] = 0
    key = max(scores, key=lambda k: scores[k])
    if scores[key] > 0:
        return key
    lists = {"stops": c.brief.stops_doing, "what_ai": c.brief.changes, "same": c.brief.stays_same}
    for key, items in lists.items():
        if any(len(stems & _stems(i, stop, set())) >= MIN_OVERLAP for i in items):
            return key
    return None


def _best_hit(c: FaqComposer, query: str, stems: set[str], stop: set[str]) -> Hit | None:
    """The retrieved passage sharing most content words with the question (figures first on a tie)."""
    best, best_score = None, 0.0
    need = min(MIN_OVERLAP, len(stems))  # a one-word question must find its word in a title or claim
    for hit in c.search(query, k=6):
        if hit.card_id in c.used:
            continue
        overlap = len(stems & _stems(f"{hit.title} {hit.claim} {hit.text}", stop, set()))
        headline = len(stems & _stems(f"{hit.title} {hit.claim}", stop, set()))  # words in title or claim weigh more
        score = overlap + headline + (0.5 if hit.kind == "fact" and hit.claim else 0.0)
        if overlap >= need and (need > 1 or headline) and score > best_score:
            best, best_score = hit, score
    return best


def _passage(c: FaqComposer, hit: Hit, stems: set[str]) -> str:
    """What a retrieved passage contributes: a fact's claim, a known paraphrase, or a short quotation."""
    if hit.kind == "fact" and hit.claim:
        return with_mark(sentence(hit.claim), c.book.cite(hit))
    for key in ORDER:
        options = c.block(f"items.{key}.guidance") or {}
        if hit.card_id in options:
            return with_mark(c.say(options[hit.card_id], f"answer.{hit.card_id}"), c.book.cite(hit))
    quote = _best_sentence(hit.text, stems)
    if not quote:
        return ""
    quote = quote.rstrip(".!?")
    return with_mark(c.say("answer.quote", source=hit.title, quote=quote), c.book.cite(hit))


def answer(question: str, brief: Brief, lang: str, retriever: Retriever, variant: int = 0,
           book: CitationBook | None = None) -> FaqItem:
    """A grounded answer to a user's own question, in the brief's register.

    Marks `[n]` number the sources in `book` (pass a draft's book to continue its numbering; its `citations`
    then hold the Citation objects the marks refer to)."""
    c = FaqComposer(brief, lang, retriever, variant, "faq", book=book)
    question = " ".join(question.split())
    stop = set(c.block("answer.stopwords") or [])
    stems = _stems(question, stop, {w.lower() for w in _WORD.findall(brief.ai_tool)})
    parts: list[str] = []
    ids: list[str] = []
    key = _topic(c, question, stems, stop)
    if key is not None:
        item = c.item(key)
        if item is not None:
            parts.append(item.answer)
            ids += item.citations
    known = " ".join(parts).lower()
    own = [i for i in _brief_items(brief)
           if i.lower() not in known and len(stems & _stems(i, stop, set())) >= MIN_OVERLAP][:2]
    if own:
        parts += [c.say("answer.in_plan"), _sentences(own)]
    if not ids:  # a standard topic with its own sources needs no extra passage
        hit = _best_hit(c, f"{question} {brief.ai_tool}", stems, stop)
        text = _passage(c, hit, stems) if hit is not None else ""
        if text:
            parts.append(text)
            c.used.add(hit.card_id)
            ids.append(hit.card_id)
    if not parts:
        parts.append(c.say("answer.unknown"))
    elif brief.contact_person not in " ".join(parts):
        parts.append(c.say("answer.more"))
    answer_text = _join(parts)
    return FaqItem(key=f"custom-{zlib.crc32(question.encode('utf-8')):08x}", question=question, answer=answer_text,
                   citations=list(dict.fromkeys(ids)), custom=True)
