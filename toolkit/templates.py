"""The per-language template files (`templates/{en,nl,sv}/*.yaml`): wording, labels and card ids as data.

Every room that words something for a reader (drafting, results, checks) reads its text here, so the words live
in one place per language and `tests/test_templates.py` can hold the three languages to the same keys.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from toolkit.settings import TEMPLATES_DIR


@cache
def _template(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def load_template(lang: str, name: str, root: Path = TEMPLATES_DIR) -> dict:
    """The text blocks of one artefact or room (`story`, `faq`, `survey`, `plan`, `common`, `results`, ...) in one
    language."""
    return _template(str(root / lang / f"{name}.yaml"))


def template_node(template: dict, path: str) -> Any:
    """The raw template value at a dotted path (e.g. "items.job.answer"), or None."""
    node: Any = template
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node
