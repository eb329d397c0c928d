"""`ResultsError`: a results file or survey the toolkit cannot use, with a message in the user's language."""

from __future__ import annotations

from toolkit.i18n import LocalisedError


def _(msgid: str) -> str:
    """Marks a message for extraction into the catalogs; it is translated when shown (`ResultsError.message`)."""
    return msgid


class ResultsError(LocalisedError):
    """A file that cannot be read or used. `msgid` is English with `{placeholders}`; `values` fill them."""


# Every message a results file can earn, in one place so translators see them together.
TOO_LARGE = _("{name}: the file is larger than {limit} MB.")
EMPTY = _("{name}: the file is empty.")
UNSUPPORTED = _("{name}: this file type is not supported. Use .xlsx, .csv, .tsv or .txt.")
OLD_EXCEL = _("{name}: this is an old .xls workbook or a password-protected one. Save it as .xlsx without a "
              "password and try again.")
DAMAGED = _("{name}: the file is damaged or is not a spreadsheet.")
ZIP_BOMB = _("{name}: the workbook unpacks to more than {limit} MB; it is refused to protect the computer.")
NOT_TEXT = _("{name}: the file is not a text table (CSV or TSV).")
TOO_MANY_ROWS = _("{name}: the file has more than {limit} rows of answers.")
TOO_MANY_COLUMNS = _("{name}: the file has more than {limit} columns.")
NO_HEADER = _("{name}: no header row with the questions was found.")
NO_ITEMS = _("{name}: none of the columns matches a question of the survey. Check that this is the answer file "
             "of this survey.")
NO_GROUP_COLUMN = _("{name}: there is no column called {column}.")
GROUP_COLUMN_PER_WAVE = _("When the files name the group column differently, give it per wave, e.g. "
                          "--group-column {wave}=Team.")
UNKNOWN_ITEM = _("{name}: the mapping names a question that is not in the survey: {item}.")
SURVEY_UNREADABLE = _("{name}: the survey file cannot be read; use the JSON of `draft survey --json`.")
NOT_A_SURVEY = _("{name}: this JSON is a {kind} draft, not a survey.")
