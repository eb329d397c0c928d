"""Text hygiene shared by the brief, ingestion and export: remove what XML and terminals cannot carry."""

from __future__ import annotations

import re

# C0/C1 controls except tab, newline and carriage return; XML non-characters; lone surrogates.
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Return `value` without control characters, non-characters or lone surrogates; normalise newlines."""
    if not value:
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _BAD.sub("", value)


def one_line(value: str) -> str:
    """Collapse whitespace to single spaces (for titles, names and list items)."""
    return " ".join(clean_text(value).split())
