"""Low-level Word XML: list numbering, runs, proofing language, header placeholders, table widths and borders.

Built on lxml through python-docx's `OxmlElement`; every helper keeps WordprocessingML's schema order, because
Word rejects out-of-order properties that LibreOffice accepts.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
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

from toolkit.text import one_line

_DEFAULT_TEXT_WIDTH = 9070  # twips: A4 with 2.5 cm margins


def has_style(doc: DocxDocument, name: str) -> bool:
    """Whether the document defines a style called `name`."""
    try:
        doc.styles[name]
    except KeyError:
        return False
    return True


def set_language(doc: DocxDocument, tag: str) -> None:
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
    if has_style(doc, "Normal"):
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


def fill_header_placeholders(doc: DocxDocument, title: str) -> None:
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


class Numbering:
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


def add_run(parent, text: str, bold: bool = False) -> None:
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


def bookmark_name(number: int) -> str:
    """The bookmark of source `number`, which a `[n]` mark links to."""
    return f"_Source{number}"  # a leading underscore keeps it out of Word's bookmark list


def usable_width(doc: DocxDocument) -> int:
    """The usable width of the last section in twips (A4 with 2.5 cm margins when unknown)."""
    try:
        section = doc.sections[-1]
        width = section.page_width - section.left_margin - section.right_margin
        return max(int(width.twips), 2880)
    except (AttributeError, IndexError, TypeError):
        return _DEFAULT_TEXT_WIDTH


def set_widths(table: Table, widths: list[int]) -> None:
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


def finish_rows(table: Table) -> None:
    """Give added rows the column widths and keep each row on one page."""
    widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    for row in table.rows:
        _row_widths(row, widths)
        tr_pr = row._tr.get_or_add_trPr()
        if tr_pr.find(qn("w:cantSplit")) is None:
            tr_pr.insert(0, OxmlElement("w:cantSplit"))


def repeat_header(row) -> None:
    """Repeat this row at the top of every page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def table_borders(table: Table) -> None:
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


def center(cell: _Cell, size: float | None = None) -> None:
    """Centre a cell's text (at `size` points when given), also vertically."""
    for paragraph in cell.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if size:
            for run in paragraph.runs:
                run.font.size = Pt(size)
    valign(cell)


def scale_width(labels: list[str], text_width: int) -> int:
    """Width (twips) of one scale column: wide enough for the longest word of a label at 8 pt bold,
    but never more than 62 % of the table for all scale columns together."""
    longest = max((len(word) for label in labels for word in label.split()), default=1)
    wanted = max(1150, longest * 8 * 20 * 6 // 10 + 120)
    return min(wanted, int(text_width * 0.62 / max(len(labels), 1)))


def fit_widths(rows: list[list[str]], weights: list[float], total: int, size: float = 10) -> list[int]:
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


def narrow_margins(cell: _Cell) -> None:
    """Small left/right cell margins, so scale labels get the room of their narrow column."""
    margins = parse_xml(f'<w:tcMar {nsdecls("w")}><w:left w:w="40" w:type="dxa"/>'
                        '<w:right w:w="40" w:type="dxa"/></w:tcMar>')
    tc_pr = cell._tc.get_or_add_tcPr()
    valign = tc_pr.find(qn("w:vAlign"))
    if valign is not None:
        valign.addprevious(margins)  # tcMar precedes vAlign in the schema
    else:
        tc_pr.append(margins)


def valign(cell: _Cell) -> None:
    """Centre a cell's content vertically."""
    tc_pr = cell._tc.get_or_add_tcPr()
    if tc_pr.find(qn("w:vAlign")) is None:
        valign = OxmlElement("w:vAlign")
        valign.set(qn("w:val"), "center")
        tc_pr.append(valign)


def shade(cell: _Cell, fill: str = "EDF2F7") -> None:
    """A light background, for a row that labels the rows under it (a survey dimension in the grid)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    for old in tc_pr.findall(qn("w:shd")):
        tc_pr.remove(old)
    shd = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
    later = [tc_pr.find(qn(f"w:{tag}")) for tag in ("noWrap", "tcMar", "textDirection", "tcFitText", "vAlign",
                                                     "hideMark")]  # shd precedes these in the schema
    following = next((element for element in later if element is not None), None)
    if following is not None:
        following.addprevious(shd)
    else:
        tc_pr.append(shd)
