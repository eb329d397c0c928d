"""The workspace as it was when migrations began, reached from any earlier file.

On a new database this creates every table. A SQLite workspace written before migrations (by any earlier
release: without results, plan confirmations or settings, without a brief's conflict columns, a draft's
language, action and restore columns, a project's owner and visibility, or a version's `saved_by`) keeps every
row: missing tables are created, missing columns added with their defaults, and drafts stored before the
`lang` column get the language read from their own JSON. The tables are written out here, not imported, so
this revision keeps meaning what it meant when later ones change them.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _project_id() -> sa.Column:
    return sa.Column("project_id", sa.Text, sa.ForeignKey("projects.id"), nullable=False)


def _text(name: str, default: str | None = None) -> sa.Column:
    if default is None:
        return sa.Column(name, sa.Text, nullable=False)
    return sa.Column(name, sa.Text, nullable=False, server_default=default)


def _flag(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer, nullable=False, server_default=sa.text("0"))


def _tables() -> list[tuple[str, list, list]]:
    """(name, columns, constraints) of every table, in the order they may be created."""
    return [
        ("projects", [sa.Column("id", sa.Text, primary_key=True), _text("name"), _text("created"),
                      _text("updated"), _flag("deleted"), _text("owner", ""), _text("visibility", "shared")], []),
        ("briefs", [_id(), _project_id(), sa.Column("version", sa.Integer, nullable=False), _text("data"),
                    _text("saved_at"), _text("session_id", ""), sa.Column("base_version", sa.Integer),
                    _flag("conflict"), _text("saved_by", "")],
         [sa.UniqueConstraint("project_id", "version")]),
        ("drafts", [_id(), _project_id(), _text("kind"), sa.Column("version", sa.Integer, nullable=False),
                    _text("data"), _text("saved_at"), _text("session_id", ""), sa.Column("base_version", sa.Integer),
                    _flag("conflict"), sa.Column("lang", sa.Text), _text("saved_by", ""), _text("action", ""),
                    sa.Column("restored_from", sa.Integer)],
         [sa.UniqueConstraint("project_id", "kind", "version")]),
        ("plan_confirmations", [_id(), _project_id(), sa.Column("version", sa.Integer, nullable=False),
                                _text("confirmed_at"), _text("session_id", "")], []),
        ("results", [_id(), _project_id(), _text("wave"), sa.Column("version", sa.Integer, nullable=False),
                     _text("file_name", ""), sa.Column("file", sa.LargeBinary), _text("data"), _text("saved_at"),
                     _text("session_id", "")],
         [sa.UniqueConstraint("project_id", "wave", "version")]),
        ("settings", [sa.Column("name", sa.Text, primary_key=True), _text("value"), _text("saved_at")], []),
    ]


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    existing = set(inspector.get_table_names())
    for name, columns, constraints in _tables():
        if name not in existing:
            numbered = isinstance(columns[0].type, sa.Integer)  # AUTOINCREMENT, as the first release made them
            op.create_table(name, *columns, *constraints, sqlite_autoincrement=numbered)
            continue
        present = {column["name"] for column in inspector.get_columns(name)}
        for column in columns:
            if column.name not in present:  # an older file: every column added since has a default or is nullable
                op.add_column(name, column)
    _backfill_draft_langs(bind)


def _backfill_draft_langs(bind) -> None:
    """Give drafts saved before the `lang` column their language, read from the stored draft itself; an
    unreadable row (never written by the toolkit) counts as English rather than stopping the file opening."""
    drafts = sa.table("drafts", sa.column("id", sa.Integer), sa.column("data", sa.Text), sa.column("lang", sa.Text))
    rows = bind.execute(sa.select(drafts.c.id, drafts.c.data).where(drafts.c.lang.is_(None))).all()
    for row_id, data in rows:
        try:
            lang = json.loads(data).get("lang")
        except (ValueError, TypeError, AttributeError):
            lang = None
        bind.execute(sa.update(drafts).where(drafts.c.id == row_id).values(lang=lang if lang else "en"))


def downgrade() -> None:
    raise NotImplementedError("the baseline cannot be undone: restore the backup made before the upgrade")
