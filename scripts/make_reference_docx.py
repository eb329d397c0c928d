"""Build templates/reference.docx: the default Word styles of every export, reproducibly, with python-docx.

    .venv/bin/python scripts/make_reference_docx.py [--out templates/reference.docx]

Starts from python-docx's blank document, replaces its styles with a small, clean set (Calibri 11 pt, navy
headings, light table grid), keeps only the parts Word needs, sets A4 with 2.5 cm margins, a header that repeats
the document title from page 2 on (`{title}`, filled at export) and a page number in the footer. A user may
supply a branded .docx instead; styles missing there are copied from this file.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.export import abstract_num_xml  # noqa: E402

FONT = "Calibri"
INK = "262626"
ACCENT = "1F4E79"
MUTED = "595959"
RULE = "BFBFBF"
HEADER_FILL = "E9EFF6"
FIXED_DATE = "2027-01-01T00:00:00Z"


def rpr(size: float | None = None, color: str | None = None, bold: bool = False, italic: bool = False,
        extra: str = "") -> str:
    """Run properties in schema order."""
    parts = []
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if italic:
        parts.append("<w:i/><w:iCs/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    parts.append(extra)
    if size:
        half_points = round(size * 2)
        parts.append(f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>"


def spacing(before: int = 0, after: int = 0, line: int = 276) -> str:
    return f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" w:lineRule="auto"/>'


def para_style(style_id: str, name: str, ppr: str = "", run: str = "", based_on: str | None = "Normal",
               next_style: str | None = None, ui_priority: int | None = None, q_format: bool = True,
               default: bool = False) -> str:
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    nxt = f'<w:next w:val="{next_style}"/>' if next_style else ""
    priority = f'<w:uiPriority w:val="{ui_priority}"/>' if ui_priority is not None else ""
    q = "<w:qFormat/>" if q_format else ""
    is_default = ' w:default="1"' if default else ""
    return (f'<w:style w:type="paragraph"{is_default} w:styleId="{style_id}"><w:name w:val="{name}"/>{based}{nxt}'
            f"{priority}{q}<w:pPr>{ppr}</w:pPr>{run}</w:style>")


def heading(level: int, size: float, color: str, before: int, after: int) -> str:
    ppr = (f'<w:keepNext/><w:keepLines/>{spacing(before, after, 252)}<w:outlineLvl w:val="{level - 1}"/>')
    return para_style(f"Heading{level}", f"heading {level}", ppr, rpr(size, color, bold=True),
                      next_style="Normal", ui_priority=9)


def borders(color: str, size: int = 4, inside_v: bool = True) -> str:
    edges = ["top", "left", "bottom", "right", "insideH"] + (["insideV"] if inside_v else [])
    return "<w:tblBorders>" + "".join(
        f'<w:{edge} w:val="single" w:sz="{size}" w:space="0" w:color="{color}"/>' for edge in edges
    ) + "</w:tblBorders>"


def styles_xml() -> str:
    """All styles of the reference, as one styles.xml body (docDefaults first, latent styles kept by caller)."""
    fonts = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
    doc_defaults = (
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        f'{fonts}<w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="en-GB" w:eastAsia="en-GB" w:bidi="ar-SA"/>'
        f"</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>{spacing(0, 160, 276)}</w:pPr></w:pPrDefault>"
        "</w:docDefaults>"
    )
    cell_margins = ('<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
                    '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>')
    styles = [
        para_style("Normal", "Normal", "<w:widowControl/>", rpr(color=INK), based_on=None, ui_priority=0,
                   default=True),
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>'
        "</w:style>",
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        f"{cell_margins}</w:tblPr></w:style>",
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        para_style("Title", "Title", f"<w:contextualSpacing/>{spacing(0, 80, 240)}",
                   rpr(26, ACCENT, bold=True, extra='<w:kern w:val="28"/>'), next_style="Subtitle",
                   ui_priority=10),
        para_style("Subtitle", "Subtitle",
                   f'<w:pBdr><w:bottom w:val="single" w:sz="8" w:space="8" w:color="{ACCENT}"/></w:pBdr>'
                   f"{spacing(0, 360, 264)}", rpr(12.5, MUTED), next_style="Normal", ui_priority=11),
        heading(1, 16, ACCENT, 360, 120),
        heading(2, 13, ACCENT, 240, 80),
        heading(3, 11.5, "404040", 200, 60),
        para_style("ListParagraph", "List Paragraph", f'{spacing(0, 80)}<w:ind w:left="425"/>',
                   ui_priority=34),
        para_style("ListBullet", "List Bullet",
                   f'<w:numPr><w:numId w:val="1"/></w:numPr>{spacing(0, 80)}<w:ind w:left="425" w:hanging="425"/>',
                   ui_priority=99),
        para_style("ListNumber", "List Number",
                   f'<w:numPr><w:numId w:val="2"/></w:numPr>{spacing(0, 80)}<w:ind w:left="425" w:hanging="425"/>',
                   ui_priority=99),
        para_style("Bibliography", "Bibliography",
                   f'<w:tabs><w:tab w:val="left" w:pos="567"/></w:tabs>{spacing(0, 80, 252)}'
                   '<w:ind w:left="567" w:hanging="567"/>', rpr(10, MUTED), ui_priority=37),
        para_style("TableText", "Table Text", spacing(20, 20, 240), rpr(10), ui_priority=99),
        para_style("TableHeading", "Table Heading", f"<w:keepNext/>{spacing(20, 20, 240)}",
                   rpr(10, ACCENT, bold=True), based_on="TableText", next_style="TableText", ui_priority=99),
        para_style("Quote", "Quote", f'{spacing(120, 160)}<w:ind w:left="567" w:right="567"/>',
                   rpr(color="404040", italic=True), ui_priority=29),
        para_style("Header", "header",
                   '<w:tabs><w:tab w:val="center" w:pos="4535"/><w:tab w:val="right" w:pos="9070"/></w:tabs>'
                   f"{spacing(0, 0, 240)}", rpr(8.5, "7F7F7F"), ui_priority=99, q_format=False),
        para_style("Footer", "footer",
                   '<w:tabs><w:tab w:val="center" w:pos="4535"/><w:tab w:val="right" w:pos="9070"/></w:tabs>'
                   f"{spacing(0, 0, 240)}", rpr(8.5, "7F7F7F"), ui_priority=99, q_format=False),
        '<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
        f'<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        f'<w:rPr><w:color w:val="{ACCENT}"/><w:u w:val="single"/></w:rPr></w:style>',
        '<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="22"/><w:qFormat/>'
        "<w:rPr><w:b/><w:bCs/></w:rPr></w:style>",
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
        '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
        f"<w:pPr>{spacing(0, 0, 240)}</w:pPr><w:tblPr>{borders('auto')}</w:tblPr></w:style>",
        '<w:style w:type="table" w:styleId="ToolkitTable"><w:name w:val="Toolkit Table"/>'
        '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="60"/>'
        f"<w:pPr>{spacing(0, 0, 240)}</w:pPr>"
        f"<w:tblPr>{borders(RULE)}{cell_margins}</w:tblPr>"
        '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr><w:tblPr/><w:trPr><w:tblHeader/></w:trPr>'
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/></w:tcPr></w:tblStylePr>'
        "</w:style>",
    ]
    return doc_defaults + "".join(styles)


def replace_styles(doc) -> None:
    root = doc.styles.element
    latent = root.find(qn("w:latentStyles"))
    for child in list(root):
        root.remove(child)
    fresh = parse_xml(f"<w:styles {nsdecls('w')}>{styles_xml()}</w:styles>")
    children = list(fresh)
    root.append(children[0])  # docDefaults
    if latent is not None:
        root.append(latent)
    for child in children[1:]:
        root.append(child)


def replace_numbering(doc) -> None:
    root = doc.part.part_related_by(RT.NUMBERING).element
    for child in list(root):
        root.remove(child)
    root.append(parse_xml(abstract_num_xml(0, ordered=False)))
    root.append(parse_xml(abstract_num_xml(1, ordered=True)))
    for num_id, abstract_id in ((1, 0), (2, 1)):
        root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                              f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'))


def drop_extra_parts(doc) -> None:
    """Drop the blank-template thumbnail, stylesWithEffects and sample bibliography data."""
    for rels, kinds in ((doc.part.package.rels, ("thumbnail",)),
                        (doc.part.rels, ("stylesWithEffects", "customXml"))):
        for r_id, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in kinds:
                rels.pop(r_id)


def set_settings(doc) -> None:
    settings = doc.settings.element
    for compat in settings.iter(qn("w:compatSetting")):
        if compat.get(qn("w:name")) == "compatibilityMode":
            compat.set(qn("w:val"), "15")
    for tag in ("w:rsids", "w:proofState", "w:attachedTemplate"):
        for found in settings.findall(qn(tag)):
            settings.remove(found)
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), "en-GB")


def page_number_field(paragraph) -> None:
    """A PAGE field (Word and LibreOffice compute it when the page is laid out)."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text


def set_page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.5)
    section.header_distance = section.footer_distance = Cm(1.25)
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.style = doc.styles["Header"]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.add_run("{title}")
    section.first_page_header.paragraphs[0].style = doc.styles["Header"]
    for footer in (section.footer, section.first_page_footer):
        paragraph = footer.paragraphs[0]
        paragraph.style = doc.styles["Footer"]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        page_number_field(paragraph)


def set_properties(doc) -> None:
    from datetime import datetime

    props = doc.core_properties
    fixed = datetime.fromisoformat(FIXED_DATE.replace("Z", ""))
    props.title = props.subject = props.author = props.keywords = props.comments = ""
    props.last_modified_by = props.category = ""
    props.language = "en-GB"
    props.revision = 1
    props.created = props.modified = fixed
    props.last_printed = fixed


def normalise_zip(data: bytes) -> bytes:
    """Fixed timestamps and order inside the zip, so the same script gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(source.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=(2027, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name))
    return out.getvalue()


def build() -> bytes:
    """The reference document as bytes."""
    doc = Document()
    replace_styles(doc)
    replace_numbering(doc)
    drop_extra_parts(doc)
    set_settings(doc)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    set_page(doc)
    set_properties(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "templates" / "reference.docx")
    args = parser.parse_args(argv)
    args.out.write_bytes(build())
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
