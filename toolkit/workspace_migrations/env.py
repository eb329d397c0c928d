"""Alembic's entry point for the workspace. The toolkit passes an open connection, already inside the
transaction that holds the migration lock (`toolkit.workspace_db.upgrade`); run by hand, it connects to
`sqlalchemy.url` or else to the workspace the environment names (`TOOLKIT_DATABASE_URL`, `TOOLKIT_DATA_DIR`).
Imported outside Alembic (as the import checks do), it does nothing."""

from __future__ import annotations

from alembic import context

from toolkit.workspace_db import metadata


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()


def _in_alembic() -> bool:
    """Whether Alembic is running this file (it sets up `context` first)."""
    try:
        context.config  # noqa: B018 - missing (or a proxy raising NameError) until Alembic sets it up
    except (AttributeError, NameError):
        return False
    return True


def main() -> None:
    if context.is_offline_mode():
        raise SystemExit("the workspace migrations run against a database; offline SQL scripts are not supported")
    given = context.config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    from sqlalchemy import create_engine

    from toolkit.settings import Settings
    from toolkit.workspace_db import database_url

    url = context.config.get_main_option("sqlalchemy.url") or database_url(Settings.from_env().workspace_location)
    with create_engine(url).connect() as connection:
        _run(connection)
        connection.commit()


if _in_alembic():
    main()
