"""`python -m toolkit workspace status | upgrade | copy --from LOCATION`: the workspace database, for an operator.

Every app process and command migrates the workspace itself when it opens it; `upgrade` does it ahead of a
restart (after `make install` of a new release), and `status` says whether one is due (exit 1: behind). `copy`
moves an existing workspace (the SQLite file, say) into the one configured now (PostgreSQL, say), which must
have no projects yet. The database's password is never printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from toolkit.cli import EXIT_FAILURE, EXIT_OK, UsageError, register


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("status", "upgrade", "copy"),
                        help="status: the schema revision and the newest; upgrade: migrate to the newest now; "
                             "copy: copy every project from --from into the configured workspace")
    parser.add_argument("--from", dest="source", metavar="LOCATION",
                        help="copy: the workspace to copy from (a workspace.sqlite3 file or a database URL)")


def _run(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from toolkit import workspace_db as db
    from toolkit.settings import Settings

    try:
        location = Settings.from_env().workspace_location
        db.database_url(location)
        source = _source(args, db)
    except ValueError as error:  # also BadLocation; neither message repeats the URL
        raise UsageError(str(error)) from None
    print(f"workspace: {db.display(location)}")
    try:
        if args.action == "copy":
            return _copy(db, source, location)
        if args.action == "upgrade":
            print(f"revision: {db.migrate(location)} (the newest)")
            return EXIT_OK
        current, newest = db.status(location)
    except SQLAlchemyError as error:
        detail = str(getattr(error, "orig", None) or error).splitlines()[0]
        print(f"error: the workspace database cannot be used: {detail}", file=sys.stderr)
        return EXIT_FAILURE
    if current == newest:
        print(f"revision: {current} (the newest)")
        return EXIT_OK
    print(f"revision: {current or 'none yet'}; the newest is {newest} (run: python -m toolkit workspace upgrade)")
    return EXIT_FAILURE


def _source(args: argparse.Namespace, db) -> str | Path | None:
    if args.action != "copy":
        if args.source:
            raise UsageError("--from goes with copy only")
        return None
    if not args.source:
        raise UsageError("copy needs --from LOCATION: the workspace to copy from")
    source: str | Path = args.source if "://" in args.source else Path(args.source).expanduser()
    url = db.database_url(source)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        raise UsageError(f"there is no workspace file at {url.database}")
    return source


def _copy(db, source: str | Path, location: str | Path) -> int:
    print(f"copying from: {db.display(source)}")
    try:
        copied = db.copy_workspace(source, location)
    except db.NotEmpty as error:
        print(f"error: {error}; nothing was copied", file=sys.stderr)
        return EXIT_FAILURE
    print("copied: " + ", ".join(f"{count} {table}" for table, count in copied.items()))
    return EXIT_OK


register("workspace", "the workspace database: schema status, upgrade it now, or copy another one into it",
         _configure, _run)
