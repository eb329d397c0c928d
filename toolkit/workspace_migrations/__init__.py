"""Alembic migrations of the workspace schema, run by `toolkit.workspace_db.upgrade` when a workspace opens.

A new migration: add a file to `versions/` whose `down_revision` is the current head (see v0001_baseline.py),
change the tables in `toolkit/workspace_db.py` to match, and keep it working on SQLite and PostgreSQL
(tests/test_workspace_schema.py compares the migrated schema with the tables on both).
"""
