"""Files -> `Responses`: our response sheet, Microsoft Forms, Google Forms, Qualtrics and any CSV/XLSX.

    grid.py         bytes -> cells (xlsx, csv, tsv, txt; encodings, delimiters, zip-bomb and size guards)
    table.py        cells -> `Table` (which tool wrote it, header rows, what each column is)
    mapping.py      columns -> survey items (key, text, fuzzy)
    answers.py      one cell -> one answer (labels in nl/sv/en, numbers, open text)
    responses.py    the whole read: `read_responses(...) -> Responses`, everything counted in the report
    sheet.py        our own blank response sheet for a survey (.xlsx / .csv)
    survey_file.py  `--survey FILE`: the JSON of `draft survey --json`
"""

from toolkit.results.errors import ResultsError
from toolkit.results.ingest.grid import LIMITS, Limits
from toolkit.results.ingest.mapping import map_columns
from toolkit.results.ingest.responses import read_responses, resolve_mapping
from toolkit.results.ingest.sheet import response_sheet
from toolkit.results.ingest.survey_file import load_survey, survey_from_dict
from toolkit.results.ingest.table import FORMATS, Column, Table, detect_format, read_table

__all__ = ["FORMATS", "LIMITS", "Column", "Limits", "ResultsError", "Table", "detect_format", "load_survey",
           "map_columns", "read_responses", "read_table", "resolve_mapping", "response_sheet", "survey_from_dict"]
