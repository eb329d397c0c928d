"""A real PostgreSQL for the tests: one server per test process (per xdist worker), a fresh database per test.

Fixtures (tests/conftest.py makes them available everywhere):
- `postgresql_server`: the running server (session scope), a pytest-postgresql `PostgreSQLExecutor`;
- `postgresql_url`: the URL of a new, empty database on it (`postgresql+psycopg://postgres@127.0.0.1:PORT/ws_…`),
  dropped after the test. Set it as `TOOLKIT_DATABASE_URL` to run an app process or the CLI on PostgreSQL;
- `workspace_location`: parametrised `sqlite` / `postgresql`: a SQLite file under tmp_path or `postgresql_url`.
  A test that takes it runs on both.

The server is Debian's PostgreSQL (`pg_ctl` on PATH, else `pg_config --bindir`, else
/usr/lib/postgresql/<version>/bin; `make test` installs the `postgresql` package when none is found). initdb
refuses to run as root, so as root the server runs as the `postgres` user that the package creates, in a folder
that user owns. `running_postgresql()` and `fresh_database()` do the same outside pytest (the benchmark uses them).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import port_for
import pytest
from pytest_postgresql.executors import PostgreSQLExecutor
from pytest_postgresql.janitor import DatabaseJanitor

from toolkit.workspace_db import release

SUPERUSER = "postgres"  # the database role initdb makes (--username), whoever runs the server
SERVICE_USER = "postgres"  # the system user the server runs as when the tests run as root
# Durability is not what the tests check: without fsync a database is made and dropped in milliseconds.
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"


def find_pg_ctl() -> str:
    """Where PostgreSQL's pg_ctl is: PATH, then pg_config's bindir, then Debian's versioned folders."""
    found = shutil.which("pg_ctl")
    if found:
        return found
    try:
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout
        candidate = Path(bindir.strip()) / "pg_ctl"
        if candidate.is_file():
            return str(candidate)
    except (OSError, subprocess.CalledProcessError):
        pass
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                      key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0)
    if versions:
        return versions[-1]
    raise RuntimeError("PostgreSQL's pg_ctl was not found: install Debian's postgresql package "
                       "(make test and scripts/system_deps.sh do)")


def _as_service_user(folder: Path, pg_ctl: str) -> str:
    """A pg_ctl that runs the real one as the service user (for a root test run), in a folder it owns."""
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        raise RuntimeError(f"the tests run as root, and PostgreSQL will not; there is no {SERVICE_USER!r} user "
                           "to run it as (Debian's postgresql package makes one)") from None
    shutil.chown(folder, SERVICE_USER)
    wrapper = folder / "pg_ctl"
    wrapper.write_text(f'#!/bin/sh\ncd "{folder}" && exec runuser -u {SERVICE_USER} -- "{pg_ctl}" "$@"\n',
                       encoding="utf-8")
    wrapper.chmod(0o755)
    return str(wrapper)


@contextmanager
def running_postgresql(attempts: int = 3, durable: bool = False) -> Iterator[PostgreSQLExecutor]:
    """Start a throwaway PostgreSQL server on a free port of 127.0.0.1; stop it and remove its files after.
    `durable` keeps PostgreSQL's own settings (fsync on every commit), for a benchmark."""
    folder = Path(tempfile.mkdtemp(prefix="toolkit-pg-"))
    folder.chmod(0o755)
    try:
        pg_ctl = find_pg_ctl()
        executable = _as_service_user(folder, pg_ctl) if os.geteuid() == 0 else pg_ctl
        server = None
        for attempt in range(attempts):  # another worker may take the port between choosing and binding it
            port = port_for.select_random()
            server = PostgreSQLExecutor(
                executable=executable, host="127.0.0.1", port=port, datadir=str(folder / f"data-{port}"),
                unixsocketdir=str(folder), logfile=str(folder / f"server-{port}.log"), startparams="-w",
                dbname="toolkit", user=SUPERUSER, password=None, postgres_options="" if durable else FAST,
                timeout=120)
            try:
                server.start()
                break
            except Exception:
                server.clean_directory()
                if attempt == attempts - 1:
                    raise
        try:
            yield server
        finally:
            server.stop()
            server.clean_directory()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def url_of(server: PostgreSQLExecutor, dbname: str) -> str:
    return f"postgresql+psycopg://{server.user}@{server.host}:{server.port}/{dbname}"


@contextmanager
def fresh_database(server: PostgreSQLExecutor) -> Iterator[str]:
    """A new empty database on the server; yields its URL and drops it afterwards (closing the toolkit's pooled
    connections to it first)."""
    name = f"ws_{uuid.uuid4().hex[:16]}"
    janitor = DatabaseJanitor(user=server.user, host=server.host, port=server.port, dbname=name,
                              password=server.password)
    janitor.init()
    url = url_of(server, name)
    try:
        yield url
    finally:
        release(url)
        janitor.drop()


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[PostgreSQLExecutor]:
    """One PostgreSQL server for this test process (each xdist worker starts its own, on its own port)."""
    with running_postgresql() as server:
        yield server


@pytest.fixture
def postgresql_url(postgresql_server) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database for this test (dropped afterwards)."""
    with fresh_database(postgresql_server) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def workspace_location(request, tmp_path) -> Iterator[str | Path]:
    """Where a test's workspace lives: a SQLite file, then a PostgreSQL database (the same test runs on both)."""
    if request.param == "sqlite":
        yield tmp_path / "ws.sqlite3"
        release(tmp_path / "ws.sqlite3")
    else:
        yield request.getfixturevalue("postgresql_url")


@contextmanager
def raw_connection(location: str | Path):
    """A connection of its own to a workspace's database (not the toolkit's engine), in one transaction that
    commits at the end: for a test that reads or edits the stored rows as another program would."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from toolkit.workspace_db import database_url

    own = create_engine(database_url(location), poolclass=NullPool)
    try:
        with own.begin() as conn:
            yield conn
    finally:
        own.dispose()
