"""Turn knowledge cards and user documents (.md, .txt, .pdf, .docx) into passages ready for indexing.

A passage ("chunk") is about 150-220 words, cut on paragraph and sentence boundaries, with a short overlap
so a thought split across two chunks is still found. The text that is embedded and ranked is the title
plus the passage; the passage alone is what a reader sees.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import unicodedata
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel

from toolkit.cards import Card, parse_card
from toolkit.embeddings import content_hash
from toolkit.i18n import LocalisedError
from toolkit.language import detect_language
from toolkit.models import LANGS
from toolkit.settings import TEMPLATES_DIR
from toolkit.text import clean_text, one_line

SUPPORTED = (".md", ".txt", ".pdf", ".docx")
MIN_WORDS, MAX_WORDS, OVERLAP_WORDS = 150, 220, 40
CHUNK_VERSION = "2"  # bump when chunking changes, so stored cards are re-chunked
ASKS_PART = "asks"  # metadata "part" of the passage that holds a card's `asks` (searched, never shown)

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“‘(\[A-ZÅÄÖÉÈÜ0-9•-])")


class KnowledgeError(LocalisedError):
    """The knowledge base cannot do what was asked; the message is an English msgid, translated on demand."""


class UploadError(KnowledgeError):
    """A document that cannot be added."""


@dataclass(frozen=True)
class Limits:
    """What one upload may expand to, checked before or while expanding, never after (see docs/robustness.md)."""

    expanded_mb: float = 50.0  # uncompressed size of a .docx's parts, from its zip directory
    compression_ratio: float = 100.0  # uncompressed/compressed, for any part over 1 MB
    pdf_pages: int = 500
    chars: int = 2_000_000  # characters of text taken from one document
    passages: int = 2_000  # passages one upload may add

    @classmethod
    def from_settings(cls, settings) -> Limits:
        return cls(settings.max_expanded_mb, settings.max_compression_ratio, settings.max_pdf_pages,
                   settings.max_chars, settings.max_passages)


class IngestResult(BaseModel):
    """What happened to one file given to `Retriever.ingest`."""

    path: str
    name: str
    status: Literal["ok", "duplicate", "error"]
    message: str
    source_id: str = ""
    chunks: int = 0
    lang: str = ""
    flagged: int = 0  # passages that read like instructions to an AI model (left out of search until confirmed)


class SourceInfo(BaseModel):
    """One thing in the index: a user document, or the curated knowledge base in one language."""

    source_id: str
    title: str
    origin: Literal["knowledge", "upload"]
    langs: list[str]
    chunks: int
    items: int = 1  # cards for the knowledge base, 1 for a document
    path: str = ""
    added: str = ""
    flagged: int = 0  # passages that read like instructions to an AI model
    confirmed: bool = False  # the user confirmed the document, so its flagged passages are searched too


@dataclass
class Chunk:
    """One passage with everything the index stores about it."""

    id: str
    text: str  # the passage a reader sees
    title: str
    metadata: dict = field(default_factory=dict)

    @property
    def index_text(self) -> str:
        """What is embedded and ranked: title and passage together."""
        return f"{self.title}\n\n{self.text}" if self.title else self.text


# --- splitting -------------------------------------------------------------------------------------------

def _words(text: str) -> int:
    return len(text.split())


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def _units(text: str, max_words: int) -> list[str]:
    """Paragraphs, with paragraphs longer than `max_words` split into sentences (and very long sentences
    into word windows)."""
    units = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if _words(paragraph) <= max_words:
            units.append(paragraph)
            continue
        for sentence in _sentences(paragraph):
            words = sentence.split()
            units.extend(" ".join(words[i:i + max_words]) for i in range(0, len(words), max_words))
    return units


def _tail(units: list[str], overlap: int) -> list[str]:
    """The last sentences of a chunk, up to `overlap` words, to repeat at the start of the next."""
    sentences = [s for unit in units for s in _sentences(unit)]
    tail: list[str] = []
    for sentence in reversed(sentences):
        if _words(sentence) + sum(_words(t) for t in tail) > overlap:
            break
        tail.insert(0, sentence)
    return [" ".join(tail)] if tail else []


def split_text(text: str, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS,
               overlap: int = OVERLAP_WORDS) -> list[str]:
    """Cut text into passages of about `min_words`-`max_words` words on paragraph/sentence boundaries."""
    chunks: list[str] = []
    carried: list[str] = []  # overlap repeated from the previous chunk
    fresh: list[str] = []  # new units for this chunk
    for unit in _units(clean_text(text), max_words):
        size = sum(_words(u) for u in carried + fresh)
        if fresh and (size >= min_words or size + _words(unit) > max_words):
            chunks.append("\n\n".join(carried + fresh))
            carried, fresh = _tail(carried + fresh, overlap), []
        fresh.append(unit)
    if fresh and chunks and sum(_words(u) for u in fresh) < min_words // 5:
        chunks[-1] += "\n\n" + "\n\n".join(fresh)  # a tiny remainder joins the previous chunk
    elif fresh:
        chunks.append("\n\n".join(carried + fresh))
    return chunks


# --- cards -----------------------------------------------------------------------------------------------

def read_cards(root: Path) -> tuple[list[Card], list[str]]:
    """All cards under root/{lang}/*.md, read fresh from disk, and a message per card that cannot be read."""
    cards, problems = [], []
    for path in sorted(root.glob("*/*.md")):
        try:
            cards.append(parse_card(path.read_text(encoding="utf-8"), str(path)))
        except Exception as error:  # YAML, validation or encoding errors: skip the card, say which
            problems.append(f"{path}: {one_line(str(error))[:200]}")
    return [c for c in cards if c.lang in LANGS], problems


def card_hash(card: Card) -> str:
    """Fingerprint of a card's content and of the chunking rules, to detect changes."""
    fields = (CHUNK_VERSION, card.id, card.lang, card.title, card.source, str(card.year), card.kind,
              ",".join(card.topics), card.claim, "\n".join(card.asks), card.body)
    return content_hash("\x1f".join(fields))


def card_chunks(card: Card) -> list[Chunk]:
    """The passages of one knowledge card, plus one passage of its `asks` when it has any.

    The asks passage (title and the ways readers phrase the need) lets both the dense and the lexical ranking
    match everyday wording that the card text does not use. It counts for its card like any other passage,
    but is never the one shown to a reader.
    """
    passages = split_text(card.body) or [card.claim or card.title]
    digest = card_hash(card)
    base = {
        "card_id": card.id, "title": card.title, "source": card.source, "year": card.year or 0,
        "lang": card.lang, "kind": card.kind, "topics": ",".join(card.topics), "claim": card.claim,
        "origin": "knowledge", "source_id": f"knowledge:{card.lang}", "path": card.path, "card_hash": digest,
    }
    chunks = [Chunk(id=f"k:{card.lang}:{card.id}:{n}", text=passage, title=card.title,
                    metadata={**base, "chunk": n, "part": "body"})
              for n, passage in enumerate(passages)]
    asks = [one_line(a) for a in card.asks if a.strip()]
    if asks:
        chunks.append(Chunk(id=f"k:{card.lang}:{card.id}:{ASKS_PART}", text="\n".join(asks), title=card.title,
                            metadata={**base, "chunk": len(passages), "part": ASKS_PART}))
    for chunk in chunks:
        chunk.metadata["hash"] = content_hash(chunk.index_text)
        chunk.metadata["parts"] = len(chunks)  # so a card that a crash left with fewer passages is re-indexed
    return chunks


# --- user documents --------------------------------------------------------------------------------------

MAX_NAME = 255  # characters: longer names cannot be stored on common file systems


def check_file(path: Path, max_mb: float) -> bytes:
    """Read a user document after checking its name, that it exists, has a supported type, is not empty and
    not too big."""
    _check_name(path.name)
    _check_type(path.name)
    if not path.is_file():
        raise UploadError("{name}: the file does not exist or cannot be read.", name=path.name)
    _check_size(path.name, path.stat().st_size, max_mb)
    return path.read_bytes()


def check_data(name: str, data: bytes, max_mb: float) -> bytes:
    """The same checks for a document received as bytes (e.g. an upload in the app)."""
    _check_name(name)
    _check_type(name)
    _check_size(name, len(data), max_mb)
    return data


def safe_name(name: str) -> str:
    """A file name fit to print: control characters (terminal escape codes, NUL) shown as \\xNN, and cut
    to a readable length."""
    shown = "".join(f"\\x{ord(c):02x}" if unicodedata.category(c).startswith("C") else c for c in name)
    return shown if len(shown) <= 120 else shown[:80] + "…" + shown[-30:]


def _check_name(name: str) -> None:
    if "\x00" in name:
        raise UploadError("{name}: the file name contains a NUL character. Rename the file and add it again.",
                          name=safe_name(name))
    if len(name) > MAX_NAME:
        raise UploadError("{name}: the file name is {n} characters long; the limit is {limit}. Rename the file "
                          "and add it again.", name=safe_name(name), n=len(name), limit=MAX_NAME)


def _check_type(name: str) -> None:
    if Path(name).suffix.lower() not in SUPPORTED:
        raise UploadError("{name}: this file type is not supported. Use .md, .txt, .pdf or .docx.",
                          name=safe_name(name))


def _check_size(name: str, size: int, max_mb: float) -> None:
    if size > max_mb * 1024 * 1024:
        raise UploadError("{name}: the file is larger than {limit} MB.", name=safe_name(name), limit=f"{max_mb:g}")
    if size == 0:
        raise UploadError("{name}: the file is empty.", name=safe_name(name))


def extract_text(name: str, data: bytes, limits: Limits | None = None) -> str:
    """The plain text of a document; raises UploadError for damaged, encrypted, text-less or oversized files."""
    limits = limits or Limits()
    suffix = Path(name).suffix.lower()
    readers = {".md": _plain_text, ".txt": _plain_text, ".pdf": _pdf_text, ".docx": _docx_text}
    text = clean_text(readers[suffix](safe_name(name), data, limits))
    if not text.strip():
        raise UploadError("{name}: no text found in the file.", name=safe_name(name))
    return text


def _too_much_text(name: str, limits: Limits) -> UploadError:
    return UploadError("{name}: the document holds more than {limit} characters of text. Split it into smaller "
                       "documents and add them one by one.", name=name, limit=f"{limits.chars:,}")


def _plain_text(name: str, data: bytes, limits: Limits) -> str:
    text = _decode(name, data)
    if len(text) > limits.chars:
        raise _too_much_text(name, limits)
    return text


def _decode(name: str, data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Notepad's "Unicode"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UploadError("{name}: the file is damaged or is not a text file.", name=name) from None
    if b"\x00" in data[:4096]:
        raise UploadError("{name}: the file is damaged or is not a text file.", name=name)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadError("{name}: the file is damaged or is not a text file.", name=name)


@contextmanager
def _quiet(logger_name: str):
    """Silence a library's warnings while it reads a damaged file (we report the problem ourselves)."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _pdf_text(name: str, data: bytes, limits: Limits) -> str:
    from pypdf import PdfReader

    with _quiet("pypdf"):
        return _read_pdf(PdfReader, name, data, limits)


def _read_pdf(PdfReader, name: str, data: bytes, limits: Limits) -> str:  # noqa: N803 - the class, passed in
    try:
        reader = PdfReader(io.BytesIO(data))
        # with only an owner password the empty user password opens it (AES needs the `cryptography` package)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UploadError("{name}: the PDF is protected with a password. Save it without a password "
                              "and add it again.", name=name)
        pages = len(reader.pages)
        if pages > limits.pdf_pages:
            raise UploadError("{name}: the PDF has {n} pages; the limit is {limit}. Split it and add the parts "
                              "one by one.", name=name, n=pages, limit=limits.pdf_pages)
        parts, size = [], 0
        for page in reader.pages:  # the character cap is checked page by page, while reading
            parts.append(page.extract_text() or "")
            size += len(parts[-1])
            if size > limits.chars:
                raise _too_much_text(name, limits)
        return "\n\n".join(parts)
    except UploadError:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors for damaged files
        raise UploadError("{name}: the file is damaged or is not a valid PDF.", name=name) from exc


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PREDEFINED = rb"amp|lt|gt|quot|apos"
# An entity Word never writes (and no DTD defines, as we load none): kept as its literal text, so the
# words after it are not lost the way a recovering XML parser loses them.
_UNDEFINED_ENTITY = re.compile(rb"&(?!(?:" + _PREDEFINED + rb"|#[0-9]+|#x[0-9a-fA-F]+);)([A-Za-z_][\w.-]*);")
_BIG_PART = 1024 * 1024  # the compression ratio is checked on parts larger than this


def _docx_text(name: str, data: bytes, limits: Limits) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_zip(name, archive, limits)
        xml = archive.read("word/document.xml")
    except UploadError:
        raise
    except Exception as exc:  # not a zip, or no Word body in it
        raise UploadError("{name}: the file is damaged or is not a valid Word document.", name=name) from exc
    xml = _UNDEFINED_ENTITY.sub(rb"&amp;\1;", xml)
    try:
        return "\n\n".join(_docx_blocks(io.BytesIO(xml), name, limits))
    except UploadError:
        raise
    except Exception as exc:  # lxml: malformed XML
        raise UploadError("{name}: the file is damaged or is not a valid Word document.", name=name) from exc


def _check_zip(name: str, archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a decompression bomb from the zip directory alone, before anything is expanded."""
    entries = archive.infolist()
    expanded = sum(info.file_size for info in entries)
    if expanded > limits.expanded_mb * 1024 * 1024:
        raise UploadError("{name}: the document expands to {size} MB; the limit is {limit} MB.", name=name,
                          size=f"{expanded / 1024 / 1024:,.0f}", limit=f"{limits.expanded_mb:g}")
    for info in entries:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _BIG_PART and ratio > limits.compression_ratio:
            raise UploadError("{name}: part of the document is compressed {ratio} times; the limit is {limit}. "
                              "It looks like a decompression bomb and is not read.", name=name,
                              ratio=f"{ratio:,.0f}", limit=f"{limits.compression_ratio:g}")


def _docx_blocks(stream, name: str, limits: Limits):
    """Paragraphs and table rows ("cell | cell") in document order, streamed, with the character cap."""
    from lxml import etree

    size = 0
    events = etree.iterparse(stream, events=("end",), tag=(_W + "p", _W + "tr"), resolve_entities=False,
                             no_network=True, load_dtd=False, huge_tree=False)
    for _event, element in events:
        if element.tag == _W + "p" and _in_table(element):
            continue  # read with its row
        if element.tag == _W + "tr" and _in_table(element.getparent()):
            continue  # a nested table: read with the outer row
        block = _row_text(element) if element.tag == _W + "tr" else _paragraph_text(element)
        size += len(block)
        if size > limits.chars:
            raise _too_much_text(name, limits)
        yield block
        element.clear()  # free what is read, so memory stays flat however long the document
        while element.getprevious() is not None:
            del element.getparent()[0]


def _in_table(element) -> bool:
    return any(a.tag == _W + "tc" for a in element.iterancestors())


def _paragraph_text(paragraph) -> str:
    pieces = []
    for node in paragraph.iter(_W + "t", _W + "tab", _W + "br"):
        pieces.append(node.text or "" if node.tag == _W + "t" else "\t" if node.tag == _W + "tab" else "\n")
    return "".join(pieces)


def _row_text(row) -> str:
    cells = [c for c in row if c.tag == _W + "tc"]
    return " | ".join("\n".join(_paragraph_text(p) for p in cell.iter(_W + "p")) for cell in cells)


def document_title(name: str, text: str) -> str:
    """A Markdown document's first heading, else the file name without extension."""
    match = re.search(r"^#{1,3}\s+(.+)$", text, re.MULTILINE)
    return one_line(match.group(1)) if match else one_line(Path(name).stem.replace("_", " "))


def _strip_front_matter(text: str) -> str:
    return re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)


def _strip_markdown(text: str) -> str:
    text = re.sub(r"^#{1,6}\s*", "", text, flags=re.MULTILINE)
    return re.sub(r"[*_`]{1,3}", "", text)


def chunk_language(text: str, fallback: str) -> str:
    """The passage's language (nl, sv or en), or the document's when the passage is unclear."""
    return detect_language(text) or fallback


@cache
def _instruction_patterns() -> tuple[re.Pattern, ...]:
    patterns = []
    for lang in LANGS:
        path = TEMPLATES_DIR / lang / "instructions.yaml"
        for pattern in yaml.safe_load(path.read_text(encoding="utf-8"))["patterns"]:
            patterns.append(re.compile(pattern, re.IGNORECASE | re.DOTALL))
    return tuple(patterns)


def reads_like_instructions(text: str) -> bool:
    """Whether a passage tries to instruct an AI model ("Ignore all previous instructions…"), in any of our
    languages: an upload may mix them. The phrases live in templates/{lang}/instructions.yaml."""
    flat = " ".join(text.split())
    return any(pattern.search(flat) for pattern in _instruction_patterns())


def _prepared(name: str, text: str) -> tuple[str, str]:
    """A document's title and the text its passages are cut from (Markdown: front matter and marks removed)."""
    is_markdown = Path(name).suffix.lower() == ".md"
    text = _strip_front_matter(text) if is_markdown else text
    title = document_title(name, text)
    return title, _strip_markdown(text) if is_markdown else text


def passage_count(name: str, text: str) -> int:
    """How many passages `upload_chunks` will make of a document, without detecting languages or flagging
    instructions (the costly parts): what a background ingest needs to show progress and an ETA."""
    return len(split_text(_prepared(name, text)[1]))


def upload_chunks(name: str, text: str, source_id: str, path: str, added: str) -> list[Chunk]:
    """The passages of a user document, each with its detected language and whether it reads like
    instructions to a model (`flagged`). They are stored `complete=False`; the store flips that when the
    whole document is written, so a crash never leaves half a document visible."""
    title, text = _prepared(name, text)
    doc_lang = detect_language(text[:5000]) or "en"
    chunks = []
    for n, passage in enumerate(split_text(text)):
        lang = chunk_language(passage, doc_lang)
        meta = {
            "card_id": source_id, "title": title, "source": name, "year": 0, "lang": lang,
            "kind": "upload", "topics": "", "claim": "", "origin": "upload", "source_id": source_id,
            "path": path, "added": added, "chunk": n, "complete": False,
            "flagged": reads_like_instructions(passage), "confirmed": False,
        }
        chunk = Chunk(id=f"u:{source_id}:{n}", text=passage, title=title, metadata=meta)
        chunk.metadata["hash"] = content_hash(chunk.index_text)
        chunks.append(chunk)
    return chunks
