"""Where the workspace lives: its tables, one engine per database, and the schema kept at Alembic's head.

A location is a Path (a SQLite file, the default: `workspace.sqlite3` in the data folder) or a URL
(`postgresql://user:password@host/db`, read with psycopg 3; `sqlite:///path` also works). `engine(location)`
returns the process's one engine for it, made on first use: that first use also brings the schema to the
newest migration (toolkit/workspace_migrations) when it is behind, so a `Workspace(...)` per session or run
costs a dictionary look-up, not a migration check.

Writes never collide: on SQLite a write transaction takes the file's write lock up front (`BEGIN IMMEDIATE`);
on PostgreSQL the workspace locks the project's row (`SELECT ... FOR UPDATE`) before it numbers a version.
Migrations run in one transaction under the same write lock (SQLite) or a transaction-level advisory lock
(PostgreSQL), so two processes opening a new database at once do not both migrate.

A URL's password is never printed: `display(location)` masks it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from functools import cache
from pathlib import Path

from sqlalchemy import (
    Column,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).resolve().parent / "workspace_migrations"
# The key of the PostgreSQL advisory lock that migrations hold (any fixed number; this one spells "tkws").
MIGRATION_LOCK = 0x746B7773
# How long a SQLite writer waits for another to finish before giving up, in milliseconds.
SQLITE_BUSY_MS = 30_000

metadata = MetaData()

projects = Table(
    "projects", metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("created", Text, nullable=False),  # ISO 8601 in UTC with microseconds: sorts as text
    Column("updated", Text, nullable=False),
    Column("deleted", Integer, nullable=False, server_default=text("0")),
    Column("owner", Text, nullable=False, server_default=""),
    Column("visibility", Text, nullable=False, server_default="shared"),
)

briefs = Table(
    "briefs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", Text, ForeignKey("projects.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("data", Text, nullable=False),  # the brief as JSON
    Column("saved_at", Text, nullable=False),
    Column("session_id", Text, nullable=False, server_default=""),
    Column("base_version", Integer),
    Column("conflict", Integer, nullable=False, server_default=text("0")),
    Column("saved_by", Text, nullable=False, server_default=""),
    UniqueConstraint("project_id", "version"),
    sqlite_autoincrement=True,
)

drafts = Table(
    "drafts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", Text, ForeignKey("projects.id"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("data", Text, nullable=False),  # the Draft as JSON
    Column("saved_at", Text, nullable=False),
    Column("session_id", Text, nullable=False, server_default=""),
    Column("base_version", Integer),
    Column("conflict", Integer, nullable=False, server_default=text("0")),
    Column("lang", Text),
    Column("saved_by", Text, nullable=False, server_default=""),
    Column("action", Text, nullable=False, server_default=""),
    Column("restored_from", Integer),
    UniqueConstraint("project_id", "kind", "version"),
    sqlite_autoincrement=True,
)

plan_confirmations = Table(
    "plan_confirmations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", Text, ForeignKey("projects.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("confirmed_at", Text, nullable=False),
    Column("session_id", Text, nullable=False, server_default=""),
    sqlite_autoincrement=True,
)

results = Table(
    "results", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", Text, ForeignKey("projects.id"), nullable=False),
    Column("wave", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("file_name", Text, nullable=False, server_default=""),
    Column("file", LargeBinary),  # the uploaded file itself (bytea on PostgreSQL)
    Column("data", Text, nullable=False),
    Column("saved_at", Text, nullable=False),
    Column("session_id", Text, nullable=False, server_default=""),
    UniqueConstraint("project_id", "wave", "version"),
    sqlite_autoincrement=True,
)

settings = Table(
    "settings", metadata,
    Column("name", Text, primary_key=True),
    Column("value", Text, nullable=False),  # JSON
    Column("saved_at", Text, nullable=False),
)

_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


class BadLocation(ValueError):
    """A workspace location that is neither a file path nor a PostgreSQL or SQLite URL."""


def database_url(location: str | Path) -> URL:
    """The SQLAlchemy URL of a location: a Path or plain path is a SQLite file; `postgresql://` is read with
    psycopg 3. Raises BadLocation (without the URL in the message: it may hold a password)."""
    raw = str(location)
    if isinstance(location, Path) or "://" not in raw:
        return URL.create("sqlite", database=str(Path(raw).expanduser()))
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):  # ValueError: a port that is no number
        raise BadLocation("the workspace database URL cannot be read") from None
    if url.drivername in ("postgresql", "postgresql+psycopg"):
        return url.set(drivername="postgresql+psycopg")
    if url.drivername in ("sqlite", "sqlite+pysqlite") and url.database:
        return url
    raise BadLocation(f"the workspace database must be PostgreSQL or SQLite, not {url.drivername!r}")


def display(location: str | Path) -> str:
    """The location as it may be shown or logged: a URL's password becomes ***."""
    try:
        url = database_url(location)
    except BadLocation:
        return "(an unreadable database URL)"
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.render_as_string(hide_password=True)


def engine(location: str | Path) -> Engine:
    """The engine of a location, made on first use in this process; its schema is then at head."""
    url = database_url(location)
    key = url.render_as_string(hide_password=False)
    found = _ENGINES.get(key)
    if found is not None and _still_there(found):
        return found
    with _ENGINES_LOCK:
        found = _ENGINES.get(key)
        if found is None or not _still_there(found):
            if found is not None:
                found.dispose()
            found = _new_engine(url)
            try:
                upgrade(found)
            except BaseException:  # e.g. the server cannot be reached: the next open tries again
                found.dispose()
                raise
            _ENGINES[key] = found
    return found


def release(location: str | Path) -> None:
    """Close the pooled connections of one location and forget its engine (a test dropping its database)."""
    key = database_url(location).render_as_string(hide_password=False)
    with _ENGINES_LOCK:
        found = _ENGINES.pop(key, None)
    if found is not None:
        found.dispose()


def _still_there(found: Engine) -> bool:
    """A SQLite file deleted since the engine was made (a test, a restore) needs its schema again."""
    return found.url.get_backend_name() != "sqlite" or Path(found.url.database or "").exists()


def _new_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    # pool_pre_ping: a server restarted under a running app costs one reconnect, not an error.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args=_server_args(url))


def _server_args(url: URL) -> dict:
    """A server that does not answer is given up on after 10 s (unless the URL sets its own connect_timeout)."""
    if url.get_backend_name() == "sqlite" or "connect_timeout" in url.query:
        return {}
    return {"connect_timeout": 10}


def _sqlite_engine(url: URL) -> Engine:
    """One connection per call (as sqlite3 is cheap to open and a file handle never outlives it), WAL mode,
    and transactions begun by us: `BEGIN IMMEDIATE` for writes, so version numbers never collide."""
    Path(url.database or "").parent.mkdir(parents=True, exist_ok=True)
    made = create_engine(url, poolclass=NullPool, connect_args={"timeout": SQLITE_BUSY_MS / 1000,
                                                                "check_same_thread": False})

    @event.listens_for(made, "connect")
    def _connected(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # pysqlite's own BEGIN handling would defer the write lock
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(made, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("workspace_write") else "BEGIN")

    _use_wal(made)
    return made


def _use_wal(made: Engine) -> None:
    """Put the file in WAL mode (kept in the file: readers never wait for a writer). Switching needs the file to
    itself for a moment, and SQLite answers "locked" at once rather than waiting when another process opens the
    new file too: try again until the busy time-out."""
    deadline = time.monotonic() + SQLITE_BUSY_MS / 1000
    while True:
        raw = made.raw_connection()
        try:
            cursor = raw.cursor()
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
        finally:
            raw.close()
        time.sleep(0.05)


@cache
def _alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@cache
def head() -> str:
    """The newest migration's revision."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current(found: Engine) -> str | None:
    """The revision a database is at (None: never migrated, e.g. a file made before migrations)."""
    from alembic.migration import MigrationContext

    with found.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(found: Engine) -> str:
    """Bring the schema to head unless it is there; returns the revision. One process migrates at a time."""
    if current(found) == head():
        return head()
    from alembic import command

    with found.connect() as conn:
        conn.execution_options(workspace_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            config = _alembic_config()
            config.attributes["connection"] = conn
            try:
                command.upgrade(config, "head")  # a second process finds the first one's revision and stops
            finally:
                config.attributes.pop("connection", None)
    return head()


def status(location: str | Path) -> tuple[str | None, str]:
    """(the revision a workspace is at, the newest revision), without migrating or creating anything: a SQLite
    file that does not exist yet is at None."""
    url = database_url(location)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():
        return None, head()
    probe = create_engine(url, poolclass=NullPool, connect_args=_server_args(url))
    try:
        return current(probe), head()
    finally:
        probe.dispose()


def migrate(location: str | Path) -> str:
    """Bring a workspace to the newest revision now (what opening it does, for an operator); returns it."""
    return current(engine(location)) or head()


class NotEmpty(ValueError):
    """A workspace copy goes only into a workspace that has no projects yet."""


def copy_workspace(source: str | Path, target: str | Path, batch: int = 500) -> dict[str, int]:
    """Copy every row of one workspace into another that has no projects yet (say from the SQLite file to
    PostgreSQL), keeping ids and version numbers; returns the rows copied per table. Both are brought to the
    newest revision first; the copy is one transaction on the target, so it is whole or not there at all."""
    source_engine, target_engine = engine(source), engine(target)
    if source_engine is target_engine:
        raise NotEmpty("the workspace to copy from is the workspace to copy to")
    copied: dict[str, int] = {}
    with source_engine.connect() as reading, target_engine.connect() as writing:
        writing.execution_options(workspace_write=True)
        with writing.begin():
            if any(writing.execute(select(func.count()).select_from(table)).scalar() for table in (projects, settings)):
                raise NotEmpty("the workspace to copy to already holds projects or saved settings")
            for table in metadata.sorted_tables:  # projects before the tables that refer to them
                copied[table.name] = _copy_rows(reading, writing, table, batch)
                if writing.dialect.name == "postgresql" and "id" in table.c and table.c.id.autoincrement is True:
                    writing.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                         f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
    return copied


def _copy_rows(reading: Connection, writing: Connection, table: Table, batch: int) -> int:
    order = list(table.primary_key.columns)
    total = 0
    rows = reading.execute(select(table).order_by(*order)).mappings()
    while chunk := rows.fetchmany(batch):
        writing.execute(table.insert(), [dict(row) for row in chunk])
        total += len(chunk)
    return total


def _forget_after_fork() -> None:
    # A forked child must not use its parent's pooled connections; it opens its own.
    for found in list(_ENGINES.values()):
        found.dispose(close=False)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)
