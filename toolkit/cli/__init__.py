"""`python -m toolkit ...`: the command line. Bad arguments or input exit with status 2 and one line on stderr;
nothing prints a traceback unless TOOLKIT_DEBUG is set.

The contract for a module that adds subcommands:
- it calls `register(name, help, configure, run)` when imported: `configure(parser)` adds the arguments,
  `run(args)` does the work and returns the exit status (`EXIT_OK`, `EXIT_FAILURE`, `EXIT_USAGE`);
- it raises `UsageError(message)` for bad input: `main` prints `error: message` and exits with status 2;
- it opens the knowledge index, reads a brief or checks an output path only through `toolkit.cli.common`;
- it is listed in `EXTENSIONS`, which `build_parser` imports (so this package never imports its commands, and
  a command module may import `from toolkit.cli import register, UsageError` freely).

The commands of the toolkit itself: `toolkit.cli.knowledge` (index, ingest, sources, search, remove),
`toolkit.cli.draft` (draft) and `toolkit.cli.workspace` (workspace status, workspace upgrade).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
EXTENSIONS: list[str] = ["toolkit.cli.knowledge", "toolkit.cli.draft", "toolkit.cli.results", "toolkit.cli.results_summary"]  # modules that call `register` on import
EXTENSIONS.append("toolkit.cli.workspace")  # the workspace database: schema status and upgrade


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that reports errors in one line (exit 2) instead of usage + message."""

    def error(self, message: str):  # noqa: D401 - argparse API
        raise UsageError(message)


@dataclass(frozen=True)
class Command:
    """One subcommand: its name and help, how it adds its arguments, what it runs."""
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {}


def register(name: str, help: str, configure: Callable[[argparse.ArgumentParser], None],
             run: Callable[[argparse.Namespace], int]) -> None:
    """Add (or replace) a subcommand: `configure` adds its arguments, `run` returns the exit status."""
    COMMANDS[name] = Command(name, help, configure, run)


def build_parser() -> Parser:
    """The parser with every registered subcommand (the modules in `EXTENSIONS` are imported first)."""
    for module in EXTENSIONS:
        importlib.import_module(module)
    parser = Parser(prog="python -m toolkit", description="AI change-management communication toolkit.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS.values():
        command.configure(sub.add_parser(command.name, help=command.help, description=command.help))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    if not os.environ.get("TOOLKIT_DEBUG"):
        warnings.simplefilter("ignore")  # library warnings are noise for a command-line user
    try:
        args = build_parser().parse_args(argv)
        if not args.command:
            raise UsageError("choose a command: " + ", ".join(COMMANDS))
        return COMMANDS[args.command].run(args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # last resort: one line, not a traceback
        if os.environ.get("TOOLKIT_DEBUG"):
            raise
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILURE
