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
from toolkit.models import LANGS, Lang
from toolkit.text import clean_text, one_line

MAX_TEXT = 2000  # characters in a free-text field
MAX_LINE = 300  # characters in one list entry or short field
MAX_ITEMS = 20  # entries in one list
MAX_FILE_BYTES = 1_000_000

# The kinds of AI tool a brief can name (`tool_kinds`); the FAQ chooses its questions by them.
TOOL_KINDS = ("chatbot", "voicebot", "agent_assist", "summaries", "analytics", "routing", "planning")
ToolKind = Literal["chatbot", "voicebot", "agent_assist", "summaries", "analytics", "routing", "planning"]

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
    "tool_kinds": "Kind of AI tool",
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
    tool_kinds: list[ToolKind] = Field(default_factory=list)  # empty: inferred (see `tool_kinds`)

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

    @field_validator("tool_kinds", mode="before")
    @classmethod
    def _kinds(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            value = re.split(r"[,;\n]", value)
        if isinstance(value, list | tuple):
            kinds = [v.strip().lower().replace("-", "_").replace(" ", "_") if isinstance(v, str) else v
                     for v in value]
            return list(dict.fromkeys(k for k in kinds if k != ""))
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
    if kind == "literal_error" and error.get("loc", ("",))[0] == "tool_kinds":
        return _("“{value}” is not a kind of AI tool. Choose from: {options}.", value=one_line(str(error.get("input"))),
                 options=", ".join(TOOL_KINDS))
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


# --- the kind of AI tool ------------------------------------------------------------------------------------

def infer_tool_kinds(brief: Brief) -> list[str]:
    """A proposal for `tool_kinds` read from `ai_tool`, `purpose` and `changes`: every kind one of whose keywords
    (in any language, `templates/{lang}/tool_kinds.yaml`) begins a word there. [] when none does."""
    from toolkit.templates import load_template

    text = " ".join([brief.ai_tool, brief.purpose, *brief.changes]).lower()
    found: list[str] = []
    for lang in LANGS:
        keywords = load_template(lang, "tool_kinds").get("keywords") or {}
        for kind in TOOL_KINDS:
            if kind not in found and any(re.search(rf"(?<!\w){re.escape(k.lower())}", text)
                                         for k in keywords.get(kind) or []):
                found.append(kind)
    return sorted(found, key=TOOL_KINDS.index)


def tool_kinds(brief: Brief) -> tuple[list[str], bool]:
    """The kinds of AI tool the drafts are written for, and whether they were inferred (the brief names none).

    Nothing to go on gives every kind, so the FAQ asks every question rather than guessing."""
    if brief.tool_kinds:
        return list(brief.tool_kinds), False
    return infer_tool_kinds(brief) or list(TOOL_KINDS), True


def tool_kinds_notice(brief: Brief, lang: str) -> str:
    """A localised notice for a draft when the kinds were inferred ('' when the brief names them)."""
    kinds, inferred = tool_kinds(brief)
    if not inferred:
        return ""
    _ = translator(lang)
    from toolkit.templates import load_template

    if not infer_tool_kinds(brief):
        return _("The brief does not say what kind of AI tool this is, so the questions cover every kind. Choose "
                 "the kinds under “Kind of AI tool” in the brief.")
    labels = load_template(lang, "tool_kinds").get("labels") or {}
    words = [labels.get(kind, kind) for kind in kinds]
    listed = ", ".join(words[:-1]) + f" {load_template(lang, 'common')['and']} {words[-1]}" if len(words) > 1 \
        else words[0]
    return _("The brief does not say what kind of AI tool this is. From the brief we assume: {kinds}. If that is "
             "wrong, choose the kinds under “Kind of AI tool” in the brief.", kinds=listed)
