"""`--survey FILE`: a survey edited or kept outside the toolkit, as the JSON of `draft survey --json`."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from toolkit.models import Draft
from toolkit.results import errors
from toolkit.results.errors import ResultsError

MAX_SURVEY_BYTES = 5 * 1024 * 1024


def load_survey(path: str | Path) -> Draft:
    """The survey `Draft` in a JSON file; raises `ResultsError` when it is no readable survey."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_SURVEY_BYTES:
            raise ResultsError(errors.TOO_LARGE, name=path.name, limit=MAX_SURVEY_BYTES // (1024 * 1024))
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise ResultsError(errors.SURVEY_UNREADABLE, name=path.name) from None
    return survey_from_dict(data, path.name)


def survey_from_dict(data: object, name: str = "survey.json") -> Draft:
    """A survey `Draft` from parsed JSON (the derived `text` field of the JSON is ignored)."""
    if not isinstance(data, dict):
        raise ResultsError(errors.SURVEY_UNREADABLE, name=name)
    data = {k: v for k, v in data.items() if k != "text"}
    kind = data.get("kind")
    if kind != "survey":
        if isinstance(kind, str) and kind:
            raise ResultsError(errors.NOT_A_SURVEY, name=name, kind=kind[:20])
        raise ResultsError(errors.SURVEY_UNREADABLE, name=name)
    try:
        survey = Draft.model_validate(data)
    except ValidationError:
        raise ResultsError(errors.SURVEY_UNREADABLE, name=name) from None
    if not survey.questions:
        raise ResultsError(errors.SURVEY_UNREADABLE, name=name)
    return survey
