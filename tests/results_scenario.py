"""Three waves as an HR partner really gets them: Microsoft Forms exports of about 60 people whose group column
is named differently in every wave ("Arbetslag", then "Team", then "Avdelning"), group names typed in other
case and spacing, one group of 3, and comments in Dutch and Swedish with an e-mail address and a name in them.

Built from the seeded files of `scripts/make_responses.py` (groups of 3, 4, 6 and the rest): the groups are
renamed, the 4 and the 6 become one group of 10 and the rest is split in two, so the only group below the
minimum is the one of 3.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from results_files import make_responses

WAVES = ("before", "during", "after")
HEADERS = {"sv": ("Arbetslag", "Team", "Avdelning"), "nl": ("Team", "Afdeling", "Groep")}
SMALL = {"sv": "Nattpasset", "nl": "Nachtdienst"}  # the group of 3: never shown
GROUPS = {  # make_responses' group -> the group here (Centraal is split in two by row)
    "sv": {"Noord": "Nattpasset", "Zuid": "Kundservice Malmö", "Avond": "Kundservice Malmö",
           "Centraal": ("Kundservice Göteborg", "Skadeservice")},
    "nl": {"Noord": "Nachtdienst", "Zuid": "Team Zuid", "Avond": "Team Zuid",
           "Centraal": ("Team Utrecht", "Team Amersfoort")},
}
NAME = {"sv": "Anna Lindqvist", "nl": "Jeroen de Vries"}  # a colleague named in a comment (not in the brief)
EMAIL = {"sv": "anna.lindqvist@trygghem.se", "nl": "j.devries@voorbeeld.nl"}
COMMENTS = {  # written into the last open question of the first rows of every wave
    "sv": ["Skicka gärna svar till anna.lindqvist@trygghem.se, jag vill veta mer om utbildningen.",
           "Anna Lindqvist sa att vi skulle få mer tid att öva på utbildningen, men det har inte hänt.",
           "Jeroen de Vries zei dat we meer oefentijd krijgen voor de training, maar dat is nog niet gebeurd."],
    "nl": ["Mail me gerust op j.devries@voorbeeld.nl over de training, ik heb ideeën.",
           "Jeroen de Vries zei dat we meer oefentijd krijgen voor de training, maar dat is nog niet gebeurd.",
           "Anna Lindqvist sa att vi skulle få mer tid att öva på utbildningen, men det har inte hänt."],
}


def spelling(name: str, row: int, wave: int) -> str:
    """How a person typed the group: as it is, in lower case with a space after, or in capitals."""
    if wave == 0:
        return name
    return (name, f"{name.lower()} ", name.upper(), f" {name}")[row % 4]


def make_scenario(folder: Path, lang: str, *, seed: int = 11, size: int = 60,
                  headers: tuple[str, str, str] | None = None) -> dict[str, Path]:
    """Write the three waves' Forms exports in `lang` (sv or nl) under `folder`; returns wave -> file. The
    survey each wave answers is `folder/WAVE/survey-LANG.json`. `headers` replace the group columns' names."""
    make_responses().make(folder, seed, list(WAVES), size)
    files = {}
    for number, wave in enumerate(WAVES):
        book = openpyxl.load_workbook(folder / wave / f"forms-{lang}.xlsx")
        sheet = book.active
        header = [c.value for c in sheet[1]]
        group = header.index("Arbetslag" if lang == "sv" else "Team") + 1
        sheet.cell(1, group).value = (headers or HEADERS[lang])[number]
        for row in range(2, sheet.max_row + 1):
            cell = sheet.cell(row, group)
            if cell.value:
                target = GROUPS[lang][cell.value]
                name = target[row % 2] if isinstance(target, tuple) else target
                cell.value = spelling(name, row, number)
        for row, text in enumerate(COMMENTS[lang], start=2):
            sheet.cell(row, len(header)).value = text
        files[wave] = folder / wave / f"{wave}-{lang}.xlsx"
        book.save(files[wave])
    return files
