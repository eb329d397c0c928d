"""`python -m toolkit results summary --brief FILE WAVE=FILE ...`: score survey waves, confidentially.

`configure(parser)` and `run(args)` are wired under the `results` command (toolkit/cli/results.py), which also
reads the wave files (`summary_from_args`, shared with `draft followup`); the Word report comes from
`toolkit.results.report.to_docx`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from toolkit.cli import UsageError
from toolkit.cli.results import (
    add_results_command,
    add_survey_arguments,
    add_wave_arguments,
    summary_from_args,
)
from toolkit.results.model import Summary


def configure(parser: argparse.ArgumentParser) -> None:
    """The `results summary` arguments."""
    add_wave_arguments(parser)
    add_survey_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--out", help="write the results report to this .docx path")


def run(args: argparse.Namespace) -> int:
    """Read each wave's file, summarise, then print (text or JSON) and write the report if asked."""
    from toolkit.cli.common import check_output_path

    check_output_path(args.out, ".docx")
    _brief, summary = summary_from_args(args)
    if args.out:
        Path(args.out).write_bytes(_report(summary, summary.lang))
    if args.json:
        print(json.dumps(summary.to_json_dict(), ensure_ascii=False, indent=2))
    else:
        print(summary_text(summary))
        if args.out:
            print(_words(summary.lang)["text"]["wrote"].format(path=args.out), file=sys.stderr)
    return 0


def _report(summary: Summary, lang: str) -> bytes:
    try:
        report = importlib.import_module("toolkit.results.report")
    except ImportError:
        raise UsageError("the results report (--out) is not available in this installation") from None
    return report.to_docx(summary, lang)


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
