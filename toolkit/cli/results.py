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


# --- shared by every action, and by `draft followup` ---------------------------------------------------------

def add_survey_arguments(parser: argparse.ArgumentParser) -> None:
    """--brief, --survey and --lang, as every results action takes them."""
    parser.add_argument("--brief", help="the rollout brief (YAML or JSON)")
    parser.add_argument("--survey", help="the survey as JSON (from `draft survey --json`); stands in for --brief")
    parser.add_argument("--lang", choices=LANGS, help="language (default: the brief's or the survey's)")


def add_wave_arguments(parser: argparse.ArgumentParser) -> None:
    """WAVE=FILE ..., --group-column and --min-group: how a command names the answer files it reads."""
    parser.add_argument("waves", nargs="+", metavar="WAVE=FILE", help="before=FILE, during=FILE, after=FILE")
    parser.add_argument("--group-column", action="append", metavar="[WAVE=]COLUMN",
                        help="the column with team, site or shift: COLUMN for every wave, or WAVE=COLUMN for one "
                        "wave (repeat it when the files name the column differently); without it the column is "
                        "recognised from its header (Team, Arbetslag, Afdeling, ...)")
    parser.add_argument("--min-group", type=int, help="fewest people behind a figure shown, 3-10 "
                        "(default: TOOLKIT_MIN_GROUP, 5)")


def survey_from_args(args: argparse.Namespace, wave: str = "before") -> Draft:
    """The survey an action works with: the `--survey` file, or the one `draft survey` drafts from `--brief`."""
    return surveys_from_args(args, [wave])[wave]


def surveys_from_args(args: argparse.Namespace, waves: list[str], *, offline: bool = False) -> dict[str, Draft]:
    """The survey each wave was asked with: the `--survey` file for every wave, or one drafted from `--brief` per
    wave (`offline`: by the composer alone, the deterministic wording answer files are read against)."""
    if args.survey:
        survey = load_survey_file(args.survey, args.lang)
        return {wave: survey for wave in waves}
    if not args.brief:
        raise UsageError("give --brief FILE or --survey FILE")
    if offline:
        from toolkit.cli import common
        from toolkit.drafting import survey as survey_drafting

        brief = common.read_brief(args.brief, args.lang)
        lang = brief.draft_lang(args.lang)
        return {wave: survey_drafting.compose(brief, lang, None, wave=wave) for wave in waves}
    return {wave: _draft_survey(args.brief, args.lang, wave) for wave in waves}


def load_survey_file(path: str, lang: str | None = None) -> Draft:
    """The survey in a `draft survey --json` file; unreadable, not a survey, or not in `lang`: a UsageError."""
    from toolkit.results.errors import ResultsError
    from toolkit.results.ingest import load_survey

    try:
        survey = load_survey(path)
    except ResultsError as error:
        raise UsageError(error.message(lang)) from None
    if lang and lang != survey.lang:
        raise UsageError(f"--lang {lang} does not match the survey's language ({survey.lang})")
    return survey


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


def wave_files(specs: list[str]) -> dict[str, Path]:
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


def minimums(min_group: int | None) -> tuple[int, int]:
    """The minimum group size (`--min-group`, else the setting) and the comment minimum, checked."""
    from toolkit.results import privacy
    from toolkit.settings import Settings

    try:
        settings = Settings.from_env()
        return privacy.check_min_group(settings.min_group if min_group is None else min_group), \
            settings.min_comments
    except ValueError as error:
        raise UsageError(str(error)) from None


def group_columns(values: list[str] | None, waves: list[str]) -> dict[str, str | None]:
    """`--group-column` values -> the group column of each wave: `WAVE=COLUMN` for that wave, a plain `COLUMN`
    for every wave without its own, None (recognised from the header) otherwise."""
    common: str | None = None
    per_wave: dict[str, str] = {}
    for value in values or []:
        wave, sep, column = value.partition("=")
        wave = wave.strip().lower()
        if not (sep and wave in WAVES):  # "Team", or a column whose name holds "=" ("Team=A")
            if common is not None:
                raise UsageError("--group-column COLUMN is given twice; give one column for every wave, or one "
                                 "per wave as WAVE=COLUMN")
            common = value.strip()
            continue
        if not column.strip():
            raise UsageError(f"{value}: write a wave and a column as WAVE=COLUMN, e.g. during=Team")
        if wave in per_wave:
            raise UsageError(f"--group-column: the wave {wave} is given twice")
        if wave not in waves:
            raise UsageError(f"--group-column {value}: there is no answer file for the wave {wave}")
        per_wave[wave] = column.strip()
    return {wave: per_wave.get(wave, common or None) for wave in waves}


def read_wave(path: Path, survey: Draft, wave: str, group_column: str | None, lang: str | None = None, *,
              hint: bool = False):
    """One wave's answers (`Responses`); a file that cannot be read or used is a UsageError, in one line.
    `hint`: a missing group column was given for every wave, so say how to name it per wave."""
    from toolkit.i18n import translator
    from toolkit.results import errors
    from toolkit.results.errors import ResultsError
    from toolkit.results.ingest import read_responses

    try:
        data = path.read_bytes()
    except OSError:
        raise UsageError(f"cannot read {path}") from None
    try:
        return read_responses(path.name, data, survey, wave, group_column=group_column)
    except ResultsError as error:
        message = error.message(lang)
        if hint and error.msgid == errors.NO_GROUP_COLUMN:
            message += " " + translator(lang)(errors.GROUP_COLUMN_PER_WAVE, wave=wave)
        raise UsageError(" ".join(message.split())) from None


def summary_from_args(args: argparse.Namespace, brief=None):
    """Read every WAVE=FILE against its survey and summarise under the confidentiality rules.

    `brief` (else `--brief`, when given) supplies the team size and the names to mask; `--survey` the items.
    Returns (brief or None, `Summary`)."""
    from toolkit.cli import common
    from toolkit.results.summary import summarise

    files = wave_files(args.waves)
    if brief is None and args.brief:
        brief = common.read_brief(args.brief, args.lang)
    surveys = surveys_from_args(args, list(files), offline=True)
    lang = args.lang or (next(iter(surveys.values())).lang if args.survey else brief.draft_lang(args.lang))
    min_group, min_comments = minimums(args.min_group)
    groups = group_columns(args.group_column, list(files))
    shared = len(files) > 1 and not any("=" in v for v in args.group_column or [])
    waves = {wave: read_wave(path, surveys[wave], wave, groups[wave], lang, hint=shared)
             for wave, path in files.items()}
    names = [n for n in (brief.contact_person, brief.author) if n] if brief else []
    try:
        summary = summarise(waves, surveys[next(iter(files))], lang=lang, min_group=min_group,
                            min_comments=min_comments, team_size=brief.team_size if brief else None, names=names)
    except ValueError as error:
        raise UsageError(str(error)) from None
    return brief, summary


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
