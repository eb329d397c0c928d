"""The reference document: `templates/reference.docx` or a user's branded .docx (or .dotx).

Every export starts from a reference with its body emptied; its styles, page set-up, header and footer stay.
Styles a branded reference lacks are copied from the default reference. A broken reference never stops an export.
"""

from __future__ import annotations

import copy
import io
import zipfile
from functools import cache

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from toolkit.export.wordxml import has_style
from toolkit.i18n import translator
from toolkit.settings import TEMPLATES_DIR

REFERENCE_PATH = TEMPLATES_DIR / "reference.docx"
MAX_REFERENCE_BYTES = 20 * 1024 * 1024
_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_DOTX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"


class _NotWord(Exception):
    """The bytes are not a Word document (another zip, a text file, a macro-enabled file)."""


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


def open_base(reference: bytes | None) -> DocxDocument:
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


def copy_default_style(doc: DocxDocument, name: str) -> bool:
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
        if not base_name or not (has_style(doc, base_name) or copy_default_style(doc, base_name)):
            element.remove(based_on)
        else:
            based_on.set(qn("w:val"), doc.styles[base_name].style_id)
    doc.styles.element.append(element)
    return has_style(doc, name)


def _style_name_by_id(style_id: str | None) -> str | None:
    for name, element in _default_style_elements().items():
        if element.get(qn("w:styleId")) == style_id:
            return element.find(qn("w:name")).get(qn("w:val")) or name
    return None
