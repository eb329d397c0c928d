"""Citation marks: the one `[n]` pattern every room uses (drafting, checks, export, the LLM writer).

A mark `[n]` refers to the n-th entry (1-based) of `Draft.citations`. This room also owns the `CitationBook`
composers number their sources in, the renumbering after edits and regeneration (`remapper`,
`normalise_citations`) and the mapping of a language model's passage numbers (`PassageCiter`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from toolkit.models import Citation, Draft, FaqItem, Hit

MARK = re.compile(r"\[(\d+)\]")  # one citation mark; group 1 is the number
MANAGER_KINDS = frozenset({"plan"})  # documents for managers: their text keeps its [n] marks
# A mark that lists several sources ("[1, 2]", "[3-4]"), as a model or a user may write it; group 1 the list.
MARK_LIST = re.compile(r"\[(\d+(?:\s*[,;–-]\s*\d+)*)\]")
MARK_PATTERN = r"\[\d{1,3}\]"  # a mark without groups, to embed in other patterns (e.g. splitting runs)
# A model's reference to the passages it was given: "[2]", "[2, 3]", "[passage 2]", "[bron 1]", "[källa 4]".
PASSAGE_MARKS = re.compile(r"\s*\[\s*(?:passage|passages|bron|källa|source)?\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]", re.I)
_SPACED_MARK = re.compile(r"(\s*)" + MARK.pattern)  # a mark with the space before it, dropped together
_MARK_GROUP = re.compile(r"\s*\[\d+(?:\s*[,;]\s*\d+)*\]")  # "[1]", " [1, 2]": marks with the space before


def strip_marks(text: str) -> str:
    """The text without citation marks (for text that cites nothing, e.g. a survey statement)."""
    return _MARK_GROUP.sub("", text)


def with_mark(text: str, mark: str) -> str:
    """Put a citation mark before the sentence's closing punctuation: 'Sentence [2].'"""
    text = text.rstrip()
    if not mark:
        return text
    if text and text[-1] in ".!?":
        return f"{text[:-1]} {mark}{text[-1]}"
    return f"{text} {mark}."


class CitationBook:
    """Collects the sources a draft cites, numbered in order of first use."""

    def __init__(self, citations: list[Citation] | None = None) -> None:
        self.citations: list[Citation] = list(citations or [])

    def cite(self, hit: Hit) -> str:
        """Register a hit and return its mark, e.g. '[2]'."""
        for n, existing in enumerate(self.citations, start=1):
            if existing.id == hit.card_id:
                return f"[{n}]"
        return self.adopt(Citation(id=hit.card_id, title=hit.title, source=hit.source, year=hit.year,
                                   lang=hit.lang, kind=hit.kind, text=(hit.claim + "\n" + hit.text).strip()))

    def adopt(self, citation: Citation) -> str:
        """Register a citation another draft already made and return its mark here."""
        for n, existing in enumerate(self.citations, start=1):
            if existing.id == citation.id:
                return f"[{n}]"
        self.citations.append(citation)
        return f"[{len(self.citations)}]"


# --- renumbering --------------------------------------------------------------------------------------------

def remapper(source: list[Citation], target: list[Citation], *, keep_unknown: bool = False
             ) -> Callable[[str], str]:
    """Rewrite marks numbered against `source` into numbers of `target`, appending citations as needed.

    A mark that points past `source` is dropped, or left as it is with `keep_unknown` (a user's own text)."""

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
            return f"[{m}]" if m else (match.group(0) if keep_unknown else "")

        return MARK.sub(sub, text)

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
        for match in MARK.finditer(get()):
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
        set_(MARK.sub(lambda m: f"[{order[int(m.group(1))]}]" if int(m.group(1)) in order else "", get()))
    result.citations = [result.citations[old - 1] for old in used]
    _sync_citation_lists(result)
    return result


def without_marks(result: Draft) -> Draft:
    """Staff text carries no [n] marks, whichever engine wrote it (a model marks the passages it used): the
    marks go, each part keeps the sources they named in its `citations`, so the source list of the review
    edition and the grounding check still see them. Call it after `normalise_citations`. A document for
    managers (`MANAGER_KINDS`) keeps its marks."""
    if result.kind in MANAGER_KINDS:
        return result
    result = result.model_copy(deep=True)
    for get, set_ in _texts(result):
        set_(strip_marks(get()))
    for question in result.questions:
        question.text = strip_marks(question.text)
    result.survey_intro = strip_marks(result.survey_intro)
    return result


def _marked_ids(result: Draft, texts) -> list[str]:
    ids: list[str] = []
    for text in texts:
        for match in MARK.finditer(text):
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


# --- a language model's passage numbers ---------------------------------------------------------------------

class PassageCiter:
    """Turns a model's passage numbers into the draft's citation numbers (in order of first use)."""

    def __init__(self, passages: list[Hit], book: CitationBook | None = None):
        self.passages = passages
        self.book = book or CitationBook()
        self.dropped: list[int] = []

    def mark(self, n: int) -> str:
        """The citation mark for passage `n` (1-based), or '' (remembered in `dropped`) when there is none."""
        if 1 <= n <= len(self.passages):
            return self.book.cite(self.passages[n - 1])
        self.dropped.append(n)
        return ""

    def adopt(self, citation: Citation) -> str:
        """Cite a source of the composer's draft (for a part the model left out)."""
        return self.book.adopt(citation)

    def rewrite(self, text: str) -> str:
        """Replace passage marks with citation marks; marks for passages that do not exist are removed."""
        def sub(match: re.Match) -> str:
            marks = "".join(self.mark(int(n)) for n in re.findall(r"\d+", match.group(1)))
            return f" {marks}" if marks else ""
        return PASSAGE_MARKS.sub(sub, text).strip()

    def ids(self, texts: list[str], sources: list[int]) -> list[str]:
        """Citation ids used by some texts (already rewritten) plus the passages listed as sources."""
        for n in sources:
            self.mark(n)
        ids = [self.book.citations[int(m) - 1].id for t in texts for m in MARK.findall(t)]
        ids += [self.passages[n - 1].card_id for n in sources if 1 <= n <= len(self.passages)]
        return list(dict.fromkeys(ids))

    def carry(self, text: str, base: Draft) -> str:
        """A text of the composer's draft, renumbered into this book."""
        def sub(match: re.Match) -> str:
            n = int(match.group(2))
            return match.group(1) + self.adopt(base.citations[n - 1]) if 1 <= n <= len(base.citations) else ""
        return _SPACED_MARK.sub(sub, text)
