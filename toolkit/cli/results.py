"""`python -m toolkit results ACTION ...`: survey results on the command line.

`results` is one subcommand with actions of its own (`template`, and `summary` from another module). A module
adds an action with `add_results_command(name, help, configure, run)` when it is imported; list that module in
`toolkit.cli.EXTENSIONS` after this one. `survey_from_args` gives every action the same `--brief` / `--survey`
behaviour: an edited survey (the JSON of `draft survey --json`) stands in for drafting one from the brief.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from toolkit import cli
from toolkit.cli import UsageError
from toolkit.models import LANGS, Draft
from toolkit.results.model import WAVES

RESULTS_COMMANDS: dict[str, cli.Command] = {}
SHEET_SUFFIXES = (".xlsx", ".csv")


def add_results_command(name: str, help: str, configure, run) -> None:
    """Add (or replace) an action of `results`: `configure(parser)` adds its arguments, `run(args)` returns
    the exit status."""
    RESULTS_COMMANDS[name] = cli.Command(name, help, configure, run)


def configure(parser: argparse.ArgumentParser) -> None:
    """The `results` subcommand: one sub-parser per registered action."""
    actions = parser.add_subparsers(dest="results_command", metavar="ACTION", parser_class=cli.Parser)
    for command in RESULTS_COMMANDS.values():
        command.configure(actions.add_parser(command.name, help=command.help, description=command.help))


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "results_command", None)
    if not action:
        raise UsageError("choose an action: " + ", ".join(RESULTS_COMMANDS))
    return RESULTS_COMMANDS[action].run(args)


# --- shared by every action -----------------------------------------------------------------------------------

def add_survey_arguments(parser: argparse.ArgumentParser) -> None:
    """--brief, --survey and --lang, as every results action takes them."""
    parser.add_argument("--brief", help="the rollout brief (YAML or JSON)")
    parser.add_argument("--survey", help="the survey as JSON (from `draft survey --json`); stands in for --brief")
    parser.add_argument("--lang", choices=LANGS, help="language (default: the brief's or the survey's)")


def survey_from_args(args: argparse.Namespace, wave: str = "before") -> Draft:
    """The survey an action works with: the `--survey` file, or the one `draft survey` drafts from `--brief`."""
    from toolkit.results.errors import ResultsError
    from toolkit.results.ingest import load_survey

    if args.survey:
        try:
            survey = load_survey(args.survey)
        except ResultsError as error:
            raise UsageError(error.message(args.lang)) from None
        if args.lang and args.lang != survey.lang:
            raise UsageError(f"--lang {args.lang} does not match the survey's language ({survey.lang})")
        return survey
    if not args.brief:
        raise UsageError("give --brief FILE or --survey FILE")
    return _draft_survey(args.brief, args.lang, wave)


def _draft_survey(brief_path: str, lang: str | None, wave: str) -> Draft:
    """The same walk as `draft survey`: brief, knowledge index, language model when configured."""
    from toolkit import drafting
    from toolkit.cli import common

    brief = common.read_brief(brief_path, lang)
    retriever = common.open_retriever()
    common.ensure_indexed(retriever)
    model = common.open_chat_model(retriever.settings)
    return drafting.draft("survey", brief, lang=lang, wave=wave, retriever=retriever, chat_model=model,
                          timeout=retriever.settings.llm_timeout)


def check_target(path: str, suffixes: tuple[str, ...]) -> Path:
    """An output path whose suffix is one of `suffixes` and whose folder exists."""
    target = Path(path)
    if target.suffix.lower() not in suffixes:
        raise UsageError(f"{path}: the file name must end in {' or '.join(suffixes)}")
    if str(target.parent) not in ("", ".") and not target.parent.is_dir():
        raise UsageError(f"{path}: the folder {target.parent} does not exist")
    return target


# --- results template -------------------------------------------------------------------------------------------

def configure_template(parser: argparse.ArgumentParser) -> None:
    add_survey_arguments(parser)
    parser.add_argument("--wave", choices=WAVES, default="before", help="survey wave (default before)")
    parser.add_argument("--out", required=True, help="the response sheet to write: FILE.xlsx or FILE.csv")


def run_template(args: argparse.Namespace) -> int:
    """Write the blank response sheet of the survey (drafted, or given with --survey)."""
    import sys

    from toolkit.results.ingest import response_sheet

    target = check_target(args.out, SHEET_SUFFIXES)
    survey = survey_from_args(args, args.wave)
    target.write_bytes(response_sheet(survey, target.suffix.lower().lstrip(".")))
    print(f"Wrote {target} ({len(survey.questions)} questions, {survey.lang}, wave {survey.wave or args.wave})",
          file=sys.stderr)
    return cli.EXIT_OK


add_results_command("template", "write the response sheet (.xlsx or .csv) of a survey", configure_template,
                    run_template)
cli.register("results", "survey results: the response sheet, and reading the answers", configure, run)
