"""Citation marks: the one `[n]` pattern every room uses (drafting, checks, export, the LLM writer).

A mark `[n]` refers to the n-th entry (1-based) of `Draft.citations`.
"""

from __future__ import annotations

import re

MARK = re.compile(r"\[(\d+)\]")  # one citation mark; group 1 is the number
