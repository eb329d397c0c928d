"""The twenty-sessions load test of tests/test_load.py with the workspace on a real PostgreSQL: one app process,
twenty sessions drafting at once, and no brief that nobody edited changes (issue 11, sections 1 and 4)."""

from __future__ import annotations

import pytest
from test_load import (
    test_twenty_sessions_drafting_without_edits_leave_every_brief_at_version_1 as twenty_sessions,
)

from toolkit.settings import Settings


@pytest.mark.integration
def test_twenty_sessions_on_postgresql_leave_every_brief_at_version_1(postgresql_url, monkeypatch):
    monkeypatch.setenv("TOOLKIT_DATABASE_URL", postgresql_url)
    assert Settings.from_env().workspace_location == postgresql_url  # the app's pages open this database
    twenty_sessions()
