"""Drafting: from a brief and the knowledge base to a checked `Draft`, in nl, sv or en.

Public contract (used by the CLI, the UI and the tests):

    draft(kind, brief, *, retriever, lang=None, variant=0, wave="before", chat_model=None, **context) -> Draft
    regenerate_section(draft, brief, key, *, variant, retriever, chat_model=None, avoid=(), **context) -> Draft
        (a wording of part `key` that differs from the current one and from `avoid`; NoMoreVariants when the
        writer has none left)
    add_question(draft, question, brief, *, retriever, chat_model=None) -> Draft   (FAQ: own question;
        QuestionTooLong beyond MAX_QUESTION characters)

`retriever` is anything with `search(query, lang=None, k=5) -> list[Hit]` (see toolkit.retrieval); drafting never
opens one itself (the CLI and `ui/resources.py` do). `context` is what a kind needs beyond the brief, passed to its
composer as keywords: the follow-up's `summary`, `commitments`, `cannot_do` and `ledger`; the survey's `ledger`.
With `chat_model=None` the offline composer writes; with a LangChain chat model the model writes and the
composer takes over on time-outs and errors, with a notice in `Draft.notices`.
"""

from __future__ import annotations

import importlib
import logging

from toolkit.brief import Brief, quoted_fields, untranslated_notice
from toolkit.citations import (
    MANAGER_KINDS,
    MARK,
    CitationBook,
    normalise_citations,
    remapper,
    strip_marks,
    without_marks,
)
from toolkit.drafting.compose import Retriever
from toolkit.models import DRAFT_KINDS, Citation, Draft, FaqItem, Hit, Note

log = logging.getLogger(__name__)

MAX_QUESTION = 500  # characters in a user's own FAQ question
# How many variants "write this part again" tries before it says none is left: the offline composer picks
# among a few wordings per block, so after this many tries without a new one there is none; a language model
# writes anew on every call, so a few tries suffice (each is a model call).
REWRITE_TRIES = 40
MODEL_REWRITE_TRIES = 3


class NoMoreVariants(LookupError):
    """Every wording the writer has for one part was shown already."""

    def __init__(self, key: str):
        super().__init__(f"no more variants for {key!r}")
        self.key = key


class QuestionTooLong(ValueError):
    """An own question longer than MAX_QUESTION characters: refused whole, never cut."""

    def __init__(self, length: int, limit: int = MAX_QUESTION):
        super().__init__(f"the question is {length} characters long; the limit is {limit}")
        self.length, self.limit = length, limit

# What each artefact asks the knowledge base when a language model writes it.
LLM_QUERIES = {
    "story": "explain the purpose, story with numbers, what people no longer have to do, involvement, follow-up",
    "faq": "staff questions about AI: jobs, training, monitoring, customers who want a human, career, measuring",
    "survey": "pulse survey design, eNPS, survey waves before during after rollout",
    "plan": "communication plan, preferred senders, individual and group meetings, follow-up, workshop",
    "followup": "",  # the follow-up states survey results, not guidance: the model gets no passages
}


def _module(kind: str):
    if kind not in DRAFT_KINDS:
        raise ValueError(f"unknown draft kind {kind!r}; choose one of {', '.join(DRAFT_KINDS)}")
    return importlib.import_module(f"toolkit.drafting.{kind}")


def offline_draft(kind: str, brief: Brief, lang: str, retriever: Retriever, variant: int = 0,
                  wave: str = "before", **context) -> Draft:
    """The offline composer's draft, without checks. `context` goes to the kind's composer (see above)."""
    module = _module(kind)
    if kind == "survey":
        return module.compose(brief, lang, retriever, variant=variant, wave=wave, **context)
    return module.compose(brief, lang, retriever, variant=variant, **context)


def draft(kind: str, brief: Brief, *, lang: str | None = None, variant: int = 0, wave: str = "before",
          retriever: Retriever, chat_model=None, timeout: float | None = None, plan_confirmed: bool = False,
          **context) -> Draft:
    """Draft one artefact, checked. With a chat model the model writes; on failure the composer's draft stands,
    with a notice saying why. `plan_confirmed`: the user confirmed the plan whose touchpoints the draft names
    (no sender's notes then ask to confirm them, and the promise check counts them as agreed)."""
    context = _with_confirmation(kind, context, plan_confirmed)
    return recheck(_write(kind, brief, brief.draft_lang(lang), variant, wave, retriever, chat_model, timeout,
                          context), brief, plan_confirmed=plan_confirmed)


# The kinds whose composers word the plan's touchpoints with notes that ask to confirm them.
CONFIRMABLE: tuple[str, ...] = ("story", "faq", "survey")


def _with_confirmation(kind: str, context: dict, plan_confirmed: bool) -> dict:
    return {**context, "confirmed": plan_confirmed} if kind in CONFIRMABLE and plan_confirmed else context


def _write(kind, brief, lang, variant, wave, retriever, chat_model, timeout, context=None) -> Draft:
    """The draft before checks: the composer's, or the model's with the composer's as fallback. The brief is
    read in the draft's language; brief text the draft quotes in another language is named in a notice."""
    brief = brief.for_lang(lang)
    result = offline_draft(kind, brief, lang, retriever, variant, wave, **(context or {}))
    if chat_model is not None:  # a model marks the passages it used; staff read no marks (see `without_marks`)
        result = without_marks(normalise_citations(_with_model(kind, brief, lang, retriever, chat_model, result,
                                                               timeout)))
    quoted = quoted_fields(brief, result.text)
    if quoted:
        result.notices.insert(0, untranslated_notice(quoted, lang))  # about the brief: before any engine notice
    return result


def _with_model(kind, brief, lang, retriever, chat_model, base: Draft, timeout) -> Draft:
    from toolkit.drafting import llm_writer

    query = f"{brief.ai_tool}. {brief.purpose} {LLM_QUERIES[kind]}"
    passages: list[Hit] = retriever.search(query, lang=lang, k=8) if LLM_QUERIES[kind] else []
    try:
        return llm_writer.write(kind, brief, lang, passages, chat_model, base=base, timeout=_timeout(timeout))
    except llm_writer.LLMWriteError as exc:
        log.warning("language model failed for %s: %s", kind, exc.reason)
        base.notices.append(llm_writer.fallback_notice(exc, lang))
        return base


def _timeout(timeout: float | None) -> float:
    if timeout is not None:
        return timeout
    from toolkit.settings import Settings

    return Settings.from_env().llm_timeout


def recheck(result: Draft, brief: Brief | None, *, plan: Draft | None = None, plan_confirmed: bool = False) -> Draft:
    """Tidy the citation numbering and attach fresh findings and the promises it makes (after drafting or after
    user edits). `plan` and `plan_confirmed`: the project's plan and whether the user confirmed it (see
    `checks.run`)."""
    from toolkit import checks

    result = normalise_citations(result)
    local = brief.for_lang(result.lang) if brief is not None else None
    result.promises = checks.find_promises(result, local, plan)
    result.checks = checks.run(result, local, plan=plan, plan_confirmed=plan_confirmed)
    return result


def part_text(draft: Draft, key: str) -> str:
    """The wording of one section, FAQ answer or survey item, without citation marks (numbers change when
    sources are renumbered; the wording is what a reader compares). '' when the draft has no part `key`."""
    for section in draft.sections:
        if section.key == key:
            text = "\n".join([section.heading, *section.paragraphs, *section.bullets, *section.numbered])
            return " ".join(MARK.sub("", text).split())
    for item in draft.items:
        if item.key == key:
            return " ".join(MARK.sub("", item.answer).split())
    for question in draft.questions:
        if question.key == key:
            return " ".join(question.text.split())
    return ""


def regenerate_section(current: Draft, brief: Brief, key: str, *, variant: int, retriever: Retriever,
                       chat_model=None, timeout: float | None = None, avoid=(), plan_confirmed: bool = False,
                       **context) -> Draft:
    """A copy of `current` where only the section, FAQ item or survey item `key` is written anew.

    Everything else, including the user's edits, stays as it is. The new wording differs from the current
    one and from every wording in `avoid` (earlier ones, e.g. from the version history): variants from
    `variant` on are tried until one does; NoMoreVariants when none is left. KeyError when there is no `key`.
    `context` as for `draft` (a follow-up needs its summary again)."""
    context = _with_confirmation(current.kind, context, plan_confirmed)
    seen = {part_text(current, key), *(" ".join(MARK.sub("", text).split()) for text in avoid)}
    tries = MODEL_REWRITE_TRIES if chat_model is not None else REWRITE_TRIES
    for candidate in range(variant, variant + tries):
        fresh = _write(current.kind, brief, current.lang, candidate, current.wave or "before", retriever,
                       chat_model, timeout, context)  # checked once, below, on the merged result
        result = _merge_part(current, fresh, key)
        if part_text(result, key) not in seen:
            return recheck(result, brief, plan_confirmed=plan_confirmed)
    raise NoMoreVariants(key)


def _merge_part(current: Draft, fresh: Draft, key: str) -> Draft:
    """`current` with part `key` taken from `fresh` (its citation marks renumbered into `current`'s list)."""
    result = current.model_copy(deep=True)
    citations = list(result.citations)
    remap = remapper(fresh.citations, citations)
    replaced = False
    new_section = next((s for s in fresh.sections if s.key == key), None)
    new_item = next((it for it in fresh.items if it.key == key), None)
    new_question = next((q for q in fresh.questions if q.key == key), None)
    for i, section in enumerate(result.sections):
        if section.key == key and new_section is not None:
            result.sections[i] = new_section.model_copy(update={
                "paragraphs": [remap(p) for p in new_section.paragraphs],
                "bullets": [remap(b) for b in new_section.bullets],
                "numbered": [remap(n) for n in new_section.numbered]}, deep=True)
            replaced = True
    for i, item in enumerate(result.items):
        if item.key == key and new_item is not None:
            result.items[i] = new_item.model_copy(update={"answer": remap(new_item.answer)})
            replaced = True
    for i, question in enumerate(result.questions):
        if question.key == key and new_question is not None:
            result.questions[i] = new_question.model_copy()
            replaced = True
    if not replaced:
        raise KeyError(key)
    result.citations = citations
    result.derived = sorted(set(result.derived) | set(fresh.derived))
    result.notices = fresh.notices
    # The sender's notes follow the part they explain: the new part's notes replace the old part's, in place.
    kept = [n for n in result.notes if n.section != key]
    first = next((i for i, n in enumerate(result.notes) if n.section == key), len(kept))
    result.notes = kept[:first] + [n for n in fresh.notes if n.section == key] + kept[first:]
    result.touchpoints = list(dict.fromkeys([*result.touchpoints, *fresh.touchpoints]))
    return result


def add_question(current: Draft, question: str, brief: Brief, *, retriever: Retriever, chat_model=None,
                 timeout: float | None = None) -> Draft:
    """A copy of an FAQ draft with the user's own question added and answered from the brief and the
    knowledge base (cited). With a chat model the model answers; on failure the composer does, with a notice."""
    from toolkit.drafting import faq
    from toolkit.drafting.brief_index import BriefIndex
    from toolkit.text import one_line

    question = one_line(question)
    if not question:
        raise ValueError("empty question")
    if len(question) > MAX_QUESTION:
        raise QuestionTooLong(len(question))
    notice = ""
    if chat_model is not None:
        from toolkit.drafting import llm_writer

        passages = retriever.search(question, lang=current.lang, k=6)
        own = [p.text for p in BriefIndex(brief.for_lang(current.lang), current.lang).search(question, k=3)]
        try:
            item = llm_writer.answer_question(question, brief.for_lang(current.lang), current.lang, passages,
                                              chat_model, timeout=_timeout(timeout), brief_lines=own)
            result = add_faq_item(current, item, llm_writer.item_citations(item, passages), brief)
            if result.kind not in MANAGER_KINDS:  # the new answer keeps its sources in `citations`, not as marks
                result.items[-1].answer = strip_marks(result.items[-1].answer)
            return result
        except llm_writer.LLMWriteError as exc:
            log.warning("language model failed for a question: %s", exc.reason)
            notice = llm_writer.fallback_notice(exc, current.lang, what="answer")
    book = CitationBook(current.citations)
    notes: list[Note] = []
    item = faq.answer(question, brief.for_lang(current.lang), current.lang, retriever, book=book, notes=notes)
    result = current.model_copy(deep=True)
    result.citations = book.citations
    result.notes = [*result.notes, *notes]
    result.items.append(item.model_copy(update={"custom": True, "notice": notice}))
    return recheck(result, brief)


def add_faq_item(current: Draft, item: FaqItem, citations: list[Citation], brief: Brief | None = None) -> Draft:
    """Append a user's question with its answer; `citations` are the sources the answer's [n] marks refer to."""
    result = current.model_copy(deep=True)
    book = list(result.citations)
    remap = remapper(citations, book)
    result.items.append(item.model_copy(update={"answer": remap(item.answer), "custom": True}))
    result.citations = book
    return recheck(result, brief)
