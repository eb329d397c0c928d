"""The rollout brief: what the manager tells us once, from which every artefact is drafted.

Load from YAML or JSON with `load_brief(path)` or validate a mapping with `parse_brief(data, lang)`.
Problems raise `BriefError`, whose messages name the field in the user's language.

One brief serves documents in several languages. A free-text field (`TRANSLATABLE`) may hold a plain value or a
map from language to value (`contact_person: {nl: "Sanne de Vries, teamleider", sv: "Sanne de Vries, gruppchef"}`),
and `address` a map per language (`{nl: u, sv: ni}`). A Brief's own fields hold one plain value each: the map's
value in the brief's `language` (else English, Dutch, Swedish). `Brief.for_lang(lang)` gives the brief as one
language reads it, so composers only ever see plain strings, and names in `untranslated` the fields whose text
is still in another language: a map without that language, or a plain value that reads as another language.
`quoted_fields(brief, text)` narrows those to the ones a draft's text actually quotes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, PrivateAttr, ValidationError, field_validator

from toolkit.i18n import LANGUAGE_NAMES, normalise_lang, translator
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

# The fields that may hold a value per language (a map from language to value), and those among them that are
# text staff read (whose language is checked against the draft's). `address` is a choice per language.
TRANSLATABLE = ("purpose", "vision", "changes", "stops_doing", "stays_same", "facts", "success_measures",
                "commitments", "audience", "contact_person", "author")
PER_LANG = (*TRANSLATABLE, "address")
NAME_FIRST = ("contact_person", "author")  # "Name, role": only the role is language; a bare name is not
ADDRESSES = {"nl": ("je", "u"), "sv": ("du", "ni")}


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

    # field -> language -> validated value, for the fields given as a map per language (see the module doc).
    _by_lang: dict[str, dict[str, Any]] = PrivateAttr(default_factory=dict)
    _untranslated: tuple[str, ...] = PrivateAttr(default=())

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
        address = self._by_lang.get("address", {}).get(lang, self.address)
        if lang == "nl":
            return address if address in ("je", "u") else ("u" if self.tone == "formal" else "je")
        if lang == "sv":
            return address if address in ("du", "ni") else "du"
        return "formal" if self.tone == "formal" else "plain"

    def draft_lang(self, override: str | None = None) -> str:
        return normalise_lang(override or self.language or "en")

    def for_lang(self, lang: str) -> Brief:
        """The brief as a document in `lang` reads it: each per-language field holds its value in `lang` (a
        field without one keeps its other-language value and is named in `untranslated`)."""
        lang = normalise_lang(lang)
        update = {name: values[lang] for name, values in self._by_lang.items() if lang in values}
        if "address" in self._by_lang:
            update["address"] = self._by_lang["address"].get(lang)
        copy = self.model_copy(update=update)
        copy._by_lang = self._by_lang
        copy._untranslated = tuple(name for name in TRANSLATABLE if copy._foreign(name, lang))
        return copy

    @property
    def untranslated(self) -> tuple[str, ...]:
        """After `for_lang`: the fields whose text a draft in that language would quote in another language."""
        return self._untranslated

    @property
    def langs(self) -> dict[str, tuple[str, ...]]:
        """The languages each per-language field has a value in (only fields given as a map)."""
        return {name: tuple(lang for lang in LANGS if lang in values) for name, values in self._by_lang.items()}

    def _foreign(self, name: str, lang: str) -> bool:
        values = self._by_lang.get(name)
        if values is not None and lang not in values:
            return True  # a map without this language: the draft falls back to another language's text
        found = written_in(getattr(self, name), name)
        return found is not None and found != lang


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
    """Validate a mapping into a Brief; raise BriefError with localised, field-named messages.

    Per-language fields may be maps from language to value; every language's values are validated."""
    lang = normalise_lang(lang or (data.get("language") if isinstance(data, dict) else None))
    _ = translator(lang)
    if not isinstance(data, dict):
        raise BriefError([("", _("A brief must be a set of fields such as organisation and purpose."))], lang)
    maps = {name: _language_map(data[name]) for name in PER_LANG if _is_language_map(data.get(name))}
    if "address" in maps:  # English has no form of address of its own (its register follows `tone`)
        maps["address"] = {code: value for code, value in maps["address"].items() if code in ADDRESSES}
    home = normalise_lang(data.get("language") if isinstance(data.get("language"), str) else None)
    brief = _validate(_plain(data, maps, None, home), lang, "")
    by_lang: dict[str, dict[str, Any]] = {name: {} for name in maps}
    for value_lang in sorted({code for values in maps.values() for code in values}, key=LANGS.index):
        resolved = _validate(_plain(data, maps, value_lang, home), lang, LANGUAGE_NAMES[value_lang])
        for name, values in maps.items():
            if value_lang in values:
                by_lang[name][value_lang] = getattr(resolved, name)
    _check_addresses(maps.get("address", {}), lang)
    brief._by_lang = by_lang
    return brief


def _validate(data: dict, lang: str, prefix: str) -> Brief:
    """Brief.model_validate with BriefError; `prefix` (a language's name) leads each message."""
    _ = translator(lang)
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
            message = _message(error, lang)
            problems.append((field, f"{prefix}: {message}" if prefix else message))
        raise BriefError(problems, lang) from None


def _is_language_map(value: Any) -> bool:
    """A mapping whose every key is one of the toolkit's languages (en, nl, sv), in any case."""
    return (isinstance(value, dict) and bool(value)
            and all(isinstance(key, str) and key.strip().lower() in LANGS for key in value))


def _language_map(value: dict) -> dict[str, Any]:
    """{lang: value} with the keys normalised and empty values left out (an empty text is no translation)."""
    out = {key.strip().lower(): item for key, item in value.items()}
    return {key: item for key, item in out.items() if item not in (None, "", [])}


def _plain(data: dict, maps: dict[str, dict[str, Any]], lang: str | None, home: str) -> dict:
    """The brief with each map replaced by one value: `lang`'s, else the home language's, English, Dutch,
    Swedish (a required field given in any language is present)."""
    order = [code for code in (lang, home, *LANGS) if code]
    out = dict(data)
    for name, values in maps.items():
        out[name] = next((values[code] for code in order if code in values), None)
    return out


def _check_addresses(addresses: dict[str, Any], lang: str) -> None:
    """Each language's form of address is one that language has (nl je/u, sv du/ni)."""
    _ = translator(lang)
    for code, value in addresses.items():
        allowed = ADDRESSES.get(code, ())
        if str(value).strip().lower() not in allowed:
            options = ", ".join(allowed) or "-"
            raise BriefError([("address", f"{LANGUAGE_NAMES[code]}: " + _("Choose one of: {options}.",
                                                                          options=options))], lang)


def value_in(name: str, value: Any, lang: str, home: str) -> Any:
    """The stored value of field `name` in `lang` (a plain value belongs to the brief's language `home`, a plain
    form of address to the language it is a form of); None when there is none."""
    if _is_language_map(value):
        return _language_map(value).get(lang)
    if value in (None, "", []):
        return None
    return value if _plain_lang(name, value, home) == lang else None


def with_value(name: str, value: Any, lang: str, new: Any, home: str) -> Any:
    """The stored value of field `name` with its `lang` value set to `new` (empty: removed). A plain value
    stays plain while it is the only one; a second language makes it a map ({"nl": ..., "sv": ...})."""
    if name == "address" and new:
        lang = _plain_lang(name, new, lang)
    if _is_language_map(value):
        values = _language_map(value)
    elif value in (None, "", []):
        values = {}
    else:
        values = {_plain_lang(name, value, home): value}
    values[lang] = new
    values = {code: item for code, item in values.items() if item not in (None, "", [])}
    if not values:
        return "" if name != "address" else None
    if set(values) == {home} or (len(values) == 1 and name == "address"):
        return next(iter(values.values()))
    return {code: values[code] for code in LANGS if code in values}


def _plain_lang(name: str, value: Any, home: str) -> str:
    """The language a plain value is in: a form of address's own language, else the brief's."""
    if name == "address":
        return next((code for code, forms in ADDRESSES.items() if str(value).strip().lower() in forms), home)
    return home


def quoted_fields(brief: Brief, text: str, fields: Iterable[str] | None = None) -> tuple[str, ...]:
    """Those of `fields` (default: `brief.untranslated`) whose text `text` quotes: some entry or sentence of the
    field (for "Name, role" fields, the role) opens with words found in `text`, ignoring case and spacing."""
    lowered = " ".join(_WORDS.findall(text.lower()))
    found = []
    for name in brief.untranslated if fields is None else fields:
        value = getattr(brief, name)
        entries = list(value) if isinstance(value, list | tuple) else _SENTENCE_END.split(str(value or ""))
        if name in NAME_FIRST:
            entries = [entry.partition(",")[2] for entry in entries]
        for entry in entries:
            opening = " ".join(_WORDS.findall(entry.lower())[:4])
            if len(opening) >= 6 and opening in lowered:
                found.append(name)
                break
    return tuple(found)


_WORDS = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def written_in(value: Any, name: str = "") -> str | None:
    """The language a brief value reads as ("nl", "sv", "en"), or None when it is too short or unclear.

    For "Name, role" fields (`NAME_FIRST`) only the role counts: a person's name is no language."""
    text = "\n".join(value) if isinstance(value, list | tuple) else str(value or "")
    if name in NAME_FIRST:
        head, sep, rest = text.partition(",")
        if not sep:
            head, sep, rest = text.partition("(")
        text = rest if sep else ""
    return _detect(text.strip())


@lru_cache(maxsize=2048)
def _detect(text: str) -> str | None:
    from toolkit.language import detect_language  # lingua loads on first use only

    return detect_language(text) if text else None


def load_brief(path: str | Path, lang: str | None = None) -> Brief:
    """Load a brief from a YAML or JSON file. With `lang`, messages are in that language and the brief is read
    as a document in `lang` reads it (`Brief.for_lang`)."""
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
    wanted = explicit
    if explicit is None and isinstance(data, dict) and isinstance(data.get("language"), str):
        explicit = data["language"]
    brief = parse_brief(data, explicit)
    return brief.for_lang(wanted) if wanted else brief


def brief_to_dict(brief: Brief) -> dict:
    """The brief as data, per-language fields as maps again (what `parse_brief` reads back)."""
    data = brief.model_dump(mode="json")
    for name, values in brief._by_lang.items():
        data[name] = dict(values)
    return data


def field_names(fields: Iterable[str], lang: str) -> str:
    """The fields' labels in `lang`, joined for a message ("Contact person, Purpose")."""
    _ = translator(lang)
    return ", ".join(_(FIELD_LABELS.get(name, name)) for name in fields)


def untranslated_notice(fields: Iterable[str], lang: str) -> str:
    """The notice on a draft that quotes brief text in another language, naming the fields to translate."""
    _ = translator(lang)
    return _("Some text from the brief is not in this document's language yet and appears as written in the "
             "brief: {fields}. Add a translation of these fields in the brief (Rollout page).",
             fields=field_names(fields, lang))


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
