"""Real answer files for tests: `scripts/make_responses.py` writes them (every format, with groups of 3, 4, 6
and 40, blanks, duplicates and comments) together with `truth.json`, the values a correct read must find."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from toolkit.brief import load_brief
from toolkit.results.ingest import load_survey, read_responses
from toolkit.results.summary import summarise
from toolkit.settings import PROJECT_ROOT

BRIEFS = {lang: PROJECT_ROOT / "examples" / f"brief-{lang}.yaml" for lang in ("en", "nl", "sv")}
GROUP_COLUMN = {"en": "Team", "nl": "Team", "sv": "Arbetslag"}  # the Forms exports' group column
HIDDEN = ("Noord", "Zuid")  # the groups of 3 and 4: below the minimum of 5
SHOWN = ("Avond", "Centraal")


def make_responses():
    """`scripts/make_responses.py` as a module (scripts are not a package)."""
    spec = importlib.util.spec_from_file_location("make_responses", PROJECT_ROOT / "scripts" / "make_responses.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_files(folder: Path, waves: tuple[str, ...] = ("before", "during")) -> Path:
    """Write every answer file and truth.json into `folder` (seed 7, 53 people per wave); returns `folder`."""
    make_responses().make(folder, 7, list(waves), 53)
    return folder


def truth(folder: Path) -> dict:
    return json.loads((folder / "truth.json").read_text(encoding="utf-8"))


def forms_summary(folder: Path, lang: str, waves: tuple[str, ...] = ("before", "during"), *, groups: bool = True):
    """The summary of the Forms exports in `lang`, read against the survey each wave was asked with."""
    brief = load_brief(BRIEFS[lang])
    read = {}
    for wave in waves:
        survey = load_survey(folder / wave / f"survey-{lang}.json")
        path = folder / wave / f"forms-{lang}.xlsx"
        read[wave] = read_responses(path.name, path.read_bytes(), survey, wave,
                                    group_column=GROUP_COLUMN[lang] if groups else None)
    survey = load_survey(folder / waves[0] / f"survey-{lang}.json")
    return summarise(read, survey, lang=lang, team_size=brief.team_size,
                     names=[brief.contact_person, brief.author])
