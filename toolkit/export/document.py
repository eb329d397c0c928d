"""Draft -> Word document: open the reference, write the kind's layout, set the language and the properties."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from toolkit.export.layout import layout_for
from toolkit.export.reference import open_base
from toolkit.export.wordxml import fill_header_placeholders, set_language
from toolkit.export.writer import Writer, document_title, subject
from toolkit.i18n import WORD_LANG, normalise_lang, translator
from toolkit.models import Draft
from toolkit.text import one_line

_CORE_PROP_LIMIT = 255  # python-docx refuses longer core-property values


def to_docx(draft: Draft, *, reference: bytes | None = None, include_findings: bool = False,
            author: str = "", edition: str = "review") -> bytes:
    """Render a draft as a .docx and return its bytes.

    `reference` is a user's branded .docx (its styles, header and footer are used); when it is missing or
    unusable the default `templates/reference.docx` is used. `include_findings` adds an appendix with the quality
    findings. `author` goes into the core properties (empty when not given). `edition` is "review" (the
    sender's notes as Word comments, sources listed) or "ready" (what staff receive: no comment part, no [n]
    marks, no source list; the plan keeps its sources, it is for managers).
    """
    doc = open_base(reference)
    writer = Writer(doc, draft, edition)
    if edition == "ready":
        drop_comments(doc)  # a branded reference may bring its own comments part
    writer.write(layout_for(draft.kind), include_findings=include_findings)
    set_language(doc, WORD_LANG[normalise_lang(draft.lang)])
    set_core_properties(doc, draft, author)
    fill_header_placeholders(doc, document_title(draft))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def write_docx(draft: Draft, path: str | Path, **kwargs) -> Path:
    """Write `to_docx(draft, **kwargs)` to `path` (and nowhere else); return the path."""
    path = Path(path)
    path.write_bytes(to_docx(draft, **kwargs))
    return path


def drop_comments(doc: DocxDocument) -> None:
    """Remove the comments part, so the saved file holds no word/comments.xml."""
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype == RT.COMMENTS:
            doc.part.drop_rel(rel_id)


def _limit(value: str) -> str:
    return one_line(value)[:_CORE_PROP_LIMIT]


def set_core_properties(doc: DocxDocument, draft: Draft, author: str) -> None:
    """Title, subject, author, keywords and language; everything the reference carried is replaced."""
    _ = translator(draft.lang)
    props = doc.core_properties
    kind_name = subject(draft.kind, draft.lang)
    keywords = [kind_name, one_line(draft.organisation), one_line(draft.ai_tool), "AI", _("change communication")]
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props.title = _limit(document_title(draft))
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
