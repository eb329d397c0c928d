"""Drafting: from a brief and the knowledge base to a checked `Draft`, in nl, sv or en.

Public contract (used by the CLI, the UI and the tests):

    draft(kind, brief, *, lang=None, variant=0, wave="before", retriever=None, chat_model=None) -> Draft
    regenerate_section(draft, brief, key, *, variant, retriever=None, chat_model=None) -> Draft
    add_question(draft, question, brief, *, retriever=None, chat_model=None) -> Draft   (FAQ: own question)

`retriever` is anything with `search(query, lang=None, k=5) -> list[Hit]` (see toolkit.retrieval).
With `chat_model=None` the offline composer writes; with a LangChain chat model the model writes and the
composer takes over on time-outs and errors, with a notice in `Draft.notices`.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable
from threading import Lock

from toolkit.brief import Brief
from toolkit.models import DRAFT_KINDS, Citation, Draft, FaqItem, Hit

log = logging.getLogger(__name__)

_MARK = re.compile(r"\[(\d+)\]")
_default_lock = Lock()
_default_retriever = None

# What each artefact asks the knowledge base when a language model writes it.
LLM_QUERIES = {
    "story": "explain the purpose, story with numbers, what people no longer have to do, involvement, follow-up",
    "faq": "staff questions about AI: jobs, training, monitoring, customers who want a human, career, measuring",
    "survey": "pulse survey design, eNPS, survey waves before during after rollout",
    "plan": "communication plan, preferred senders, individual and group meetings, follow-up, workshop",
}


def _module(kind: str):
    if kind not in DRAFT_KINDS:
        raise ValueError(f"unknown draft kind {kind!r}; choose one of {', '.join(DRAFT_KINDS)}")
    return importlib.import_module(f"toolkit.drafting.{kind}")


def default_retriever():
    """The retriever for the current settings, opened (and indexed on first use) once per process."""
    global _default_retriever
    with _default_lock:
        if _default_retriever is None:
            from toolkit.retrieval import Retriever
            from toolkit.settings import Settings

            retriever = Retriever.open(Settings.from_env())
            retriever.ensure_indexed()
            _default_retriever = retriever
        return _default_retriever


def compose(kind: str, brief: Brief, lang: str, retriever, variant: int = 0, wave: str = "before") -> Draft:
    """The offline composer's draft, without checks."""
    module = _module(kind)
    if kind == "survey":
        return module.compose(brief, lang, retriever, variant=variant, wave=wave)
    return module.compose(brief, lang, retriever, variant=variant)


def draft(kind: str, brief: Brief, *, lang: str | None = None, variant: int = 0, wave: str = "before",
          retriever=None, chat_model=None, timeout: float | None = None) -> Draft:
    """Draft one artefact, checked. With a chat model the model writes; on failure the composer's draft stands,
    with a notice saying why."""
    return recheck(_write(kind, brief, brief.draft_lang(lang), variant, wave, retriever, chat_model, timeout),
                   brief)


def _write(kind, brief, lang, variant, wave, retriever, chat_model, timeout) -> Draft:
    """The draft before checks: the composer's, or the model's with the composer's as fallback."""
    retriever = retriever or default_retriever()
    result = compose(kind, brief, lang, retriever, variant, wave)
    if chat_model is not None:
        result = _with_model(kind, brief, lang, retriever, chat_model, result, timeout)
    return result


def _with_model(kind, brief, lang, retriever, chat_model, base: Draft, timeout) -> Draft:
    from toolkit.drafting import llm_writer

    query = f"{brief.ai_tool}. {brief.purpose} {LLM_QUERIES[kind]}"
    passages: list[Hit] = retriever.search(query, lang=lang, k=8)
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


def recheck(result: Draft, brief: Brief | None) -> Draft:
    """Tidy the citation numbering and attach fresh findings (after drafting or after user edits)."""
    from toolkit import checks

    result = normalise_citations(result)
    result.checks = checks.run(result, brief)
    return result


def regenerate_section(current: Draft, brief: Brief, key: str, *, variant: int, retriever=None,
                       chat_model=None, timeout: float | None = None) -> Draft:
    """A copy of `current` where only the section, FAQ item or survey item `key` is written anew.

    Everything else, including the user's edits, stays as it is."""
    fresh = _write(current.kind, brief, current.lang, variant, current.wave or "before", retriever, chat_model,
                   timeout)  # checked once, below, on the merged result
    result = current.model_copy(deep=True)
    citations = list(result.citations)
    remap = _remapper(fresh.citations, citations)
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
    return recheck(result, brief)


def add_question(current: Draft, question: str, brief: Brief, *, retriever=None, chat_model=None,
                 timeout: float | None = None) -> Draft:
    """A copy of an FAQ draft with the user's own question added and answered from the brief and the
    knowledge base (cited). With a chat model the model answers; on failure the composer does, with a notice."""
    from toolkit.drafting import faq
    from toolkit.drafting.common import CitationBook
    from toolkit.text import one_line

    question = one_line(question)[:500]
    if not question:
        raise ValueError("empty question")
    retriever = retriever or default_retriever()
    notice = ""
    if chat_model is not None:
        from toolkit.drafting import llm_writer

        passages = retriever.search(question, lang=current.lang, k=6)
        try:
            item = llm_writer.answer_question(question, brief, current.lang, passages, chat_model,
                                              timeout=_timeout(timeout))
            return add_faq_item(current, item, llm_writer.item_citations(item, passages), brief)
        except llm_writer.LLMWriteError as exc:
            log.warning("language model failed for a question: %s", exc.reason)
            notice = llm_writer.fallback_notice(exc, current.lang, what="answer")
    book = CitationBook()
    book.citations = list(current.citations)
    item = faq.answer(question, brief, current.lang, retriever, book=book)
    result = current.model_copy(deep=True)
    result.citations = book.citations
    result.items.append(item.model_copy(update={"custom": True, "notice": notice}))
    return recheck(result, brief)


def add_faq_item(current: Draft, item: FaqItem, citations: list[Citation], brief: Brief | None = None) -> Draft:
    """Append a user's question with its answer; `citations` are the sources the answer's [n] marks refer to."""
    result = current.model_copy(deep=True)
    book = list(result.citations)
    remap = _remapper(citations, book)
    result.items.append(item.model_copy(update={"answer": remap(item.answer), "custom": True}))
    result.citations = book
    return recheck(result, brief)


def _remapper(source: list[Citation], target: list[Citation]) -> Callable[[str], str]:
    """Rewrite marks numbered against `source` into numbers of `target`, appending citations as needed."""

    def number_in_target(n: int) -> int | None:
        if not 1 <= n <= len(source):
            return None
        wanted = source[n - 1]
        for m, existing in enumerate(target, start=1):
            if existing.id == wanted.id:
                return m
        target.append(wanted)
        return len(target)

    def remap(text: str) -> str:
        def sub(match: re.Match) -> str:
            m = number_in_target(int(match.group(1)))
            return f"[{m}]" if m else ""

        return _MARK.sub(sub, text)

    return remap


def _texts(result: Draft):
    """Every editable text of a draft as (getter, setter) pairs, in reading order."""
    for section in result.sections:
        for attr in ("paragraphs", "bullets", "numbered"):
            values = getattr(section, attr)
            for i in range(len(values)):
                yield (lambda v=values, i=i: v[i]), (lambda s, v=values, i=i: v.__setitem__(i, s))
    for item in result.items:
        yield (lambda it=item: it.answer), (lambda s, it=item: setattr(it, "answer", s))


def normalise_citations(result: Draft) -> Draft:
    """Number citations in order of first use; keep sources a section or item lists without a mark, and drop
    those nothing refers to any more (e.g. after a section was regenerated)."""
    used: list[int] = []
    for get, _set in _texts(result):
        for match in _MARK.finditer(get()):
            n = int(match.group(1))
            if 1 <= n <= len(result.citations) and n not in used:
                used.append(n)
    listed = {cid for part in (*result.sections, *result.items) for cid in part.citations}
    for n, citation in enumerate(result.citations, start=1):
        if n not in used and citation.id in listed:
            used.append(n)
    order = {old: new for new, old in enumerate(used, start=1)}
    result = result.model_copy(deep=True)
    for get, set_ in _texts(result):
        set_(_MARK.sub(lambda m: f"[{order[int(m.group(1))]}]" if int(m.group(1)) in order else "", get()))
    result.citations = [result.citations[old - 1] for old in used]
    _sync_citation_lists(result)
    return result


def _marked_ids(result: Draft, texts) -> list[str]:
    ids: list[str] = []
    for text in texts:
        for match in _MARK.finditer(text):
            cid = result.citations[int(match.group(1)) - 1].id
            if cid not in ids:
                ids.append(cid)
    return ids


def _sync_citation_lists(result: Draft) -> None:
    known = {c.id for c in result.citations}
    for part in (*result.sections, *result.items):
        texts = (part.answer,) if isinstance(part, FaqItem) else (*part.paragraphs, *part.bullets, *part.numbered)
        marked = _marked_ids(result, texts)
        part.citations = marked + [cid for cid in part.citations if cid in known and cid not in marked]
