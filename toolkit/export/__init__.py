"""Draft -> Word document (python-docx) and survey -> CSV.

Every document starts from a reference .docx: `templates/reference.docx` (built by
`scripts/make_reference_docx.py`) or a user's branded file. Its body is emptied; its styles, page set-up, header and
footer stay. Styles the reference lacks are copied from the default reference (or fall back to Normal), lists are
numbered through our own numbering definitions (one per list, so every numbered list restarts at 1), and every string
passes `clean_text` first: an export never fails on user text.

The rooms: `reference` (the reference document, a user's branded .docx), `wordxml` (low-level Word XML),
`writer` (the blocks every layout writes with), `layout` (what each kind of draft holds; a new kind registers
its layout there with `@layout(kind)`), `document` (`to_docx`: putting it together) and `csv` (the survey as CSV).
"""

from __future__ import annotations

from toolkit.export.csv import CSV_COLUMNS, survey_csv
from toolkit.export.document import to_docx, write_docx
from toolkit.export.layout import BOX, LAYOUTS, layout_for
from toolkit.export.reference import MAX_REFERENCE_BYTES, REFERENCE_PATH, load_reference
from toolkit.export.wordxml import abstract_num_xml
from toolkit.export.writer import EDITIONS, MANAGER_KINDS, Writer, subject

__all__ = [
    "BOX", "CSV_COLUMNS", "EDITIONS", "MANAGER_KINDS", "LAYOUTS", "MAX_REFERENCE_BYTES", "REFERENCE_PATH", "Writer", "abstract_num_xml",
    "layout_for", "load_reference", "subject", "survey_csv", "to_docx", "write_docx",
]
