"""Seeded survey answers with known true values, written in every format the importer reads.

    .venv/bin/python scripts/make_responses.py --out DIR [--seed 7] [--waves before,during] [--size 53]

Per wave one set of respondents is drawn (groups of 3, 4, 6 and the rest of `--size`; reverse items answered
the way worried people answer them; skipped items; fully blank rows; an out-of-range and an unreadable answer;
two duplicate submissions; comments in Dutch, Swedish and English about training, job worries, the tool's
errors and workload, two of them with an e-mail address or phone number to mask). The same people are then
written in each format:

    WAVE/forms-nl.xlsx  forms-sv.xlsx  forms-en.xlsx   Microsoft Forms (localised headers; serial dates in nl)
    WAVE/google-nl.csv                                 Google Forms grid, `;`, cp1252 (as Dutch Excel saves it)
    WAVE/qualtrics-en-codes.csv                        Qualtrics, three header rows, numeric codes, 2 previews
    WAVE/qualtrics-sv-text.tsv                         Qualtrics, UTF-16 TSV, choice text in Swedish
    WAVE/ours-nl.xlsx  ours-en.csv                     our own response sheet, filled in
    WAVE/survey-{nl,sv,en}.json                        the survey each file answers (`draft survey --json`)

`truth.json` beside them holds, per wave, what a correct import must find: respondents, n per group, per item
and per dimension the counts of each answer and of favourable answers (reverse items flipped), eNPS counts,
comments per theme and language, and per file the report counts (rows, blank rows, duplicates, out of range,
unreadable, excluded).
"""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import json
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit import drafting  # noqa: E402
from toolkit.brief import load_brief  # noqa: E402
from toolkit.models import Draft  # noqa: E402
from toolkit.results.ingest.sheet import response_sheet  # noqa: E402

GROUPS = ("Noord", "Zuid", "Avond", "Centraal")  # sizes 3, 4, 6 and the rest
BRIEFS = {"nl": "brief-nl.yaml", "sv": "brief-sv.yaml", "en": "brief-en.yaml"}
FAVOURABLE = {"before": 0.45, "during": 0.55, "after": 0.65}  # chance that a person leans favourable
DIMENSION_SHIFT = {"readiness": -0.15, "workload": -0.1, "purpose": 0.1, "usefulness": 0.05}
FORMS_META = {
    "nl": ["ID", "Begintijd", "Tijd van voltooien", "E-mail", "Naam", "Tijd van laatste wijziging", "Team"],
    "sv": ["ID", "Starttid", "Slutförandetid", "E-post", "Namn", "Senaste ändringstid", "Arbetslag"],
    "en": ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time", "Team"],
}
GOOGLE_STEM = "Hoe sta je tegenover de volgende uitspraken?"
QUALTRICS_STEM = {"en": "How much do you agree with the following statements?",
                  "sv": "Hur väl stämmer följande påståenden?"}
NPS_ANCHORS = {"en": ("0 - Not at all likely", "10 - Extremely likely"),
               "sv": ("0 - Inte alls troligt", "10 - Mycket troligt")}
QUALTRICS_META = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
                  "RecordedDate", "ResponseId", "DistributionChannel", "UserLanguage"]

COMMENTS = {
    "training": {
        "nl": ["Ik wil graag meer oefentijd voordat we live gaan.", "De training was te kort, ik heb nog veel vragen.",
               "Kunnen we een extra training krijgen over de nieuwe schermen?",
               "Ik mis een goede uitleg in de training over hoe ik de suggesties controleer."],
        "sv": ["Jag skulle vilja ha mer tid att öva innan vi börjar.", "Utbildningen var för kort för mig.",
               "Kan vi få en extra utbildning om de nya skärmarna?",
               "Jag saknar en genomgång i utbildningen av hur man kontrollerar förslagen."],
        "en": ["I would like more practice time before we go live.", "The training was too short for me.",
               "Could we get an extra training session on the new screens?",
               "The training did not explain how to check the suggestions."],
    },
    "job": {
        "nl": ["Ik maak me zorgen of mijn baan blijft bestaan.", "Wat betekent dit voor ons team op de lange termijn?",
               "Ik ben bang dat er minder collega's nodig zijn.", "Ik hoop dat niemand zijn baan verliest door dit."],
        "sv": ["Jag är orolig för om mitt jobb finns kvar.", "Vad betyder det här för vårt team på sikt?",
               "Jag är rädd att det behövs färre kollegor.", "Jag hoppas att ingen förlorar jobbet på grund av detta."],
        "en": ["I worry whether my job will still be there.", "What does this mean for our team in the long run?",
               "I am afraid fewer colleagues will be needed.", "I hope nobody loses their job because of this."],
    },
    "errors": {
        "nl": ["De tool geeft soms verkeerde antwoorden aan klanten.", "Het systeem loopt vaak vast tijdens een gesprek.",
               "De samenvattingen kloppen niet altijd, ik moet alles nakijken.",
               "Soms stelt de assistent een fout tarief voor."],
        "sv": ["Verktyget ger ibland fel svar till kunderna.", "Systemet hänger sig ofta mitt i ett samtal.",
               "Sammanfattningarna stämmer inte alltid, jag måste kontrollera allt.",
               "Ibland föreslår assistenten fel pris."],
        "en": ["The tool sometimes gives customers wrong answers.", "The system often freezes during a call.",
               "The summaries are not always right, I have to check everything.",
               "Sometimes the assistant suggests the wrong tariff."],
    },
    "workload": {
        "nl": ["De werkdruk is nu al hoog, dit komt er nog bij.", "Ik heb geen tijd om naast de drukte te leren.",
               "Er zijn te veel wachtrijen om ook nog te oefenen.", "Het is erg druk en de wachttijden lopen op."],
        "sv": ["Arbetsbelastningen är redan hög, och nu kommer detta till.", "Jag har ingen tid att lära mig när det är så mycket att göra.",
               "Köerna är för långa för att vi ska hinna öva.", "Det är väldigt stressigt och väntetiderna växer."],
        "en": ["The workload is already high and this comes on top.", "I have no time to learn while it is this busy.",
               "The queues are too long to find time to practise.", "It is very busy and waiting times keep growing."],
    },
}
PII_COMMENTS = {"nl": "Bel me gerust op 06-12345678 als er vragen zijn over de training.",
                "en": "Mail me at sam.jansen@example.com about the training, I have ideas."}


# --- drawing the people ---------------------------------------------------------------------------------------

def surveys(wave: str) -> dict[str, Draft]:
    """The survey in each language for a wave, drafted offline from the example briefs."""
    class NoGuidance:  # the survey's items do not depend on the guidance found
        def search(self, query, lang=None, k=5):
            return []

    out = {}
    for lang, brief_file in BRIEFS.items():
        brief = load_brief(ROOT / "examples" / brief_file)
        out[lang] = drafting.offline_draft("survey", brief, lang, NoGuidance(), 0, wave)
    return out


def _likert(rng: random.Random, lean: float) -> int:
    if rng.random() < lean:
        return rng.choice((4, 4, 5))
    return rng.choice((1, 2, 2, 3, 3))


def draw_people(rng: random.Random, survey: Draft, wave: str, size: int) -> list[dict]:
    """One dict per person: group, true answers (item key -> value), comment themes."""
    sizes = [3, 4, 6, max(size - 13, 1)]
    people = []
    for group, count in zip(GROUPS, sizes, strict=True):
        for _ in range(count):
            person_lean = FAVOURABLE[wave] + rng.uniform(-0.2, 0.2)
            answers: dict[str, int | str] = {}
            themes: dict[str, tuple[str, str]] = {}  # open item key -> (theme, language)
            for q in survey.questions:
                if q.type == "likert":
                    value = _likert(rng, person_lean + DIMENSION_SHIFT.get(q.dimension, 0.0))
                    answers[q.key] = 6 - value if q.reverse else value  # a worried person agrees with the worry
                elif q.type == "nps":
                    answers[q.key] = min(10, max(0, round(rng.gauss(4 + 6 * person_lean, 2.2))))
                elif rng.random() < 0.45:
                    theme = rng.choice(sorted(COMMENTS))
                    lang = rng.choice(("nl", "nl", "sv", "en"))
                    answers[q.key] = rng.choice(COMMENTS[theme][lang])
                    themes[q.key] = (theme, lang)
            if rng.random() < 0.15:  # skipped one statement
                del answers[rng.choice([q.key for q in survey.questions if q.type == "likert"])]
            people.append({"group": group, "answers": answers, "themes": themes})
    rng.shuffle(people)
    for n, person in enumerate(people, start=1):
        person["id"] = n
    _add_pii(people, survey)
    return people


def _add_pii(people: list[dict], survey: Draft) -> None:
    open_key = next(q.key for q in survey.questions if q.type == "open")
    for person, (lang, text) in zip(people[:2], PII_COMMENTS.items(), strict=False):
        person["answers"][open_key] = text
        person["themes"][open_key] = ("training", lang)


# --- the anomalies every file carries ---------------------------------------------------------------------------

def anomalies(rng: random.Random, people: list[dict], survey: Draft) -> dict:
    """Which cells are written wrong, which rows are blank and which people submit twice (same in every file)."""
    likert = [q.key for q in survey.questions if q.type == "likert"]
    out_of_range = (rng.randrange(len(people)), rng.choice(likert), "7")
    enps = (rng.randrange(len(people)), "enps", "11")
    unreadable = (rng.randrange(len(people)), rng.choice(likert), "n.v.t.")
    wrong = {}
    for row, key, raw in (out_of_range, enps, unreadable):
        if key in people[row]["answers"] and (row, key) not in wrong:
            wrong[(row, key)] = raw
    clean = [i for i in range(len(people)) if not any(row == i for row, _key in wrong)]
    return {"wrong": wrong, "blank_rows": 2, "duplicates": rng.sample(clean, 2)}


def truth(people: list[dict], survey: Draft, wrong: dict) -> dict:
    """What a correct import must find, with the wrong cells left out of the answers."""
    answers = [{k: v for k, v in p["answers"].items() if (i, k) not in wrong} for i, p in enumerate(people)]
    items, dimensions = {}, {}
    for q in survey.questions:
        values = [a[q.key] for a in answers if q.key in a]
        if q.type == "likert":
            counts = {str(v): values.count(v) for v in range(1, 6)}
            favourable = sum(1 for v in values if (v <= 2 if q.reverse else v >= 4))
            unfavourable = sum(1 for v in values if (v >= 4 if q.reverse else v <= 2))
            items[q.key] = {"n": len(values), "counts": counts, "favourable": favourable,
                            "neutral": counts["3"], "unfavourable": unfavourable, "reverse": q.reverse,
                            "dimension": q.dimension}
            dim = dimensions.setdefault(q.dimension, {"n": 0, "favourable": 0, "neutral": 0, "unfavourable": 0})
            for field in ("n", "favourable", "neutral", "unfavourable"):
                dim[field] += items[q.key][field]
        elif q.type == "nps":
            items[q.key] = {"n": len(values), "promoters": sum(v >= 9 for v in values),
                            "passives": sum(7 <= v <= 8 for v in values), "detractors": sum(v <= 6 for v in values)}
        else:
            items[q.key] = {"n": len(values)}
    themes: dict[str, dict[str, int]] = {}
    for person in people:
        for theme, lang in person["themes"].values():
            themes.setdefault(theme, {}).setdefault(lang, 0)
            themes[theme][lang] += 1
    groups = {g: sum(p["group"] == g for p in people) for g in GROUPS}
    return {"respondents": len(people), "groups": groups, "items": items, "dimensions": dimensions,
            "enps": items.get("enps", {}), "themes": themes}


# --- writing the files -------------------------------------------------------------------------------------------

def label(q, value, lang_options: list[str]) -> str:
    return lang_options[value - 1] if q.type == "likert" else str(value)


def _rows(people, survey: Draft, plan: dict, cell) -> list[tuple[int, dict, list]]:
    """(row id, person, item cells) for every row of a file: people, their duplicates, blank rows."""
    base = []
    for index, person in enumerate(people):
        cells = []
        for q in survey.questions:
            raw = plan["wrong"].get((index, q.key))
            value = person["answers"].get(q.key)
            cells.append(raw if raw is not None else ("" if value is None else cell(q, value)))
        base.append((person["id"], person, cells))
    rows = list(base)
    for index in plan["duplicates"]:  # a second submission, somewhere after the first
        rows.insert(min(len(rows), rows.index(base[index]) + 5), base[index])
    for n in range(plan["blank_rows"]):
        rows.insert(3 + 7 * n, (len(people) + n + 1, {"group": "", "answers": {}}, [""] * len(survey.questions)))
    return rows


def _moment(start: datetime, n: int) -> datetime:
    return start + timedelta(minutes=17 * n)


def _serial(moment: datetime) -> float:
    return (moment - datetime(1899, 12, 30)).total_seconds() / 86400


def write_forms(path: Path, people, survey: Draft, plan, start: datetime, lang: str) -> dict:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(FORMS_META[lang] + [q.text for q in survey.questions])
    options = next(q.options for q in survey.questions if q.type == "likert")
    rows = _rows(people, survey, plan, lambda q, v: label(q, v, options))
    for number, (person_id, person, cells) in enumerate(rows, start=1):
        begin, done = _moment(start, number), _moment(start, number) + timedelta(minutes=4)
        if lang == "nl":  # some exports hold Excel serial numbers instead of dates
            begin, done = (_serial(begin), _serial(done))
        email = f"medewerker{person_id}@example.org"
        sheet.append([number, begin, done, email, f"Medewerker {person_id}", done, person["group"], *cells])
    book.save(path)
    return _counts(rows, plan)


def write_google(path: Path, people, survey: Draft, plan, start: datetime) -> dict:  # Dutch: `;`, cp1252
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    header = ["Tijdstempel", "E-mailadres", "Team"]
    header += [f"{GOOGLE_STEM} [{q.text}]" if q.type == "likert" else q.text for q in survey.questions]
    writer.writerow(header)
    options = next(q.options for q in survey.questions if q.type == "likert")
    rows = _rows(people, survey, plan, lambda q, v: label(q, v, options))
    for number, (person_id, person, cells) in enumerate(rows, start=1):
        moment = _moment(start, number).strftime("%d-%m-%Y %H:%M:%S")
        writer.writerow([moment, f"medewerker{person_id}@example.org", person["group"], *cells])
    path.write_bytes(buffer.getvalue().encode("cp1252", errors="replace"))
    return _counts(rows, plan)


def _qualtrics_header(survey: Draft, lang: str) -> tuple[list, list, list]:
    columns = [(m, t, m[0].lower() + m[1:]) for m, t in zip(QUALTRICS_META, (
        "Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)", "Finished",
        "Recorded Date", "Response ID", "Distribution Channel", "User Language"), strict=True)]
    columns.append(("Team", "Team", "Team"))
    for n, q in enumerate(survey.questions, start=1):
        field = f"Q1_{n}" if q.type == "likert" else f"Q{n}"
        text = f"{QUALTRICS_STEM[lang]} - {q.text}" if q.type == "likert" else q.text
        columns.append((field, text, f"QID{n}"))
        if q.type == "nps":
            columns.append((f"{field}_NPS_GROUP", f"{q.text} - Group", f"QID{n}_NPS_GROUP"))
    ids, texts, imports = (list(part) for part in zip(*columns, strict=True))
    return ids, texts, [json.dumps({"ImportId": i}) for i in imports]


def write_qualtrics(path: Path, people, survey: Draft, plan, start: datetime, lang: str, codes: bool) -> dict:
    options = next(q.options for q in survey.questions if q.type == "likert")

    def cell(q, value):
        if codes or q.type == "open":
            return str(value)
        if q.type == "nps":
            low, high = NPS_ANCHORS[lang]
            return low if value == 0 else high if value == 10 else str(value)
        return options[value - 1]

    rows = _rows(people, survey, plan, cell)
    table = list(_qualtrics_header(survey, lang))
    nps_index = next(i for i, q in enumerate(survey.questions) if q.type == "nps")
    for number, (person_id, person, cells) in enumerate(rows, start=1):
        moment = _moment(start, number).strftime("%Y-%m-%d %H:%M:%S")
        nps = person["answers"].get("enps")
        group = "" if nps is None else (1 if nps <= 6 else 2 if nps <= 8 else 3)
        meta = [moment, moment, "IP Address", "", "100", "240", "True", moment, f"R_{person_id:06d}x",
                "anonymous", lang.upper(), person["group"]]
        table.append(meta + cells[:nps_index + 1] + [str(group)] + cells[nps_index + 1:])
    for n in range(2):  # the author's own test runs: excluded, counted
        preview = ["", "", "Survey Preview", "", "100", "60", "True", "", f"R_preview{n}", "preview", "EN", "Test"]
        table.insert(4 + n, preview + ["3"] * (len(table[0]) - len(preview)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="," if codes else "\t", lineterminator="\r\n")
    writer.writerows(table)
    data = buffer.getvalue()
    path.write_bytes(data.encode("utf-8-sig") if codes else codecs.BOM_UTF16_LE + data.encode("utf-16-le"))
    counts = _counts(rows, plan)
    counts["rows"] += 2
    counts["excluded"] = {"preview": 2}
    return counts


def write_ours(path: Path, people, survey: Draft, plan, start: datetime, fmt: str) -> dict:
    options = next(q.options for q in survey.questions if q.type == "likert")
    rows = _rows(people, survey, plan, lambda q, v: label(q, v, options) if fmt == "xlsx" else str(v))
    blank = response_sheet(survey, fmt)
    if fmt == "csv":
        delimiter = "," if survey.lang == "en" else ";"
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        for person_id, person, cells in rows:
            writer.writerow([f"P{person_id}", person["group"], *cells])
        path.write_bytes(blank + buffer.getvalue().encode("utf-8"))
    else:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(blank))
        sheet = book["responses"]
        for person_id, person, cells in rows:
            sheet.append([f"P{person_id}", person["group"], *cells])
        book.save(path)
    return _counts(rows, plan)


def _counts(rows, plan) -> dict:
    wrong = plan["wrong"]
    return {"rows": len(rows), "blank_rows": plan["blank_rows"], "duplicates": len(plan["duplicates"]),
            "out_of_range": _per_item(wrong, ("7", "11")), "unreadable": _per_item(wrong, ("n.v.t.",)),
            "excluded": {}}


def _per_item(wrong: dict, raws: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    for (_row, key), raw in wrong.items():
        if raw in raws:
            out[key] = out.get(key, 0) + 1
    return out


# Every file of a wave: name, format, the survey language, the writer and its options.
FILES = (
    ("forms-nl.xlsx", "forms", "nl", write_forms, {"lang": "nl"}),
    ("forms-sv.xlsx", "forms", "sv", write_forms, {"lang": "sv"}),
    ("forms-en.xlsx", "forms", "en", write_forms, {"lang": "en"}),
    ("google-nl.csv", "google", "nl", write_google, {}),
    ("qualtrics-en-codes.csv", "qualtrics", "en", write_qualtrics, {"lang": "en", "codes": True}),
    ("qualtrics-sv-text.tsv", "qualtrics", "sv", write_qualtrics, {"lang": "sv", "codes": False}),
    ("ours-nl.xlsx", "ours", "nl", write_ours, {"fmt": "xlsx"}),
    ("ours-en.csv", "ours", "en", write_ours, {"fmt": "csv"}),
)


# --- the walk --------------------------------------------------------------------------------------------------

def make(out: Path, seed: int, waves: list[str], size: int) -> dict:
    """Write every file and truth.json under `out`; returns the truth."""
    rng = random.Random(seed)
    result = {"seed": seed, "size": size, "waves": {}, "files": {}}
    for number, wave in enumerate(waves):
        folder = out / wave
        folder.mkdir(parents=True, exist_ok=True)
        by_lang = surveys(wave)
        for lang, survey in by_lang.items():
            (folder / f"survey-{lang}.json").write_text(json.dumps(survey.to_json_dict(), ensure_ascii=False,
                                                                   indent=2), encoding="utf-8")
        people = draw_people(rng, by_lang["nl"], wave, size)  # keys and types are the same in every language
        plan = anomalies(rng, people, by_lang["nl"])
        result["waves"][wave] = truth(people, by_lang["nl"], plan["wrong"])
        start = datetime(2027, 2, 1, 9, 0) + timedelta(weeks=6 * number)
        for name, fmt, lang, writer, options in FILES:
            report = writer(folder / name, people, by_lang[lang], plan, start, **options)
            result["files"][f"{wave}/{name}"] = {"wave": wave, "format": fmt, "lang": lang,
                                                 "survey": f"{wave}/survey-{lang}.json", **report}
    (out / "truth.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder to write into (created)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--waves", default="before,during", help="comma-separated: before, during, after")
    parser.add_argument("--size", type=int, default=53, help="respondents per wave (at least 14)")
    args = parser.parse_args(argv)
    waves = [w.strip() for w in args.waves.split(",") if w.strip()]
    if not waves or any(w not in FAVOURABLE for w in waves) or args.size < 14:
        print("error: --waves takes before, during, after; --size at least 14", file=sys.stderr)
        return 2
    result = make(Path(args.out), args.seed, waves, args.size)
    print(f"Wrote {len(result['files'])} files and truth.json to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
