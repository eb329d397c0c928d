"""The rollout brief: what the manager tells us once, from which every artefact is drafted.

Load from YAML or JSON with `load_brief(path)` or validate a mapping with `parse_brief(data, lang)`.
Problems raise `BriefError`, whose messages name the field in the user's language.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from toolkit.i18n import normalise_lang, translator
from toolkit.models import Lang
from toolkit.text import clean_text, one_line

MAX_TEXT = 2000  # characters in a free-text field
MAX_LINE = 300  # characters in one list entry or short field
MAX_ITEMS = 20  # entries in one list
MAX_FILE_BYTES = 1_000_000

REQUIRED = ("organisation", "ai_tool", "purpose", "changes", "stops_doing", "start_date", "audience",
            "team_size", "contact_person", "tone")

FIELD_LABELS = {  # msgids; translated through the catalogs
    "organisation": "Organisation",
    "ai_tool": "AI tool",
    "purpose": "Purpose",
    "vision": "Where we are heading",
    "changes": "What changes",
    "stops_doing": "What people will no longer have to do",
    "stays_same": "What stays the same",
    "facts": "Our own figures",
    "success_measures": "How we measure success",
    "commitments": "Commitments to staff",
    "start_date": "Start date",
    "audience": "Audience",
    "team_size": "Team size",
    "contact_person": "Contact person",
    "tone": "Tone",
    "sender": "Sender",
    "language": "Language",
    "address": "Form of address",
    "author": "Author",
}


class Brief(BaseModel):
    """A validated rollout brief. Text is cleaned of control characters; lists drop empty entries."""

    organisation: str = Field(min_length=1, max_length=MAX_LINE)
    ai_tool: str = Field(min_length=1, max_length=MAX_LINE)
    purpose: str = Field(min_length=1, max_length=MAX_TEXT)
    vision: str = Field(default="", max_length=MAX_TEXT)
    changes: list[str] = Field(min_length=1, max_length=MAX_ITEMS)
    stops_doing: list[str] = Field(min_length=1, max_length=MAX_ITEMS)
    stays_same: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    facts: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    success_measures: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    commitments: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    start_date: date
    audience: str = Field(min_length=1, max_length=MAX_LINE)
    team_size: int = Field(ge=1, le=100_000)
    contact_person: str = Field(min_length=1, max_length=MAX_LINE)
    tone: Literal["formal", "informal"]
    sender: Literal["executive", "team_leader"] = "team_leader"
    language: Lang | None = None
    address: Literal["je", "u", "du", "ni"] | None = None  # nl: je/u, sv: du/ni; derived when empty
    author: str = Field(default="", max_length=MAX_LINE)

    @field_validator("organisation", "ai_tool", "audience", "contact_person", "author", mode="before")
    @classmethod
    def _line(cls, value: Any) -> Any:
        return one_line(value) if isinstance(value, str) else value

    @field_validator("purpose", "vision", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return clean_text(value).strip() if isinstance(value, str) else value

    @field_validator("changes", "stops_doing", "stays_same", "facts", "success_measures", "commitments",
                     mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            value = value.splitlines()
        if isinstance(value, list | tuple):
            items = [one_line(v) if isinstance(v, str) else v for v in value]
            return [v for v in items if v != ""]
        return value

    @field_validator("changes", "stops_doing", "stays_same", "facts", "success_measures", "commitments")
    @classmethod
    def _entry_length(cls, value: list[str]) -> list[str]:
        for entry in value:
            if len(entry) > MAX_LINE:
                raise ValueError("entry_too_long")
        return value

    @field_validator("tone", "sender", "language", "address", mode="before")
    @classmethod
    def _choice(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower().replace("-", "_").replace(" ", "_")
            return value or None
        return value

    def register(self, lang: str) -> str:
        """The form of address for a language: nl je/u, sv du/ni, en plain/formal."""
        if lang == "nl":
            return self.address if self.address in ("je", "u") else ("u" if self.tone == "formal" else "je")
        if lang == "sv":
            return self.address if self.address in ("du", "ni") else "du"
        return "formal" if self.tone == "formal" else "plain"

    def draft_lang(self, override: str | None = None) -> str:
        return normalise_lang(override or self.language or "en")


class BriefError(ValueError):
    """An invalid brief. `problems` holds (field, message) pairs in the chosen language."""

    def __init__(self, problems: list[tuple[str, str]], lang: str = "en"):
        self.problems = problems
        self.lang = lang
        super().__init__("; ".join(f"{label}: {message}" if label else message
                                   for label, message in self.labelled()))

    def labelled(self) -> list[tuple[str, str]]:
        _ = translator(self.lang)
        return [(_(FIELD_LABELS.get(field, field)) if field else "", msg) for field, msg in self.problems]

    def one_line(self) -> str:
        return str(self).splitlines()[0] if str(self) else ""


def _message(error: dict, lang: str) -> str:
    _ = translator(lang)
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("string_too_short", "too_short"):
        return _("This field is required.")
    if kind == "string_too_long":
        return _("Too long: at most {n} characters.", n=ctx.get("max_length", MAX_TEXT))
    if kind == "too_long":
        return _("Too many entries: at most {n}.", n=ctx.get("max_length", MAX_ITEMS))
    if kind.startswith("date") or kind == "date_from_datetime_parsing":
        return _("Use a date such as 2027-03-01.")
    if kind.startswith("int") or kind in ("greater_than_equal", "less_than_equal"):
        return _("Use a whole number from 1 to 100000.")
    if kind == "literal_error":
        return _("Choose one of: {options}.", options=ctx.get("expected", "").replace("'", ""))
    if kind == "value_error" and "entry_too_long" in str(error.get("msg", "")):
        return _("An entry is too long: at most {n} characters.", n=MAX_LINE)
    if kind in ("string_type", "list_type"):
        return _("This value has the wrong type.")
    return _("This value is not valid.")


def parse_brief(data: Any, lang: str | None = None) -> Brief:
    """Validate a mapping into a Brief; raise BriefError with localised, field-named messages."""
    lang = normalise_lang(lang or (data.get("language") if isinstance(data, dict) else None))
    _ = translator(lang)
    if not isinstance(data, dict):
        raise BriefError([("", _("A brief must be a set of fields such as organisation and purpose."))], lang)
    try:
        return Brief.model_validate(data)
    except ValidationError as exc:
        problems: list[tuple[str, str]] = []
        seen: set[str] = set()
        for error in exc.errors():
            field = str(error["loc"][0]) if error.get("loc") else ""
            if field in seen:
                continue
            seen.add(field)
            problems.append((field, _message(error, lang)))
        raise BriefError(problems, lang) from None


def load_brief(path: str | Path, lang: str | None = None) -> Brief:
    """Load a brief from a YAML or JSON file."""
    explicit = lang
    lang = normalise_lang(lang)
    _ = translator(lang)
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError:
        raise BriefError([("", _("Cannot read the brief file {name}.", name=path.name))], lang) from None
    if len(raw) > MAX_FILE_BYTES:
        raise BriefError([("", _("The brief file is too large."))], lang)
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError):
        raise BriefError([("", _("The brief file is not valid YAML or JSON."))], lang) from None
    if explicit is None and isinstance(data, dict) and isinstance(data.get("language"), str):
        explicit = data["language"]
    return parse_brief(data, explicit)


def brief_to_dict(brief: Brief) -> dict:
    return brief.model_dump(mode="json")


# --- hints: worth a second look, never a reason to refuse ------------------------------------------------

_WORDS = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
REPEAT_WORDS = 8  # a run of this many words said twice reads as a repetition, not as emphasis


def _texts(value: Any) -> list[str]:
    """The text of a field as typed: a plain value, or one value per language."""
    if isinstance(value, dict):
        return [str(v) for v in value.values() if v]
    return [str(value)] if value not in (None, "") else []


def repeats_itself(text: str) -> bool:
    """Whether a text says the same thing twice: a sentence repeated, or the same run of words twice."""
    sentences = [" ".join(_WORDS.findall(s.lower())) for s in _SENTENCE_END.split(text)]
    sentences = [s for s in sentences if s]
    if len(sentences) != len(set(sentences)):
        return True
    words = _WORDS.findall(text.lower())
    runs = [tuple(words[i:i + REPEAT_WORDS]) for i in range(len(words) - REPEAT_WORDS + 1)]
    return len(runs) != len(set(runs))


def brief_hints(data: dict, lang: str, today: date | None = None) -> dict[str, str]:
    """{field: message} for values that are valid but probably not meant: a go-live date in the past, an
    organisation name without a letter or digit (emoji only), a purpose that repeats itself. Works on a
    brief as typed, complete or not."""
    _ = translator(lang)
    today = today or date.today()
    hints: dict[str, str] = {}
    start = data.get("start_date")
    try:
        start = start if isinstance(start, date) else date.fromisoformat(str(start)) if start else None
    except ValueError:
        start = None
    if start is not None and start < today:
        hints["start_date"] = _("This date is in the past. Check the go-live date: the texts announce it.")
    names = _texts(data.get("organisation"))
    if names and any(not any(ch.isalnum() for ch in name) for name in names):
        hints["organisation"] = _("The name has no letters or digits. Staff read it in every text: use the "
                                  "name they know.")
    if any(repeats_itself(text) for text in _texts(data.get("purpose"))):
        hints["purpose"] = _("The purpose says the same thing twice. Say it once; the texts quote it.")
    return hints
