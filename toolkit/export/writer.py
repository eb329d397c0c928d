"""The writer every layout uses: styles, paragraphs, headings, lists, tables, sources and the findings appendix.

Every string passes `clean_text` first, so an export never fails on user text; `**bold**` spans become bold and
`[n]` marks link to source n. What goes where for one kind of draft is that kind's layout (`toolkit.export.layout`).

Two editions (`EDITIONS`): "review" carries the sender's notes as Word comments on the part they explain and lists
the sources; "ready" is what staff receive: no comments, no [n] marks, no source list. Documents for managers
(`MANAGER_KINDS`: the plan) keep their marks and sources in both.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import date

from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from toolkit.citations import MANAGER_KINDS, MARK_PATTERN, strip_marks
from toolkit.export.reference import copy_default_style
from toolkit.export.wordxml import (
    Numbering,
    add_run,
    bookmark_name,
    finish_rows,
    has_style,
    repeat_header,
    set_widths,
    table_borders,
    usable_width,
    valign,
)
from toolkit.i18n import format_long_date, translator
from toolkit.models import Citation, Draft, Finding, Note
from toolkit.text import clean_text, one_line

_MARK = re.compile(rf"(\*\*[^*\n]+?\*\*|{MARK_PATTERN})")  # bold runs and citation marks
_BULLET_LINE = re.compile(r"^\s*[-*\u2022]\s+(.*)$")
_LONG_DATE = re.compile(r"\b\d{1,2} [^\W\d]+ \d{4}\b")  # "8 februari 2027": a plan date a note may name
_FIGURE = re.compile(r"(?<![\d.,])\d{2,3}(?![\d.,]?\d)")  # "70" in "70 procent": the figure a fact note is about
EDITIONS: tuple[str, ...] = ("review", "ready")
_NUMBER_LINE = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_SUBJECTS = {
    "story": "Purpose story",
    "faq": "Frequently asked questions",
    "survey": "Pulse survey",
    "plan": "Communication plan and workshop",
    "followup": "Follow-up message",
}
_CHECK_NAMES = {
    "language": "Language",
    "register": "Form of address",
    "readability": "Readability",
    "grounding": "Grounding",
    "survey": "Survey items",
}
_SEVERITIES = {"info": "Information", "warning": "Warning", "error": "Error"}
# Where a reference lacks a style and the default reference cannot supply it either.
_STYLE_FALLBACKS = {
    "List Bullet": "List Paragraph",
    "List Number": "List Paragraph",
    "Bibliography": "Normal",
    "Table Text": "Normal",
    "Table Heading": "Table Text",
    "Toolkit Table": "Table Grid",
}


def subject(kind: str, lang: str) -> str:
    """The artefact's name in `lang` ("Purpose story", "Pulse survey", ...), used as the document subject."""
    return translator(lang)(_SUBJECTS.get(kind, kind))


def document_title(draft: Draft) -> str:
    """The draft's title, else the artefact's name in the draft's language."""
    return one_line(draft.title) or subject(draft.kind, draft.lang)


def document_subtitle(draft: Draft) -> str:
    """The draft's own subtitle, else organisation · AI tool · long date in the draft's locale."""
    if one_line(draft.subtitle):
        return one_line(draft.subtitle)
    parts = [one_line(draft.organisation), one_line(draft.ai_tool), long_date(draft.date, draft.lang)]
    return " \u00b7 ".join(part for part in parts if part)


def long_date(value: str, lang: str) -> str:
    """An ISO date written out in `lang` ("1 maart 2026"); any other value as it is."""
    value = one_line(value)
    try:
        return format_long_date(date.fromisoformat(value), lang)
    except ValueError:
        return value


class Writer:
    """Writes one draft into an emptied reference document."""

    def __init__(self, doc: DocxDocument, draft: Draft, edition: str = "review") -> None:
        if edition not in EDITIONS:
            raise ValueError(f"unknown edition {edition!r}; choose one of {', '.join(EDITIONS)}")
        self.doc = doc
        self.draft = draft
        self.edition = edition
        # The ready edition of a staff document: no marks, no sources (a figure names its source in words).
        self.clean = edition == "ready" and draft.kind not in MANAGER_KINDS
        self.parts: dict[str, list[Paragraph]] = {}  # section, item or question key -> its paragraphs
        self._ = translator(draft.lang)
        self.numbering = Numbering(doc)
        self.styles: dict[str, str | None] = {}
        self.citations = len(draft.citations)
        self.text_width = usable_width(doc)
        self.sect_pr = doc.element.body.find(qn("w:sectPr"))

    # -- entry point

    def write(self, layout: Callable[[Writer], None], include_findings: bool) -> None:
        """Title and subtitle, then the kind's `layout` (see `toolkit.export.layout`), then sources and findings."""
        self.paragraph(document_title(self.draft), "Title")
        subtitle = document_subtitle(self.draft)
        if subtitle:
            self.paragraph(subtitle, "Subtitle")
        self.title_paragraph = self.doc.paragraphs[0] if self.doc.paragraphs else None
        layout(self)
        if self.edition == "review":
            self.comments()
        if not self.clean:
            self.sources()
        if include_findings:
            self.findings(self.draft.checks, self.draft.notices)

    # -- styles and basic blocks

    def style(self, name: str) -> str | None:
        """`name` if the document has (or can get) it, else its fallback, else None (the default style)."""
        if name not in self.styles:
            self.styles[name] = self._resolve_style(name)
        return self.styles[name]

    def _resolve_style(self, name: str) -> str | None:
        if has_style(self.doc, name) or copy_default_style(self.doc, name):
            return name
        fallback = _STYLE_FALLBACKS.get(name)
        if fallback:
            return self.style(fallback)
        return None if name == "Normal" else self.style("Normal")

    def style_id(self, name: str) -> str | None:
        """The style id to write into w:pStyle (looked up once; python-docx would search on every paragraph)."""
        key = "id:" + name
        if key not in self.styles:
            resolved = self.style(name)
            self.styles[key] = self.doc.styles[resolved].style_id if resolved else None
        return self.styles[key]

    def apply_style(self, paragraph: Paragraph, name: str) -> None:
        """Give the paragraph style `name` (or its fallback)."""
        style_id = self.style_id(name)
        if style_id:
            paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = style_id

    def new_paragraph(self, style: str = "Normal", container=None) -> Paragraph:
        """An empty paragraph at the end of the body, or of `container` (a table cell)."""
        if container is None:
            # Insert before the body's sectPr ourselves: python-docx searches the whole body for it every time.
            element = OxmlElement("w:p")
            if self.sect_pr is not None:
                self.sect_pr.addprevious(element)
            else:
                self.doc.element.body.append(element)
            paragraph = Paragraph(element, self.doc._body)
        else:
            paragraph = container.add_paragraph()
        if style != "Normal":
            self.apply_style(paragraph, style)
        return paragraph

    def paragraph(self, text: str, style: str = "Normal", container=None) -> Paragraph:
        """A paragraph with `text` (bold spans and citation links included)."""
        paragraph = self.new_paragraph(style, container)
        self.runs(paragraph, text)
        return paragraph

    def heading(self, text: str, level: int = 1) -> Paragraph | None:
        """A heading; bold and kept with the next paragraph when the reference lacks the heading style."""
        text = one_line(text)
        if not text:
            return None
        paragraph = self.new_paragraph(f"Heading {level}")
        add_run(paragraph._p, text)
        if self.style(f"Heading {level}") != f"Heading {level}":
            paragraph.runs[0].bold = True
            paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def runs(self, paragraph: Paragraph, text: str, bold: bool = False) -> None:
        """Add `text` as runs: **bold** spans become bold, [n] marks link to source n (and go in a clean
        edition)."""
        text = clean_text(text).strip()
        if self.clean:
            text = strip_marks(text)
        for piece in _MARK.split(text):
            if not piece:
                continue
            if piece.startswith("**") and piece.endswith("**") and len(piece) > 4:
                add_run(paragraph._p, piece[2:-2], bold=True)
            elif piece.startswith("[") and self._is_citation(piece):
                self._citation_link(paragraph, piece)
            else:
                add_run(paragraph._p, piece, bold=bold)

    def _is_citation(self, mark: str) -> bool:
        return mark[1:-1].isdigit() and 1 <= int(mark[1:-1]) <= self.citations

    def _citation_link(self, paragraph: Paragraph, mark: str) -> None:
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), bookmark_name(int(mark[1:-1])))
        link.set(qn("w:history"), "1")
        paragraph._p.append(link)
        add_run(link, mark)

    def block(self, text: str) -> None:
        """Free text: blank lines separate paragraphs; runs of "- " lines become a bulleted and of "1. " lines a
        numbered list, also when they follow a sentence directly."""
        for chunk in re.split(r"\n\s*\n", clean_text(text).strip()):
            lines = [line for line in chunk.split("\n") if line.strip()]
            for kind, run in itertools.groupby(lines, key=_line_kind):
                run = list(run)
                if kind == "bullet":
                    self.list_items([_BULLET_LINE.match(line).group(1) for line in run], ordered=False)
                elif kind == "number" and len(run) > 1:
                    self.list_items([_NUMBER_LINE.match(line).group(1) for line in run], ordered=True)
                else:
                    self.paragraph("\n".join(line.strip() for line in run))

    def list_items(self, items: list[str], ordered: bool) -> None:
        """A bulleted or numbered list of its own (a numbered one starts at 1)."""
        items = [item for item in items if clean_text(item).strip()]
        if not items:
            return
        num_id = self.numbering.new_list(ordered)
        style = "List Number" if ordered else "List Bullet"
        for item in items:
            paragraph = self.paragraph(item, style)
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = num_id

    def sections(self) -> None:
        """Every section: heading, paragraphs, bullets, numbered steps (remembered as the section's part)."""
        for section in self.draft.sections:
            with self.part(section.key):
                self.heading(section.heading, 1)
                for text in section.paragraphs:
                    self.block(text)
                self.list_items(section.bullets, ordered=False)
                self.list_items(section.numbered, ordered=True)

    def part(self, key: str) -> _Part:
        """`with w.part(key): ...`: the paragraphs written inside belong to the section, item or question `key`
        (a sender's note on `key` is anchored there)."""
        return _Part(self, key)

    # -- the sender's notes

    def comments(self) -> None:
        """Each sender's note as a Word comment on the paragraph it explains (review edition)."""
        _ = self._
        titles = {c.id: one_line(c.title) for c in self.draft.citations}
        for note in self.draft.notes:
            anchor = self._anchor(note)
            text = one_line(clean_text(note.text))
            if anchor is None or not text:
                continue
            if titles.get(note.source):
                text += " " + _("Source: {title}", title=titles[note.source])
            self.doc.add_comment(anchor.runs, text=text, author=_("Note for the sender"), initials="N")

    def _anchor(self, note: Note) -> Paragraph | None:
        """The paragraph a note explains: in its part, the one naming the plan date the note names, or stating
        the figure of the fact card the note rests on; else the part's first paragraph (its heading); the title
        when the part is not in the document."""
        paragraphs = [p for p in self.parts.get(note.section, []) if p.runs]
        dates = set(_LONG_DATE.findall(note.text))
        figures = self._figures(note.source)
        for paragraph in paragraphs:
            if dates & set(_LONG_DATE.findall(paragraph.text)) or figures & set(_FIGURE.findall(paragraph.text)):
                return paragraph
        if paragraphs:
            return paragraphs[0]
        return self.title_paragraph if self.title_paragraph is not None and self.title_paragraph.runs else None


    # -- tables

    def table(self, header: list[str], widths: list[int]) -> Table:
        """A table with a repeated header row and fixed column widths (twips)."""
        table = self.doc.add_table(rows=1, cols=len(header))
        style = self.style("Toolkit Table")
        if style:
            table.style = self.doc.styles[style]
        else:
            table_borders(table)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        set_widths(table, widths)
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            self.cell_text(cell, text, style="Table Heading", bold=True)
            valign(cell)
        repeat_header(table.rows[0])
        return table

    def cell_text(self, cell: _Cell, text: str, style: str = "Table Text", bold: bool = False) -> None:
        """Write `text` into the cell's first paragraph."""
        paragraph = cell.paragraphs[0]
        self.apply_style(paragraph, style)
        self.runs(paragraph, text, bold=bold)

    # -- end matter

    def _figures(self, source: str) -> set[str]:
        """The figures of a fact card's claim (its first line), to find the paragraph that states them."""
        citation = next((c for c in self.draft.citations if c.id == source and c.kind == "fact"), None)
        return set(_FIGURE.findall(citation.text.split("\n", 1)[0])) if citation else set()

    def body_length(self) -> int:
        """How many blocks (paragraphs, tables) the body holds, the closing sectPr not counted."""
        return len(self.doc.element.body) - (1 if self.sect_pr is not None else 0)

    def paragraphs_between(self, start: int, end: int) -> list[Paragraph]:
        """The paragraphs of body blocks `start` to `end`, those inside tables included."""
        found: list[Paragraph] = []
        for element in list(self.doc.element.body)[start:end]:
            if element.tag == qn("w:p"):
                found.append(Paragraph(element, self.doc._body))
            elif element.tag == qn("w:tbl"):
                found.extend(Paragraph(p, self.doc._body) for p in element.iter(qn("w:p")))
        return found

    def sources(self) -> None:
        """The numbered source list, each entry a bookmark the `[n]` marks link to."""
        if not self.draft.citations:
            return
        self.heading(self._("Sources"), 1)
        last = len(self.draft.citations)
        for number, citation in enumerate(self.draft.citations, start=1):
            paragraph = self.new_paragraph("Bibliography")
            # One block with its heading: a page never holds just the last line or two of the list.
            paragraph.paragraph_format.keep_together = True
            paragraph.paragraph_format.keep_with_next = number < last
            start = OxmlElement("w:bookmarkStart")
            start.set(qn("w:id"), str(9000 + number))
            start.set(qn("w:name"), bookmark_name(number))
            paragraph._p.append(start)
            paragraph.add_run(f"[{number}]\t")
            self.runs(paragraph, _source_line(citation))
            end = OxmlElement("w:bookmarkEnd")
            end.set(qn("w:id"), str(9000 + number))
            paragraph._p.append(end)

    def findings(self, findings: list[Finding], notices: list[str]) -> None:
        """The appendix for the author: notices, then one table row per finding."""
        _ = self._
        heading = self.heading(_("Appendix: quality checks"), 1)
        heading.paragraph_format.page_break_before = True
        self.paragraph(_("These checks were run on the draft. They are for the author and are not part of "
                         "the message to staff."))
        self.list_items(notices, ordered=False)
        if not findings:
            self.paragraph(_("No findings."))
            return
        widths = [int(self.text_width * 0.24), int(self.text_width * 0.46), 0]
        widths[2] = self.text_width - widths[0] - widths[1]
        table = self.table([_("Check"), _("Finding"), _("How to fix")], widths)
        for finding in findings:
            self.finding_row(table, finding)
        finish_rows(table)

    def finding_row(self, table: Table, finding: Finding) -> None:
        """One finding: check and severity, message and where, how to fix."""
        _ = self._
        cells = table.add_row().cells
        self.cell_text(cells[0], _(_CHECK_NAMES.get(finding.check, finding.check)), bold=True)
        status = _(_SEVERITIES.get(finding.severity, finding.severity))
        if finding.score is not None:
            status += " \u00b7 " + _("score {score}", score=f"{finding.score:.0f}")
        self.paragraph(status, "Table Text", container=cells[0])
        self.cell_text(cells[1], finding.message)
        if one_line(finding.where):
            self.paragraph(_("Where: {where}", where=one_line(finding.where)), "Table Text", container=cells[1])
        self.cell_text(cells[2], finding.fix)


class _Part:
    """Collects the paragraphs written inside a `with` block as one part of the document (see `Writer.part`)."""

    def __init__(self, writer: Writer, key: str) -> None:
        self.writer, self.key = writer, key

    def __enter__(self) -> _Part:
        self.start = self.writer.body_length()
        return self

    def __exit__(self, *exc) -> None:
        written = self.writer.paragraphs_between(self.start, self.writer.body_length())
        self.writer.parts.setdefault(self.key, []).extend(written)


def _line_kind(line: str) -> str:
    if _BULLET_LINE.match(line):
        return "bullet"
    return "number" if _NUMBER_LINE.match(line) else "text"


def _source_line(citation: Citation) -> str:
    title = one_line(citation.title)
    publisher = one_line(citation.source)
    line = f"{title}." if title and not title.endswith((".", "?", "!")) else title
    tail = ", ".join(part for part in (publisher, str(citation.year) if citation.year else "") if part)
    return f"{line} {tail}.".strip() if tail else line
