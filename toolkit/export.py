"""Draft -> Word document (python-docx) and survey -> CSV.

Every document starts from a reference .docx: `templates/reference.docx` (built by
`scripts/make_reference_docx.py`) or a user's branded file. Its body is emptied; its styles, page set-up, header and
footer stay. Styles the reference lacks are copied from the default reference (or fall back to Normal), lists are
numbered through our own numbering definitions (one per list, so every numbered list restarts at 1), and every string
passes `clean_text` first: an export never fails on user text.
"""

from __future__ import annotations

import copy
import csv
import io
import itertools
import re
import zipfile
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.numbering import NumberingPart
from docx.shared import Pt, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from toolkit.i18n import WORD_LANG, format_long_date, normalise_lang, translator
from toolkit.models import Citation, Draft, Finding, SurveyQuestion
from toolkit.settings import TEMPLATES_DIR
from toolkit.text import clean_text, one_line

REFERENCE_PATH = TEMPLATES_DIR / "reference.docx"
MAX_REFERENCE_BYTES = 20 * 1024 * 1024
_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
_CORE_PROP_LIMIT = 255  # python-docx refuses longer core-property values
_DEFAULT_TEXT_WIDTH = 9070  # twips: A4 with 2.5 cm margins
BOX = "\u2610"  # ☐, a box to tick
CSV_COLUMNS = ("text", "type", "options", "dimension", "dimension_label")

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_DOTX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_MARK = re.compile(r"(\*\*[^*\n]+?\*\*|\[\d{1,3}\])")
_BULLET_LINE = re.compile(r"^\s*[-*\u2022]\s+(.*)$")
_NUMBER_LINE = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_SUBJECTS = {
    "story": "Purpose story",
    "faq": "Frequently asked questions",
    "survey": "Pulse survey",
    "plan": "Communication plan and workshop",
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


class _NotWord(Exception):
    """The bytes are not a Word document (another zip, a text file, a macro-enabled file)."""


# --------------------------------------------------------------------------------------------------- public API


def to_docx(draft: Draft, *, reference: bytes | None = None, include_findings: bool = False,
            author: str = "") -> bytes:
    """Render a draft as a .docx and return its bytes.

    `reference` is a user's branded .docx (its styles, header and footer are used); when it is missing or
    unusable the default `templates/reference.docx` is used. `include_findings` adds an appendix with the quality
    findings. `author` goes into the core properties (empty when not given).
    """
    doc = _open_base(reference)
    writer = _Writer(doc, draft)
    writer.write(include_findings=include_findings)
    _set_language(doc, WORD_LANG[normalise_lang(draft.lang)])
    _set_core_properties(doc, draft, author)
    _fill_header_placeholders(doc, _title(draft))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def write_docx(draft: Draft, path: str | Path, **kwargs) -> Path:
    """Write `to_docx(draft, **kwargs)` to `path` (and nowhere else); return the path."""
    path = Path(path)
    path.write_bytes(to_docx(draft, **kwargs))
    return path


def load_reference(data: bytes, lang: str) -> tuple[bytes | None, str | None]:
    """Check a user-supplied branded .docx (or .dotx).

    Returns `(bytes, None)` when it can serve as the reference (a .dotx comes back as .docx), or
    `(None, message)` with a message in `lang` when it cannot; the caller then uses the default layout.
    """
    _ = translator(lang)
    if not data:
        return None, _("The file is empty, so the default layout is used.")
    if len(data) > MAX_REFERENCE_BYTES:
        return None, _("This Word file is too large (at most {n} MB), so the default layout is used.",
                       n=MAX_REFERENCE_BYTES // (1024 * 1024))
    try:
        data = _as_docx_bytes(data)
        Document(io.BytesIO(data))
    except _NotWord:
        return None, _("This file is not a Word document (.docx), so the default layout is used.")
    except Exception:  # noqa: BLE001 - any parser error means the same to the user: the file is damaged
        return None, _("This Word file cannot be read (it may be damaged), so the default layout is used.")
    return data, None


def survey_csv(draft: Draft, *, delimiter: str = ",") -> bytes:
    """The survey's questions as CSV (UTF-8 with BOM, for Excel) with stable English column names.

    Columns: text, type, options (joined with " | "), dimension, dimension_label. Cells that a spreadsheet
    would read as a formula get a leading apostrophe.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for question in draft.questions:
        options = " | ".join(one_line(option) for option in question.options)
        row = (one_line(question.text), question.type, options, one_line(question.dimension),
               one_line(question.dimension_label))
        writer.writerow([_csv_safe(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def subject(kind: str, lang: str) -> str:
    """The artefact's name in `lang` ("Purpose story", "Pulse survey", ...), used as the document subject."""
    return translator(lang)(_SUBJECTS.get(kind, kind))


# ------------------------------------------------------------------------------------------- opening the base


@cache
def _default_reference_bytes() -> bytes | None:
    try:
        return REFERENCE_PATH.read_bytes()
    except OSError:
        return None


@cache
def _default_styles_xml() -> bytes | None:
    """The default reference's styles part, to copy styles a branded reference lacks."""
    data = _default_reference_bytes()
    if data is None:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read("word/styles.xml")
    except (KeyError, zipfile.BadZipFile):
        return None


def _open_base(reference: bytes | None) -> DocxDocument:
    """The reference document with an empty body; a broken reference silently gives the default."""
    doc = None
    if reference:
        try:
            doc = Document(io.BytesIO(_as_docx_bytes(reference)))
        except Exception:  # noqa: BLE001 - an unusable reference must never stop an export
            doc = None
    if doc is None:
        default = _default_reference_bytes()
        doc = Document(io.BytesIO(default)) if default else Document()
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


def _as_docx_bytes(data: bytes) -> bytes:
    """Return Word-document bytes: a .docx unchanged, a .dotx with its content type turned into a document's."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _NotWord
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > _MAX_UNZIPPED_BYTES:
            raise _NotWord
        try:
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
        except KeyError as error:
            raise _NotWord from error
        if _DOCX_MAIN in types:
            return data
        if _DOTX_MAIN not in types:
            raise _NotWord
        return _rewrite_content_types(archive, types.replace(_DOTX_MAIN, _DOCX_MAIN))


def _rewrite_content_types(archive: zipfile.ZipFile, types: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in archive.infolist():
            payload = types.encode("utf-8") if info.filename == "[Content_Types].xml" else archive.read(info)
            target.writestr(info, payload)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------- properties


def _title(draft: Draft) -> str:
    return one_line(draft.title) or subject(draft.kind, draft.lang)


def _subtitle(draft: Draft) -> str:
    """The draft's own subtitle, else organisation · AI tool · long date in the draft's locale."""
    if one_line(draft.subtitle):
        return one_line(draft.subtitle)
    parts = [one_line(draft.organisation), one_line(draft.ai_tool), _long_date(draft.date, draft.lang)]
    return " \u00b7 ".join(part for part in parts if part)


def _long_date(value: str, lang: str) -> str:
    value = one_line(value)
    try:
        return format_long_date(date.fromisoformat(value), lang)
    except ValueError:
        return value


def _limit(value: str) -> str:
    return one_line(value)[:_CORE_PROP_LIMIT]


def _set_core_properties(doc: DocxDocument, draft: Draft, author: str) -> None:
    """Title, subject, author, keywords and language; everything the reference carried is replaced."""
    _ = translator(draft.lang)
    props = doc.core_properties
    kind_name = subject(draft.kind, draft.lang)
    keywords = [kind_name, one_line(draft.organisation), one_line(draft.ai_tool), "AI", _("change communication")]
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props.title = _limit(_title(draft))
    props.subject = _limit(kind_name)
    props.author = _limit(author)
    props.last_modified_by = _limit(author)
    props.keywords = _limit("; ".join(word for word in keywords if word))
    props.language = WORD_LANG[normalise_lang(draft.lang)]
    props.comments = ""
    props.category = ""
    props.content_status = ""
    props.identifier = ""
    props.version = ""
    props.revision = 1
    props.created = now
    props.modified = now


def _set_language(doc: DocxDocument, tag: str) -> None:
    """Set the proofing language on the document defaults, the Normal style and every style that names one."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)  # rPrDefault comes before pPrDefault
    _set_lang_on(_child(rpr_default, "w:rPr"), tag)
    if _has_style(doc, "Normal"):
        _set_lang_on(doc.styles["Normal"].element.get_or_add_rPr(), tag)
    for lang in styles.iter(qn("w:lang")):
        if lang.get(qn("w:val")) is not None:
            lang.set(qn("w:val"), tag)
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), tag)


def _child(parent, tag: str):
    """The first child `tag` of `parent`, created (appended) when missing."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.append(found)
    return found


def _set_lang_on(rpr, tag: str) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)  # w:lang sits late in rPr's sequence, so appending keeps the schema order in practice
    lang.set(qn("w:val"), tag)


def _fill_header_placeholders(doc: DocxDocument, title: str) -> None:
    """Replace `{title}` in headers and footers (the default reference uses it; a branded file may too)."""
    for section in doc.sections:
        for part in (section.header, section.first_page_header, section.even_page_header,
                     section.footer, section.first_page_footer, section.even_page_footer):
            if part.is_linked_to_previous:
                continue
            for paragraph in part.paragraphs:
                if "{title}" in paragraph.text:
                    _replace_in_paragraph(paragraph, "{title}", title)


def _replace_in_paragraph(paragraph: Paragraph, placeholder: str, value: str) -> None:
    runs = paragraph.runs
    text = paragraph.text.replace(placeholder, value)
    if not runs:
        return
    runs[0].text = text
    for run in runs[1:]:
        run._r.getparent().remove(run._r)


def _has_style(doc: DocxDocument, name: str) -> bool:
    try:
        doc.styles[name]
    except KeyError:
        return False
    return True


# ---------------------------------------------------------------------------------------------------- numbering


def abstract_num_xml(abstract_id: int, ordered: bool) -> str:
    """A one-level list definition: a bullet or "1." with a hanging indent. Used here and by the reference."""
    if ordered:
        fmt, text, font = "decimal", "%1.", ""
    else:
        fmt, text, font = "bullet", "\u2022", '<w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri"/></w:rPr>'
    return (
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        '<w:multiLevelType w:val="singleLevel"/>'
        f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="425" w:hanging="425"/></w:pPr>'
        f"{font}</w:lvl></w:abstractNum>"
    )


class _Numbering:
    """Our own list definitions in the document's numbering part; a fresh `w:num` (restarting at 1) per list."""

    def __init__(self, doc: DocxDocument) -> None:
        self.root = _numbering_root(doc)
        abstract_ids = [int(el.get(qn("w:abstractNumId"))) for el in self.root.findall(qn("w:abstractNum"))]
        self.next_abstract = max(abstract_ids, default=-1) + 1
        num_ids = [int(el.get(qn("w:numId"))) for el in self.root.findall(qn("w:num"))]
        self.next_num = max(num_ids, default=0) + 1
        self.abstract = {True: self._add_abstract(True), False: self._add_abstract(False)}

    def _add_abstract(self, ordered: bool) -> int:
        abstract_id = self.next_abstract
        self.next_abstract += 1
        element = parse_xml(abstract_num_xml(abstract_id, ordered))
        existing = self.root.findall(qn("w:abstractNum"))
        if existing:
            existing[-1].addnext(element)
        else:
            self.root.insert(0, element)  # abstractNum elements must precede num elements
        return abstract_id

    def new_list(self, ordered: bool) -> int:
        """A new list instance; numbered lists get a startOverride so they restart at 1."""
        num_id = self.next_num
        self.next_num += 1
        override = ('<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>' if ordered else "")
        self.root.append(parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{self.abstract[ordered]}"/>'
            f"{override}</w:num>"
        ))
        return num_id


def _numbering_root(doc: DocxDocument):
    """The numbering part's root element, creating the part when the reference has none."""
    try:
        return doc.part.part_related_by(RT.NUMBERING).element
    except KeyError:
        pass
    element = parse_xml(f"<w:numbering {nsdecls('w')}/>")
    part = NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, element, doc.part.package)
    doc.part.relate_to(part, RT.NUMBERING)
    return element


# ------------------------------------------------------------------------------------------------------ writer


class _Writer:
    """Writes one draft into an emptied reference document."""

    def __init__(self, doc: DocxDocument, draft: Draft) -> None:
        self.doc = doc
        self.draft = draft
        self._ = translator(draft.lang)
        self.numbering = _Numbering(doc)
        self.styles: dict[str, str | None] = {}
        self.citations = len(draft.citations)
        self.text_width = _text_width(doc)
        self.question_number = 0
        self.sect_pr = doc.element.body.find(qn("w:sectPr"))

    # -- entry point

    def write(self, include_findings: bool) -> None:
        self.paragraph(_title(self.draft), "Title")
        subtitle = _subtitle(self.draft)
        if subtitle:
            self.paragraph(subtitle, "Subtitle")
        {"story": self.story, "faq": self.faq, "survey": self.survey, "plan": self.plan}.get(
            self.draft.kind, self.story)()
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
        if _has_style(self.doc, name) or _copy_default_style(self.doc, name):
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
        style_id = self.style_id(name)
        if style_id:
            paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = style_id

    def new_paragraph(self, style: str = "Normal", container=None) -> Paragraph:
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
        paragraph = self.new_paragraph(style, container)
        self.runs(paragraph, text)
        return paragraph

    def heading(self, text: str, level: int = 1) -> Paragraph | None:
        text = one_line(text)
        if not text:
            return None
        paragraph = self.new_paragraph(f"Heading {level}")
        _run(paragraph._p, text)
        if self.style(f"Heading {level}") != f"Heading {level}":
            paragraph.runs[0].bold = True
            paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def runs(self, paragraph: Paragraph, text: str, bold: bool = False) -> None:
        """Add `text` as runs: **bold** spans become bold, [n] marks link to source n."""
        text = clean_text(text).strip()
        for piece in _MARK.split(text):
            if not piece:
                continue
            if piece.startswith("**") and piece.endswith("**") and len(piece) > 4:
                _run(paragraph._p, piece[2:-2], bold=True)
            elif piece.startswith("[") and self._is_citation(piece):
                self._citation_link(paragraph, piece)
            else:
                _run(paragraph._p, piece, bold=bold)

    def _is_citation(self, mark: str) -> bool:
        return mark[1:-1].isdigit() and 1 <= int(mark[1:-1]) <= self.citations

    def _citation_link(self, paragraph: Paragraph, mark: str) -> None:
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), _bookmark_name(int(mark[1:-1])))
        link.set(qn("w:history"), "1")
        paragraph._p.append(link)
        _run(link, mark)

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
        for section in self.draft.sections:
            self.heading(section.heading, 1)
            for text in section.paragraphs:
                self.block(text)
            self.list_items(section.bullets, ordered=False)
            self.list_items(section.numbered, ordered=True)

    # -- artefacts

    def story(self) -> None:
        self.sections()

    def faq(self) -> None:
        self.sections()
        items = [item for item in self.draft.items if one_line(item.question) or one_line(item.answer)]
        if items:
            self.heading(self._("Questions and answers"), 1)
        for item in items:
            self.heading(item.question, 2)
            self.block(item.answer)

    def survey(self) -> None:
        if clean_text(self.draft.survey_intro).strip():
            self.block(self.draft.survey_intro)
        self.sections()
        if any(q.type == "likert" for q in self.draft.questions):
            instruction = self.paragraph(self._("Tick one box per statement."))
            instruction.runs[-1].italic = True
            instruction.paragraph_format.space_before = Pt(10)
        for label, questions in _by_dimension(self.draft.questions):
            self.heading(label, 1)
            for group in _runs_of_same_scale(questions):
                if group[0].type == "likert":
                    self.likert_table(group)
                elif group[0].type == "nps":
                    for question in group:
                        self.nps(question)
                else:
                    for question in group:
                        self.open_question(question)

    def plan(self) -> None:
        self.sections()
        if self.draft.timeline:
            self.heading(self._("Timeline"), 1)
            self.timeline_table()
        if self.draft.workshop:
            self.heading(self._("Workshop agenda"), 1)
            self.workshop_table()

    # -- survey parts

    def _number(self, text: str) -> str:
        self.question_number += 1
        return f"{self.question_number}. {one_line(text)}"

    def likert_table(self, questions: list[SurveyQuestion]) -> None:
        labels = [one_line(option) for option in questions[0].options] or ["1", "2", "3", "4", "5"]
        scale_width = _scale_width(labels, self.text_width)
        widths = [self.text_width - scale_width * len(labels)] + [scale_width] * len(labels)
        table = self.table([self._("Statement"), *labels], widths)
        for cell in table.rows[0].cells[1:]:
            _center(cell, size=8)
            _narrow_margins(cell)
        for question in questions:
            cells = table.add_row().cells
            self.cell_text(cells[0], self._number(question.text))
            _valign(cells[0])
            for cell in cells[1:]:
                self.cell_text(cell, BOX)
                _center(cell, size=13)
        _finish_rows(table)

    def nps(self, question: SurveyQuestion) -> None:
        self.paragraph(self._number(question.text)).paragraph_format.keep_with_next = True
        points = [one_line(option) for option in question.options] or [str(n) for n in range(11)]
        width = self.text_width // len(points)
        table = self.table(points, [width] * len(points))
        cells = table.add_row().cells
        for cell in table.rows[0].cells:
            _center(cell, size=10)
        for cell in cells:
            self.cell_text(cell, BOX)
            _center(cell, size=13)
        _finish_rows(table)
        anchors = self.paragraph(self._("0 = not at all likely, 10 = extremely likely"), "Table Text")
        anchors.paragraph_format.space_after = Pt(10)
        for run in anchors.runs:
            run.italic = True

    def open_question(self, question: SurveyQuestion) -> None:
        self.paragraph(self._number(question.text)).paragraph_format.keep_with_next = True
        table = self.doc.add_table(rows=1, cols=1)
        _table_borders(table)
        _set_widths(table, [self.text_width])
        row = table.rows[0]
        row.height = Pt(100)
        row.height_rule = 1  # WD_ROW_HEIGHT_RULE.AT_LEAST
        self.cell_text(row.cells[0], "")
        self.paragraph("", "Table Text")

    # -- plan parts

    def timeline_table(self) -> None:
        _ = self._
        header = [_("Date"), _("Touchpoint"), _("Sender"), _("Audience"), _("Channel")]
        rows = [[entry.date_label or _long_date(entry.date, self.draft.lang), entry.touchpoint, entry.sender,
                 entry.audience, entry.channel] for entry in self.draft.timeline]
        widths = _fit_widths([header, *rows], [0.14, 0.32, 0.2, 0.18, 0.16], self.text_width)
        table = self.table(header, widths)
        for values in rows:
            for cell, value in zip(table.add_row().cells, values, strict=True):
                self.cell_text(cell, value)
        _finish_rows(table)

    def workshop_table(self) -> None:
        _ = self._
        header = [_("Time"), _("Duration"), _("Activity")]
        times = [_time_range(block.start, block.minutes) for block in self.draft.workshop]
        durations = [f"{block.minutes} min" for block in self.draft.workshop]
        widths = _fit_widths([header, *zip(times, durations, ["" for _t in times], strict=True)],
                             [0.18, 0.13, 0.69], self.text_width)
        table = self.table(header, widths)
        for block, time_range, duration in zip(self.draft.workshop, times, durations, strict=True):
            cells = table.add_row().cells
            self.cell_text(cells[0], time_range)
            self.cell_text(cells[1], duration)
            self.cell_text(cells[2], block.title, bold=True)
            if block.exercise:
                label = self.paragraph(_("Exercise"), "Table Text", container=cells[2])
                label.runs[0].italic = True
            if clean_text(block.description).strip():
                self.paragraph(block.description, "Table Text", container=cells[2])
        _finish_rows(table)
        total = sum(max(block.minutes, 0) for block in self.draft.workshop)
        summary = self.paragraph(_("Total time: {minutes} min", minutes=total), "Table Text")
        summary.paragraph_format.space_before = Pt(4)
        summary.paragraph_format.space_after = Pt(8)

    # -- tables

    def table(self, header: list[str], widths: list[int]) -> Table:
        table = self.doc.add_table(rows=1, cols=len(header))
        style = self.style("Toolkit Table")
        if style:
            table.style = self.doc.styles[style]
        else:
            _table_borders(table)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _set_widths(table, widths)
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            self.cell_text(cell, text, style="Table Heading", bold=True)
            _valign(cell)
        _repeat_header(table.rows[0])
        return table

    def cell_text(self, cell: _Cell, text: str, style: str = "Table Text", bold: bool = False) -> None:
        paragraph = cell.paragraphs[0]
        self.apply_style(paragraph, style)
        self.runs(paragraph, text, bold=bold)

    # -- end matter

    def sources(self) -> None:
        if not self.draft.citations:
            return
        self.heading(self._("Sources"), 1)
        for number, citation in enumerate(self.draft.citations, start=1):
            paragraph = self.new_paragraph("Bibliography")
            start = OxmlElement("w:bookmarkStart")
            start.set(qn("w:id"), str(9000 + number))
            start.set(qn("w:name"), _bookmark_name(number))
            paragraph._p.append(start)
            paragraph.add_run(f"[{number}]\t")
            self.runs(paragraph, _source_line(citation))
            end = OxmlElement("w:bookmarkEnd")
            end.set(qn("w:id"), str(9000 + number))
            paragraph._p.append(end)

    def findings(self, findings: list[Finding], notices: list[str]) -> None:
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
        _finish_rows(table)

    def finding_row(self, table: Table, finding: Finding) -> None:
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


# --------------------------------------------------------------------------------------------- small helpers

def _line_kind(line: str) -> str:
    if _BULLET_LINE.match(line):
        return "bullet"
    return "number" if _NUMBER_LINE.match(line) else "text"




def _run(parent, text: str, bold: bool = False) -> None:
    """Append a run with `text` to a w:p or w:hyperlink; tabs and line breaks become w:tab and w:br.

    Built directly with lxml: python-docx's run.text setter walks the text character by character in Python,
    which dominated the time of long exports.
    """
    run = OxmlElement("w:r")
    if bold:
        run.append(parse_xml(f"<w:rPr {nsdecls('w')}><w:b/><w:bCs/></w:rPr>"))
    for index, line in enumerate(text.split("\n")):
        if index:
            run.append(OxmlElement("w:br"))
        for position, piece in enumerate(line.split("\t")):
            if position:
                run.append(OxmlElement("w:tab"))
            if piece:
                element = OxmlElement("w:t")
                element.text = piece
                element.set(qn("xml:space"), "preserve")
                run.append(element)
    parent.append(run)


def _bookmark_name(number: int) -> str:
    return f"_Source{number}"  # a leading underscore keeps it out of Word's bookmark list


def _source_line(citation: Citation) -> str:
    title = one_line(citation.title)
    publisher = one_line(citation.source)
    line = f"{title}." if title and not title.endswith((".", "?", "!")) else title
    tail = ", ".join(part for part in (publisher, str(citation.year) if citation.year else "") if part)
    return f"{line} {tail}.".strip() if tail else line


def _time_range(start: str, minutes: int) -> str:
    start = one_line(start)
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", start)
    if not match or minutes <= 0:
        return start
    separator = ":" if ":" in start else "."
    total = int(match.group(1)) * 60 + int(match.group(2)) + minutes
    return f"{start}\u2013{total // 60 % 24:02d}{separator}{total % 60:02d}"


def _by_dimension(questions: list[SurveyQuestion]) -> list[tuple[str, list[SurveyQuestion]]]:
    """Questions grouped by dimension, in order of first appearance, with the dimension's label."""
    groups: dict[str, list[SurveyQuestion]] = {}
    for question in questions:
        groups.setdefault(question.dimension, []).append(question)
    result = []
    for key, members in groups.items():
        label = next((one_line(q.dimension_label) for q in members if one_line(q.dimension_label)), "")
        result.append((label or one_line(key).replace("_", " ").capitalize(), members))
    return result


def _runs_of_same_scale(questions: list[SurveyQuestion]) -> list[list[SurveyQuestion]]:
    """Consecutive questions that share a type and (for likert) a scale go in one table."""
    runs: list[list[SurveyQuestion]] = []
    for question in questions:
        if runs and runs[-1][0].type == question.type and runs[-1][0].options == question.options:
            runs[-1].append(question)
        else:
            runs.append([question])
    return runs


def _csv_safe(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _text_width(doc: DocxDocument) -> int:
    """The usable width of the last section in twips (A4 with 2.5 cm margins when unknown)."""
    try:
        section = doc.sections[-1]
        width = section.page_width - section.left_margin - section.right_margin
        return max(int(width.twips), 2880)
    except (AttributeError, IndexError, TypeError):
        return _DEFAULT_TEXT_WIDTH


def _set_widths(table: Table, widths: list[int]) -> None:
    """Fixed column widths (twips) on the grid and every cell, so Word and LibreOffice agree."""
    table.autofit = False  # w:tblLayout fixed, placed by python-docx in schema order
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        _insert_tbl_pr(table, tbl_w)
    tbl_w.set(qn("w:w"), str(sum(widths)))
    tbl_w.set(qn("w:type"), "dxa")
    for grid_col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=False):
        grid_col.set(qn("w:w"), str(width))
    for row in table.rows:
        _row_widths(row, widths)


_TBL_PR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                 "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar",
                 "tblLook", "tblCaption", "tblDescription")


def _insert_tbl_pr(table: Table, element) -> None:
    """Insert a child of w:tblPr in schema order (Word rejects out-of-order table properties)."""
    tbl_pr = table._tbl.tblPr
    name = element.tag.split("}")[-1]
    later = _TBL_PR_ORDER[_TBL_PR_ORDER.index(name) + 1:]
    for child in tbl_pr:
        if child.tag.split("}")[-1] in later:
            child.addprevious(element)
            return
    tbl_pr.append(element)


def _row_widths(row, widths: list[int]) -> None:
    for cell, width in zip(row.cells, widths, strict=False):
        cell.width = Twips(width)


def _finish_rows(table: Table) -> None:
    """Give added rows the column widths and keep each row on one page."""
    widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    for row in table.rows:
        _row_widths(row, widths)
        tr_pr = row._tr.get_or_add_trPr()
        if tr_pr.find(qn("w:cantSplit")) is None:
            tr_pr.insert(0, OxmlElement("w:cantSplit"))


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def _table_borders(table: Table) -> None:
    """Light single borders on every edge (used when no table style is available, and for answer boxes)."""
    borders = parse_xml(
        f"<w:tblBorders {nsdecls('w')}>"
        + "".join(f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>'
                  for edge in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>"
    )
    existing = table._tbl.tblPr.find(qn("w:tblBorders"))
    if existing is not None:
        table._tbl.tblPr.remove(existing)
    _insert_tbl_pr(table, borders)


def _center(cell: _Cell, size: float | None = None) -> None:
    for paragraph in cell.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if size:
            for run in paragraph.runs:
                run.font.size = Pt(size)
    _valign(cell)


def _scale_width(labels: list[str], text_width: int) -> int:
    """Width (twips) of one scale column: wide enough for the longest word of a label at 8 pt bold,
    but never more than 62 % of the table for all scale columns together."""
    longest = max((len(word) for label in labels for word in label.split()), default=1)
    wanted = max(1150, longest * 8 * 20 * 6 // 10 + 120)
    return min(wanted, int(text_width * 0.62 / max(len(labels), 1)))


def _fit_widths(rows: list[list[str]], weights: list[float], total: int, size: float = 10) -> list[int]:
    """Column widths (twips) in proportion to `weights`, but each wide enough for its longest word.

    The estimate is generous (0.55 em a character, 0.62 in the bold header row), so a word is not broken by a
    wider substitute font either; when the words cannot all fit, columns shrink in proportion to their need.
    """
    needs = [0] * len(weights)
    for number, row in enumerate(rows):
        em = 0.62 if number == 0 else 0.55  # the header row is bold
        for index, text in enumerate(row):
            longest = max((len(word) for word in one_line(text).split()), default=0)
            needs[index] = max(needs[index], int(longest * size * em * 20) + 230)
    if sum(needs) >= total:
        return [int(total * need / sum(needs)) for need in needs]
    widths = [max(need, int(weight * total)) for need, weight in zip(needs, weights, strict=True)]
    excess = sum(widths) - total
    slack = [width - need for width, need in zip(widths, needs, strict=True)]
    if excess > 0 and sum(slack) > 0:
        widths = [int(width - excess * part / sum(slack)) for width, part in zip(widths, slack, strict=True)]
    return widths


def _narrow_margins(cell: _Cell) -> None:
    """Small left/right cell margins, so scale labels get the room of their narrow column."""
    margins = parse_xml(f'<w:tcMar {nsdecls("w")}><w:left w:w="40" w:type="dxa"/>'
                        '<w:right w:w="40" w:type="dxa"/></w:tcMar>')
    tc_pr = cell._tc.get_or_add_tcPr()
    valign = tc_pr.find(qn("w:vAlign"))
    if valign is not None:
        valign.addprevious(margins)  # tcMar precedes vAlign in the schema
    else:
        tc_pr.append(margins)


def _valign(cell: _Cell) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    if tc_pr.find(qn("w:vAlign")) is None:
        valign = OxmlElement("w:vAlign")
        valign.set(qn("w:val"), "center")
        tc_pr.append(valign)


@cache
def _default_style_elements() -> dict[str, object]:
    """Styles of the default reference by name (lower case), for copying into a branded reference."""
    data = _default_styles_xml()
    if data is None:
        return {}
    root = parse_xml(data)
    styles = {}
    for style in root.findall(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is not None:
            styles[name.get(qn("w:val")).lower()] = style
    return styles


def _copy_default_style(doc: DocxDocument, name: str) -> bool:
    """Copy style `name` (and the styles it is based on) from the default reference; True when it worked."""
    source = _default_style_elements().get(name.lower())
    if source is None:
        return False
    element = copy.deepcopy(source)
    for tag in ("w:link", "w:numPr"):
        for found in element.iter(qn(tag)):
            found.getparent().remove(found)
    based_on = element.find(qn("w:basedOn"))
    if based_on is not None:
        base_name = _style_name_by_id(based_on.get(qn("w:val")))
        if not base_name or not (_has_style(doc, base_name) or _copy_default_style(doc, base_name)):
            element.remove(based_on)
        else:
            based_on.set(qn("w:val"), doc.styles[base_name].style_id)
    doc.styles.element.append(element)
    return _has_style(doc, name)


def _style_name_by_id(style_id: str | None) -> str | None:
    for name, element in _default_style_elements().items():
        if element.get(qn("w:styleId")) == style_id:
            return element.find(qn("w:name")).get(qn("w:val")) or name
    return None
