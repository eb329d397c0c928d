"""The FAQ: the questions staff really ask about the AI tool, answered from the brief and the guidance.

`compose` writes the standard set (at least twelve items) chosen by the kind of tool (`Brief.tool_kinds`, or
what the brief suggests, with a notice): a summariser is not asked about customers who want a person. `answer`
answers a user's own question from the brief first (its lines are passages beside the retrieved ones, see
`brief_index`), then the best retrieved passage, or says honestly that the contact person will answer it.

Staff text carries no [n] marks and no advice for the writer: an outside figure is attributed in words (its card
stays in `Draft.citations`, so the grounding check traces the figure), and the guidance behind an answer becomes
a sender's note (`Draft.notes`), as does every plan touchpoint an answer promises ("confirm it in the plan").
Text blocks live in `templates/{lang}/faq.yaml`; the shared machinery is `toolkit.drafting.compose.Composer`.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable

from toolkit.brief import Brief, tool_kinds, tool_kinds_notice
from toolkit.citations import CitationBook, normalise_citations
from toolkit.drafting.brief_index import BriefIndex
from toolkit.drafting.compose import Composer, Retriever, join_list, sentence
from toolkit.drafting.plan import schedule
from toolkit.i18n import format_long_date
from toolkit.models import Draft, FaqItem, Hit, Note, Section
from toolkit.templates import load_template

# Reading order: the worry first, then the why, the what, and the practical questions. Which of them a draft asks
# depends on the tool (`kinds:` per item in the template).
ORDER = ("job", "why_now", "what_ai", "stops", "same", "training", "suggestions", "correct_summary",
         "summary_readers", "scored", "routing_calls", "roster", "monitoring", "human", "handled", "wrong",
         "success", "career", "input", "timeline", "contact")
# The plan's dates an answer may name (slot -> plan touchpoint).
PLAN_SLOTS = {"individual_date": "individual", "group_date": "group", "training_date": "training",
              "follow_up_date": "follow_up_individual_1"}
# The FAQ's overview answers: each lists one whole brief list, and no other answer repeats an entry of it.
OVERVIEW = {"what_ai": "changes", "stops": "stops_doing", "same": "stays_same", "success": "success_measures"}
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


def _rules_out_redundancies(entry: str) -> bool:
    """Whether a brief line rules out redundancies (the promise check's patterns, in any language: the brief's
    lines may be in another language than the draft)."""
    for lang in ("en", "nl", "sv"):
        patterns = load_template(lang, "promises")["promises"]["no_redundancies"]["patterns"]
        if any(re.search(p, entry, re.IGNORECASE) for p in patterns):
            return True
    return False


def _key(entry: str) -> str:
    return " ".join(entry.lower().rstrip(".").split())


def _brief_items(brief: Brief) -> list[str]:
    return [*brief.changes, *brief.stops_doing, *brief.stays_same, *brief.commitments, *brief.success_measures,
            *brief.facts]


class FaqComposer(Composer):
    """Answers per FAQ topic; every answer names only what the brief, the plan or a cited card says."""

    def __init__(self, brief: Brief, lang: str, retriever: Retriever, variant: int, name: str,
                 book: CitationBook | None = None, confirmed: bool = False):
        super().__init__(brief, lang, retriever, variant, name, book=book)
        self.confirmed = confirmed  # the user confirmed the plan: its touchpoints are agreed, no note asks
        self.item_notes: list[Note] = []  # the FAQ's notes, keyed by item (the base's SenderNotes stays empty)
        self.touchpoints: list[str] = []
        self._item = ""  # the item being written, for the notes it leaves
        self._promised: dict[str, list[str]] = {}  # item -> plan touchpoints its answer promises
        self.told: dict[str, str] = {}  # brief entry (normalised) -> the item whose answer states it
        self.situation = "known"  # what the brief says on the item being written: known, open (nothing), ruled_out
        self._see = ""  # the item that already states the entries the item being written would list
        self.plan = schedule(brief.start_date)
        for slot, key in PLAN_SLOTS.items():
            self.slots[slot] = format_long_date(self.plan[key], lang)
            self.derived.append(self.slots[slot])

    def item_block(self, key: str, part: str, **extra: str) -> str:
        """One text block of an item; a block that promises a plan touchpoint remembers it for the item's note."""
        text = self.say(f"items.{key}.{part}", **extra)
        for touchpoint in (self.block(f"items.{key}.touchpoints.{part}") or []) if text else []:
            self._promised.setdefault(key, [])
            if touchpoint not in self._promised[key]:
                self._promised[key].append(touchpoint)
            if touchpoint not in self.touchpoints:
                self.touchpoints.append(touchpoint)
        return text

    def plan_note(self, key: str) -> None:
        """One sender's note for the plan touchpoints an item promises: until the plan is confirmed they are
        the plan's proposal ("This answer promises one-to-one meetings (8 February 2027). Confirm it ...")."""
        promised = self._promised.pop(key, [])
        if not promised or self.confirmed:
            return
        what = [f"{self.block(f'touchpoint_names.{t}') or t} ({format_long_date(self.plan[t], self.lang)})"
                for t in promised]
        self.item_notes.append(Note(section=key, text=self.say("plan_note", what=join_list(what, self.lang)),
                               source="plan"))

    def tell(self, key: str, entries: list[str]) -> None:
        """`key`'s answer states these brief entries: no other answer repeats them."""
        for entry in entries:
            self.told.setdefault(_key(entry), key)

    def fresh(self, entries: list[str]) -> list[str]:
        """The entries no other answer states yet (now told by the item being written). When some were stated
        elsewhere, `_see` names that item, so the answer can point to it instead of repeating."""
        own = [e for e in entries if self.told.get(_key(e), self._item) == self._item]
        elsewhere = [self.told[_key(e)] for e in entries if self.told.get(_key(e), self._item) != self._item]
        self._see = elsewhere[0] if elsewhere and not own else ""
        self.tell(self._item, own)
        return own

    def see_also(self, key: str, fallback: str) -> str:
        """The item's pointer to the answer that already states its brief entries (`told`, with that answer's
        question as {see}), or the `fallback` block when the item has no pointer."""
        if self._see and self.block(f"items.{key}.told"):
            return self.item_block(key, "told", see=self.say(f"items.{self._see}.question").rstrip("?.!"))
        return self.item_block(key, fallback)

    def yes_no(self, question: str) -> bool:
        """Whether a question is answered yes or no: it does not open with a question word."""
        first = _WORD.findall(question.lower())[:1]
        return bool(first) and first[0] not in set(self.block("question_words") or [])

    def applies(self, key: str, kinds: list[str]) -> bool:
        """Whether an item fits the tool: one of its `kinds` is among the brief's."""
        return bool(set(self.block(f"items.{key}.kinds") or []) & set(kinds))

    def topic_query(self, key: str) -> str:
        return self.query(f"items.{key}.query", self.brief.ai_tool)

    def cited_guidance(self, key: str, limit: int = 1) -> tuple[list[str], list[str]]:
        """The guidance behind an answer, as sender's notes: the best-ranked cards among the item's `notes`
        (retrieval selects, the template words the note). Staff text gets nothing, so no sentences, no ids."""
        options = self.block(f"items.{key}.notes") or {}
        chosen = [h for h in self.search(self.topic_query(key)) if h.card_id in options
                  and h.card_id not in self.used][:limit]
        for hit in sorted(chosen, key=lambda h: list(options).index(h.card_id)):
            self.item_notes.append(Note(section=self._item or key, text=self.say(options[hit.card_id],
                                   f"items.{key}.notes.{hit.card_id}"), source=hit.card_id))
            self.used.add(hit.card_id)
        return [], []

    def cited_facts(self, key: str, limit: int = 1) -> tuple[list[str], list[str]]:
        """Research figures for a topic, attributed in words (no [n] mark); the card is cited in the book."""
        listed = self.block(f"items.{key}.facts")
        if listed == []:  # the topic quotes no figure (absent: any figure that fits the topic's query)
            return [], []
        wanted = set(listed or [])
        avoid = set(self.block("avoid_facts") or [])  # figures that alarm rather than explain in a staff text
        sentences, ids = [], []
        for hit in self.search(self.topic_query(key), k=20):
            if len(sentences) >= limit:
                break
            if hit.card_id in avoid or (wanted and hit.card_id not in wanted and not wanted & set(hit.topics)):
                continue
            if hit.kind == "fact" and hit.claim and re.search(r"\d", hit.claim) and hit.card_id not in self.used:
                sentences.append(self.claim(hit))
                self.book.cite(hit)
                self.used.add(hit.card_id)
                ids.append(hit.card_id)
        return sentences, ids

    def claim(self, hit: Hit) -> str:
        """A fact card's figure as a sentence that names its source in words (the template's wording where the
        card's own claim leans on an adviser)."""
        return self.say(f"claims.{hit.card_id}") or sentence(hit.claim)

    # one function per topic: returns (answer parts, cited card ids). A topic lists only brief entries no
    # earlier answer states (`fresh`), and says through `situation` which yes/no lead its answer takes.

    def job(self) -> tuple[list[str], list[str]]:
        b = self.brief
        promised = self.fresh(_matching(b.commitments, self.block("items.job.keywords") or []))
        if any(_rules_out_redundancies(entry) for entry in promised):
            self.situation = "ruled_out"
            parts = [_sentences(promised)]
        elif promised:
            parts = [self.item_block("job", "commitments_lead"), _sentences(promised)]
        else:
            self.situation = "open"
            parts = [self.item_block("job", "undecided")]
        claims, ids = self.cited_facts("job")
        if claims:
            parts += [claims[0], self.item_block("job", "fact_close")]
        parts.append(self.item_block("job", "hear_more"))
        return parts, ids

    def why_now(self) -> tuple[list[str], list[str]]:
        b = self.brief
        parts = [sentence(b.purpose), *(sentence(f) for f in self.fresh(b.facts[:1]))]
        claims, ids = self.cited_facts("why_now")
        return [*parts, *claims, self.item_block("why_now", "start")], ids

    def what_ai(self) -> tuple[list[str], list[str]]:
        """What the tool does: the brief's changes. What stays the same is the `same` answer's, not repeated."""
        b = self.brief
        parts = [self.item_block("what_ai", "does"), _sentences(self.fresh(b.changes))]
        if not b.stays_same:
            parts.append(self.item_block("what_ai", "does_not_unknown"))
        return parts, []

    def stops(self) -> tuple[list[str], list[str]]:
        lines, ids = self.cited_guidance("stops")
        lead = self.item_block("stops", "lead")
        return [f"{lead} {join_list(self.fresh(self.brief.stops_doing), self.lang)}.", *lines], ids

    def same(self) -> tuple[list[str], list[str]]:
        lines, ids = self.cited_guidance("same")
        return [self.item_block("same", "lead"), _sentences(self.fresh(self.brief.stays_same)), *lines], ids

    def training(self) -> tuple[list[str], list[str]]:
        own = self.fresh(_matching(_brief_items(self.brief), self.block("items.training.keywords") or []))
        claims, ids = self.cited_facts("training")
        lines, gids = self.cited_guidance("training")
        return [self.item_block("training", "plan"), _sentences(own), *claims, *lines,
                self.item_block("training", "ask")], ids + gids

    def monitoring(self) -> tuple[list[str], list[str]]:
        b = self.brief
        own = self.fresh(_matching([*b.changes, *b.stays_same, *b.commitments],
                                   self.block("items.monitoring.keywords") or []))
        parts = [self.item_block("monitoring", "open")]
        if own:
            parts += [self.item_block("monitoring", "known"), _sentences(own)]
        parts.append(self.item_block("monitoring", "confirm"))
        return parts, []

    def human(self) -> tuple[list[str], list[str]]:
        own = self.fresh(_matching([*self.brief.changes, *self.brief.stays_same],
                                   self.block("items.human.keywords") or []))
        claims, ids = self.cited_facts("human")
        lines, gids = self.cited_guidance("human")
        parts = [self.item_block("human", "known"), _sentences(own)] if own else [self.see_also("human", "open")]
        return [*parts, *claims, *lines], ids + gids

    def wrong(self) -> tuple[list[str], list[str]]:
        own = self.fresh(_matching(self.brief.changes, self.block("items.wrong.keywords") or []))
        lines, ids = self.cited_guidance("wrong")
        return [self.item_block("wrong", "open"), _sentences(own), self.item_block("wrong", "report"), *lines], ids

    def success(self) -> tuple[list[str], list[str]]:
        b = self.brief
        lines, ids = self.cited_guidance("success", limit=2)
        measures = self.fresh(b.success_measures)
        if measures:
            parts = [self.item_block("success", "lead"), _sentences(measures)]
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

    def _from_brief(self, key: str, items: list[str], opening: str, closing: str) -> list[str]:
        """An answer that names what the brief says on the topic ('known' and its entries), or the item's
        opening when it says nothing (or a pointer to the answer that already says it), then its closing."""
        own = _matching(items, self.block(f"items.{key}.keywords") or [])
        about = self.block(f"items.{key}.about")  # the entry must be about the item's subject too
        own = self.fresh(_matching(own, about) if about else own)
        if not own:
            self.situation = "open"
        parts = [self.item_block(key, "known"), _sentences(own)] if own else [self.see_also(key, opening)]
        return [*parts, self.item_block(key, closing)] if closing else parts

    def handled(self) -> tuple[list[str], list[str]]:
        return self._from_brief("handled", self.brief.changes, "open", "report"), []

    def suggestions(self) -> tuple[list[str], list[str]]:
        b = self.brief
        own = self.fresh(_matching([*b.changes, *b.stays_same], self.block("items.suggestions.keywords") or []))
        parts = [self.item_block("suggestions", "open")]
        if own:
            parts += [self.item_block("suggestions", "known"), _sentences(own)]
        return [*parts, self.item_block("suggestions", "unsure")], []

    def correct_summary(self) -> tuple[list[str], list[str]]:
        return self._from_brief("correct_summary", [*self.brief.changes, *self.brief.stays_same], "open",
                                "report"), []

    def summary_readers(self) -> tuple[list[str], list[str]]:
        b = self.brief
        own = self.fresh(_matching([*b.changes, *b.stays_same, *b.commitments],
                                   self.block("items.summary_readers.keywords") or []))
        parts = [self.item_block("summary_readers", "known"), _sentences(own)] if own else []
        return [*parts, self.item_block("summary_readers", "confirm")], []

    def scored(self) -> tuple[list[str], list[str]]:
        b = self.brief
        own = self.fresh(_matching([*b.changes, *b.stays_same, *b.commitments],
                                   self.block("items.scored.keywords") or []))
        parts = [self.item_block("scored", "open")]
        if own:
            parts += [self.item_block("scored", "known"), _sentences(own)]
        else:
            self.situation = "open"
        return [*parts, self.item_block("scored", "confirm")], []

    def routing_calls(self) -> tuple[list[str], list[str]]:
        return self._from_brief("routing_calls", [*self.brief.changes, *self.brief.stays_same], "open", "report"), []

    def roster(self) -> tuple[list[str], list[str]]:
        return self._from_brief("roster", [*self.brief.changes, *self.brief.stays_same], "open", "report"), []

    def lead(self, key: str, question: str) -> str:
        """The yes or no a yes/no question gets first (`yes_no`, per situation where it depends on the brief:
        `ruled_out`, `known`, `open`); '' for an open question."""
        if not self.yes_no(question):
            return ""
        block = self.block(f"items.{key}.yes_no")
        if isinstance(block, dict) and {"ruled_out", "known", "open"} & set(block):
            return self.item_block(key, f"yes_no.{self.situation}") if self.situation in block else ""
        return self.item_block(key, "yes_no")

    def item(self, key: str) -> FaqItem | None:
        """One standard FAQ item, or None when the brief gives nothing to say (e.g. no stays_same)."""
        if key == "same" and not self.brief.stays_same:
            return None
        build: Callable[[], tuple[list[str], list[str]]] = getattr(self, key)
        self._item, self.situation = key, "known"
        question = self.item_block(key, "question")
        parts, ids = build()
        self.plan_note(key)
        answer = _join([self.lead(key, question), *parts])
        return FaqItem(key=key, question=question, answer=answer, citations=ids)


def compose(brief: Brief, lang: str, retriever: Retriever, variant: int = 0, confirmed: bool = False) -> Draft:
    """The FAQ for a brief: an intro section and at least twelve answered questions that fit the tool (no
    checks). When the brief names no kind of tool, the kinds are inferred and a notice says so."""
    c = FaqComposer(brief, lang, retriever, variant, "faq", confirmed=confirmed)
    kinds, _inferred = tool_kinds(brief)
    keys = [key for key in ORDER if c.applies(key, kinds)]
    for key, field in OVERVIEW.items():  # the overview answers own their lists, whatever is written first
        if key in keys:
            c.tell(key, getattr(brief, field))
    # Topics that need a particular figure pick first; the reading order is ORDER.
    built = {key: c.item(key) for key in dict.fromkeys(k for k in ("career", "job", "human", *keys) if k in keys)}
    items = [built[key] for key in keys if built[key] is not None]
    order = {key: n for n, key in enumerate(keys)}
    intro = Section(key="intro", heading=c.say("intro.heading"), paragraphs=[c.say("intro.text")])
    notice = tool_kinds_notice(brief, lang)
    c.notes.touchpoints.extend(t for t in c.touchpoints if t not in c.notes.touchpoints)
    result = c.draft("faq", c.say("title"), [intro], items=items, notices=[notice] if notice else [])
    result.notes = sorted([*c.item_notes, *result.notes], key=lambda note: order.get(note.section, len(order)))
    return normalise_citations(result)


# --- a user's own question ----------------------------------------------------------------------------------

def _stems(text: str, stop: set[str], skip: set[str]) -> set[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {w[:5] for w in words if len(w) >= 4 and w not in stop and w not in skip and not w.isdigit()}


def _readable_sentences(text: str, title: str = "") -> list[str]:
    """A passage's sentences as a reader would quote them: headings and a title glued to the first sentence
    ("Beleid Notulist Medewerkers mogen …") left out, Markdown marks stripped."""
    out: list[str] = []
    lines = [line.strip().lstrip("#-*> ").strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    for n, line in enumerate(lines):
        if n + 1 < len(lines) and line[-1] not in ".!?:;" and len(line.split()) <= 8:
            continue  # a heading: a short line without closing punctuation, with text after it
        if title and line.lower().startswith(title.lower() + " ") and line[len(title) + 1:][:1].isupper():
            line = line[len(title) + 1:]
        out += [s.strip() for s in _SENTENCE.split(line) if s.strip()]
    return out


def _best_sentence(text: str, stems: set[str], title: str = "") -> str:
    """The passage sentence that shares most words with the question (short enough to quote)."""
    best, best_score = "", 0
    for candidate in _readable_sentences(text, title):
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
    kinds, _inferred = tool_kinds(c.brief)
    scores = {key: sum(1 for w in (c.block(f"items.{key}.match") or []) if f" {w}" in text) for key in ORDER
              if c.applies(key, kinds)}  # a question about a part of the tool this one lacks gets no topic
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


def _passage(c: FaqComposer, hit: Hit, stems: set[str], key: str) -> str:
    """What a retrieved passage contributes to staff text: a fact's claim attributed in words, or a quotation
    from an uploaded document. Shipped guidance is advice for the sender: it becomes a note, never staff text."""
    if hit.kind == "fact" and hit.claim:
        c.book.cite(hit)
        return c.claim(hit)
    if hit.origin != "upload":
        for topic in ORDER:
            options = c.block(f"items.{topic}.notes") or {}
            if hit.card_id in options:
                c.item_notes.append(Note(section=key, text=c.say(options[hit.card_id], f"answer.{hit.card_id}"),
                                    source=hit.card_id))
                break
        return ""
    quote = _best_sentence(hit.text, stems, hit.title)
    if not quote:
        return ""
    c.book.cite(hit)
    return c.say("answer.quote", source=hit.title, quote=quote.rstrip(".!?"))


def answer(question: str, brief: Brief, lang: str, retriever: Retriever, variant: int = 0,
           book: CitationBook | None = None, notes: list[Note] | None = None) -> FaqItem:
    """A grounded answer to a user's own question, in the brief's register, from the brief first.

    The brief's lines are passages beside the retrieved ones: when some answer the question they lead the
    answer. The sources an answer relies on are registered in `book` (pass a draft's book to continue its
    list; its `citations` then hold them) and named in words, with no [n] marks. Guidance that fits the
    question is appended to `notes` (the draft's sender's notes), keyed by the new item."""
    c = FaqComposer(brief, lang, retriever, variant, "faq", book=book)
    question = " ".join(question.split())
    key = f"custom-{zlib.crc32(question.encode('utf-8')):08x}"
    stop = set(c.block("answer.stopwords") or [])
    stems = _stems(question, stop, {w.lower() for w in _WORD.findall(brief.ai_tool)})
    own = [p.text for p in BriefIndex(brief, lang, stop).search(question)]
    parts: list[str] = []
    ids: list[str] = []
    topic = _topic(c, question, stems, stop)
    item = c.item(topic) if topic is not None else None
    if item is not None and own and not all(line.lower() in item.answer.lower() for line in own):
        item = None  # the brief answers first; the topic's general wording would only drift from it
    c.item_notes = [n.model_copy(update={"section": key}) for n in c.item_notes] if item is not None else []
    if item is not None:  # its answer already names the brief's lines that answer the question
        parts.append(item.answer)
        ids += item.citations
    elif own:
        parts += [c.say("answer.in_plan"), _sentences(own)]
    if not ids and not own:  # fused ranking: a retrieved passage only when the brief does not answer
        hit = _best_hit(c, f"{question} {brief.ai_tool}", stems, stop)
        text = _passage(c, hit, stems, key) if hit is not None else ""
        if text:
            parts.append(text)
            c.used.add(hit.card_id)
            ids.append(hit.card_id)
    if not parts:
        parts.append(c.say("answer.unknown"))
    elif brief.contact_person not in " ".join(parts):
        parts.append(c.say("answer.more"))
    if notes is not None:
        notes.extend(c.item_notes)
    return FaqItem(key=key, question=question, answer=_join(parts), citations=list(dict.fromkeys(ids)),
                   custom=True)
