"""`python -m toolkit results summary --brief FILE WAVE=FILE ...`: score survey waves, confidentially.

`configure(parser)` and `run(args)` are wired under the `results` command (toolkit/cli/results.py). Files are read
by `toolkit.results.ingest.read_responses`; the Word report comes from `toolkit.results.report.to_docx`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from toolkit.cli import UsageError
from toolkit.cli.results import add_results_command
from toolkit.models import Draft
from toolkit.results.model import WAVES, Responses, Summary


def configure(parser: argparse.ArgumentParser) -> None:
    """The `results summary` arguments."""
    parser.add_argument("waves", nargs="+", metavar="WAVE=FILE", help="before=FILE, during=FILE, after=FILE")
    parser.add_argument("--brief", help="the rollout brief (YAML or JSON): survey, team size, names to mask")
    parser.add_argument("--survey", help="a survey as printed by `draft survey --json` (stands in for the brief's)")
    parser.add_argument("--lang", choices=("en", "nl", "sv"), help="language of the summary (default: the brief's)")
    parser.add_argument("--group-column", help="the column with team, site or shift")
    parser.add_argument("--min-group", type=int, help="fewest people behind a figure shown, 3-10 "
                        "(default: TOOLKIT_MIN_GROUP, 5)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--out", help="write the results report to this .docx path")


def run(args: argparse.Namespace) -> int:
    """Read each wave's file, summarise, then print (text or JSON) and write the report if asked."""
    from toolkit.cli.common import check_output_path as _check_target
    from toolkit.results.summary import summarise

    _check_target(args.out, ".docx")
    files = _wave_files(args.waves)
    brief, lang, surveys = _surveys(args, files)
    min_group, min_comments = _minimums(args.min_group)
    waves = {wave: _read(path, surveys[wave], wave, args.group_column) for wave, path in files.items()}
    names = [n for n in (brief.contact_person, brief.author) if n] if brief else []
    try:
        summary = summarise(waves, surveys[next(iter(files))], lang=lang, min_group=min_group,
                            min_comments=min_comments, team_size=brief.team_size if brief else None, names=names)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.out:
        Path(args.out).write_bytes(_report(summary, lang))
    if args.json:
        print(json.dumps(summary.to_json_dict(), ensure_ascii=False, indent=2))
    else:
        print(summary_text(summary))
        if args.out:
            print(_words(lang)["text"]["wrote"].format(path=args.out), file=sys.stderr)
    return 0


# --- input --------------------------------------------------------------------------------------------------

def _wave_files(specs: list[str]) -> dict[str, Path]:
    """`before=a.csv during=b.xlsx` -> {"before": Path("a.csv"), ...}, in wave order."""
    files: dict[str, Path] = {}
    for spec in specs:
        wave, sep, path = spec.partition("=")
        wave = wave.strip().lower()
        if not sep or not path:
            raise UsageError(f"{spec}: write a wave and a file as WAVE=FILE, e.g. before=answers.csv")
        if wave not in WAVES:
            raise UsageError(f"unknown wave {wave!r}; choose from {', '.join(WAVES)}")
        if wave in files:
            raise UsageError(f"the wave {wave} is given twice")
        files[wave] = Path(path)
    return {wave: files[wave] for wave in WAVES if wave in files}


def _surveys(args: argparse.Namespace, files: dict[str, Path]):
    """The brief (or None), the summary's language and the survey each wave was asked with."""
    from toolkit.brief import BriefError, load_brief
    from toolkit.drafting import survey as survey_drafting

    if not args.brief and not args.survey:
        raise UsageError("give --brief FILE or --survey FILE")
    brief = None
    if args.brief:
        try:
            brief = load_brief(args.brief, args.lang)
        except BriefError as error:
            raise UsageError(error.one_line()) from None
    if args.survey:
        survey = _load_survey(Path(args.survey))
        return brief, args.lang or survey.lang, {wave: survey for wave in files}
    lang = brief.draft_lang(args.lang)
    return brief, lang, {wave: survey_drafting.compose(brief, lang, None, wave=wave) for wave in files}


def _load_survey(path: Path) -> Draft:
    try:
        survey = Draft.model_validate_json(path.read_bytes())
    except OSError:
        raise UsageError(f"cannot read the survey file {path.name}") from None
    except ValueError:
        raise UsageError(f"{path.name} is not a survey printed by `draft survey --json`") from None
    if survey.kind != "survey" or not survey.questions:
        raise UsageError(f"{path.name} is not a survey printed by `draft survey --json`")
    return survey


def _minimums(min_group: int | None) -> tuple[int, int]:
    from toolkit.results import privacy
    from toolkit.settings import Settings

    try:
        settings = Settings.from_env()
        return privacy.check_min_group(settings.min_group if min_group is None else min_group), \
            settings.min_comments
    except ValueError as error:
        raise UsageError(str(error)) from None


def _read(path: Path, survey: Draft, wave: str, group_column: str | None) -> Responses:
    """One wave's answers, through the ingest room; any failure to read is the user's input, one line."""
    try:
        ingest = importlib.import_module("toolkit.results.ingest")
    except ImportError:
        raise UsageError("reading answer files is not available in this installation") from None
    try:
        data = path.read_bytes()
    except OSError:
        raise UsageError(f"cannot read {path}") from None
    errors = tuple(e for e in (ValueError, KeyError, getattr(ingest, "IngestError", None)) if e)
    try:
        responses = ingest.read_responses(path.name, data, survey, wave, group_column=group_column)
    except errors as error:
        raise UsageError(f"{path.name}: {_one_line(error)}") from None
    if group_column and not any((r.group or "").strip() for r in responses.respondents):
        raise UsageError(f"{path.name}: no group column {group_column!r}")
    return responses


def _report(summary: Summary, lang: str) -> bytes:
    try:
        report = importlib.import_module("toolkit.results.report")
    except ImportError:
        raise UsageError("the results report (--out) is not available in this installation") from None
    return report.to_docx(summary, lang)


def _one_line(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__


# --- output -------------------------------------------------------------------------------------------------

def _words(lang: str) -> dict:
    from toolkit.results.summary import wording

    return wording(lang)


def summary_text(summary: Summary) -> str:
    """The summary as plain text in its language: per wave the eNPS, a table per dimension, groups, barrier
    point and themes; then the changes and the notes."""
    words = _words(summary.lang)
    blocks = [_wave_text(wave, summary.lang, words) for wave in summary.waves]
    if summary.changes:
        blocks.append("\n".join([words["text"]["changes"], *(_change_text(c, summary, words)
                                                          for c in summary.changes)]))
    if summary.notes:
        blocks.append("\n".join([words["text"]["notes"], *(f"  - {note}" for note in summary.notes)]))
    return "\n\n".join(blocks)


def _wave_text(wave, lang: str, words: dict) -> str:
    text = words["text"]
    heading = text["heading"].format(wave=words["waves"][wave.wave], responses=wave.responses)
    if wave.response_rate is not None:
        heading += " · " + text["rate"].format(rate=_num(wave.response_rate, lang))
    lines = [heading]
    if wave.enps is not None:
        e = wave.enps
        lines.append(text["enps"].format(value=_signed(e.value, lang), low=_signed(e.low, lang),
                                         high=_signed(e.high, lang), promoters=e.promoters, passives=e.passives,
                                         detractors=e.detractors))
    if wave.dimensions:
        lines.extend(_table(wave.dimensions, words, lang))
    if wave.items:
        lines.extend(["", text["items"], *_table(wave.items, words, lang, width=60)])
    if wave.groups:
        shown = [f"{g.name} ({g.n})" if g.shown else f"{g.name} ({text['not_shown']})" for g in wave.groups]
        lines.append(f"{text['groups']}: " + ", ".join(shown))
    lines.extend(_barrier_text(wave, lang, words))
    if wave.themes:
        lines.append(text["themes"] + ": " + "; ".join(text["theme"].format(label=t.label, count=t.count)
                                                       for t in wave.themes))
    return "\n".join(lines)


def _table(scores, words: dict, lang: str, width: int = 34) -> list[str]:
    columns, percent = words["text"]["columns"], words["text"]["percent"]
    head = f"  {columns[0]:<{width}} {columns[1]:>4} " + " ".join(f"{c:>12}" for c in columns[2:])
    rows = [head]
    for s in scores:
        label = s.label if len(s.label) <= width else s.label[: width - 1] + "…"
        shares = [percent.format(value=_num(v, lang)) for v in (s.favourable, s.neutral, s.unfavourable)]
        cells = [*shares, _num(s.mean, lang, 2), f"{_num(s.low, lang)}–{_num(s.high, lang)}"]
        rows.append(f"  {label:<{width}} {s.n:>4} " + " ".join(f"{c:>12}" for c in cells))
    return rows


def _barrier_text(wave, lang: str, words: dict) -> list[str]:
    barrier, text = wave.barrier, words["text"]
    if barrier is None:
        return []
    labels = {d.key: d for d in wave.dimensions}
    lines = []
    if barrier.element:
        lines.append(text["barrier"].format(element=words["adkar"][barrier.element],
                                            dimension=labels[barrier.dimension].label,
                                            value=_num(barrier.favourable, lang), target=_num(barrier.target, lang, 0),
                                            card=barrier.cards.get("barrier", "")))
    else:
        lines.append(text["no_barrier"].format(target=_num(barrier.target, lang, 0)))
    for role in ("strongest", "weakest"):
        dim = labels[getattr(barrier, role)]
        lines.append(text[role].format(dimension=dim.label, value=_num(dim.favourable, lang),
                                       card=barrier.cards.get(role, "")))
    return lines


def _change_text(change, summary: Summary, words: dict) -> str:
    labels = {d.key: d.label for w in summary.waves for d in w.dimensions}
    label = "eNPS" if change.dimension == "enps" else labels.get(change.dimension, change.dimension)
    return "  " + words["text"]["change"].format(
        dimension=label, first=words["waves"][change.from_], second=words["waves"][change.to],
        delta=_signed(change.delta, summary.lang),
        unit=words["text"]["units"]["enps" if change.dimension == "enps" else "percent"], verdict=words["verdicts"][change.verdict], method=change.method)


def _num(value: float, lang: str, decimals: int = 1) -> str:
    """A figure as the reader's locale writes it, always with `decimals` decimals ("45.5", "45,5")."""
    from babel.numbers import format_decimal

    from toolkit.i18n import LOCALES

    return format_decimal(round(value, decimals) + 0.0, format="#,##0." + "0" * decimals, locale=LOCALES[lang])


def _signed(value: float, lang: str) -> str:
    return ("+" if value > 0 else "") + _num(value, lang)


add_results_command("summary", "score survey waves (confidentially) and write the results report", configure, run)
