"""Saved rollout projects: briefs and drafts with every version kept (SQLite in the data directory by default,
or PostgreSQL when `TOOLKIT_DATABASE_URL` names one).

Several Streamlit sessions, threads and processes share one database (toolkit.workspace_db opens it, keeps its
schema at the newest migration and says how writes take turns): version numbers never collide. Nothing is
overwritten: every save of a brief or a draft adds a version.

Drafts are kept per project, kind and language: a Dutch and a Swedish survey stand side by side, each with its
own list of versions, and saving one never replaces the other. Version numbers count per project and kind
across languages, so one number names one saved draft (the Dutch survey may hold versions 1 and 3, the Swedish
one version 2). A workspace file made before languages were stored gets a `lang` column on open (the baseline
migration), filled from each stored draft's own JSON.

Optimistic concurrency for drafts: a session passes the version its edits are based on. When another
session saved a newer version in the meantime, the new save is still kept, marked as a conflict copy, and
the result says so; neither session's work is dropped.

Briefs are edited field by field (`update_brief`): a session sends only the fields it changed and the version
it saw. Changes on top of a newer version merge when they touch other fields; a field that both sessions
changed is a conflict, handled as for drafts: this session's value is saved as a new version marked as a
conflict, the other value stays in its own version, and the result names both so the user can choose.

The user confirms a version of the plan (`confirm_plan`): until then the other drafts promise the plan's
proposal. Drafts that speak of the plan's touchpoints and were saved before the newest plan version are stale
(`stale_kinds`), so the app can offer to rewrite the parts that mention it.

Sign-in (optional, see ui/auth.py): a workspace opened for a signed-in `user` records who saved each brief
and draft version (`saved_by`), makes that user the owner of the projects it creates, and hides the projects
other owners keep private: they are not listed, `get_project` returns None and every read or save of them
raises ProjectNotFound, as for a project that does not exist. A workspace opened without a user (sign-in off,
the command line) sees every project.

Survey results are kept per wave (before, during, after), every save a new version like drafts: the uploaded
file's name and bytes (so a corrected mapping can read it again), the answers as read (`Responses`), the
confirmed column mapping, the group column, the minimum group size and the commitments made after that wave.

The settings page's choices (writing engine, model, server, time-out, embeddings) are kept in a small
`settings` table, so they survive a reload or a restart; keys are never stored there.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, text, true, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from toolkit import workspace_db as db
from toolkit.i18n import LocalisedError
from toolkit.models import LANGS, Draft
from toolkit.results.model import WAVES, ColumnMapping, Responses
from toolkit.settings import EMBEDDERS, PROVIDERS

# Who may see a project: everyone, or only its owner.
VISIBILITIES = ("shared", "private")

# Why a draft version was saved: a new draft, a new variant, an edit, one part written again, a part added or
# removed, an earlier version restored, a project copied. The UI names each in the user's language.
DRAFT_ACTIONS = ("draft", "variant", "edit", "rewrite", "add", "remove", "restore", "copy")

MAX_NAME = 120

# The choices the settings page may save, with their types. Keys and secrets are never stored: they come from
# the environment or Streamlit secrets only, and these names are the only ones `save_settings` accepts.
SAVED_SETTINGS: dict[str, type] = {
    "llm_provider": str,
    "llm_model": str,
    "llm_base_url": str,
    "llm_timeout": float,
    "embeddings": str,
    "embeddings_model": str,
}


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    created: datetime
    updated: datetime
    owner: str = ""  # who created it while signed in ("" when sign-in was off)
    visibility: str = "shared"

    @property
    def private(self) -> bool:
        return self.visibility == "private"


@dataclass(frozen=True)
class BriefVersion:
    project_id: str
    version: int
    data: dict
    saved_at: datetime
    session_id: str
    conflict: bool = False
    saved_by: str = ""  # the signed-in user who saved this version ("" when sign-in was off)


@dataclass(frozen=True)
class BriefSaveResult:
    """The outcome of `update_brief`.

    `version` is the brief's newest version after the call (unchanged when `saved` is False: the changes
    matched what was already stored). `merged` says other sessions' newer changes to other fields were kept.
    `conflicts` maps each field that another session changed too to the other session's value; this save's
    value was still stored (as version `version`, marked as a conflict) and the other value stays in
    `other_version`. `data` is the whole brief as stored now."""

    version: int
    data: dict
    saved: bool = True
    merged: bool = False
    conflicts: dict = field(default_factory=dict)
    other_version: int | None = None
    other_session: str = ""

    @property
    def conflict(self) -> bool:
        return bool(self.conflicts)


@dataclass(frozen=True)
class DraftVersion:
    project_id: str
    kind: str
    version: int
    draft: Draft
    saved_at: datetime
    session_id: str
    conflict: bool
    saved_by: str = ""  # the signed-in user who saved this version ("" when sign-in was off)
    action: str = ""  # one of DRAFT_ACTIONS ('' when not recorded)
    restored_from: int | None = None  # for action 'restore': the version it is a copy of

    @property
    def lang(self) -> str:
        return self.draft.lang

    @property
    def edited(self) -> bool:
        """Whether this version holds text the user changed or added (edited or own parts)."""
        draft = self.draft
        return any(part.edited for part in (*draft.sections, *draft.items, *draft.questions)) or any(
            part.custom for part in (*draft.items, *draft.questions))


@dataclass(frozen=True)
class SaveResult:
    """The outcome of saving a draft. `conflict` is True when another session saved first since
    `base_version`; this save was then kept as a separate version (`version`), and `other_version` is the
    newest version the other session saved."""

    version: int
    conflict: bool = False
    other_version: int | None = None
    other_session: str = ""


@dataclass(frozen=True)
class ResultsVersion:
    """One saved version of a wave's results. `responses` are the answers as read with `mapping`; `file` is the
    uploaded file itself, kept so that a corrected mapping or another group column can read it again.
    `commitments` are what was promised after this wave; `ledger` what became of earlier promises."""

    project_id: str
    wave: str
    version: int
    file_name: str
    file: bytes
    responses: Responses
    mapping: list[ColumnMapping]
    group_column: str | None
    min_group: int
    commitments: list[str]
    ledger: list[dict]
    saved_at: datetime
    session_id: str
    cannot_do: list[str] = field(default_factory=list)


class WorkspaceUnavailable(LocalisedError):
    """The workspace's database does not answer (a PostgreSQL server down or unreachable, a file that cannot be
    opened). The message names the database without its password and never repeats the driver's text."""


def check_reachable(location: str | Path) -> None:
    """Raise WorkspaceUnavailable unless the workspace at `location` answers one trivial query (one pooled
    connection: about a millisecond), so the app can say so instead of failing on its first real read."""
    try:
        with db.engine(location).connect() as conn:
            conn.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as error:
        raise WorkspaceUnavailable(
            "The workspace database cannot be reached ({where}). Projects, briefs and drafts cannot be opened or "
            "saved until it answers; nothing has been lost. Ask whoever runs the toolkit to check the database "
            "server.", where=db.display(location)) from error


class ProjectNotFound(KeyError):
    """The project does not exist (or was deleted, or is private to another user)."""


class NotOwner(PermissionError):
    """Only a project's owner may make it private or shared again."""


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="microseconds")


def _clean_name(name: str) -> str:
    # NUL is no whitespace to split(), and PostgreSQL's text cannot hold it.
    return " ".join(str(name or "").replace("\x00", "").split())[:MAX_NAME]


projects, briefs, drafts, results = db.projects, db.briefs, db.drafts, db.results


class Workspace:
    """Projects, briefs and drafts in one database. Safe to share between threads, sessions and processes.

    `location` is a SQLite file (a Path, as the data folder's `workspace.sqlite3`) or a database URL
    (`postgresql://user:password@host/db`); `Settings.workspace_location` gives the one in use. Opening is
    cheap: the engine and the schema check happen once per location and process.

    `user` is who is signed in (the UI passes the e-mail address or subject of `st.user`); None when sign-in
    is off, and then every project is visible and versions record no one."""

    def __init__(self, location: str | Path, user: str | None = None):
        self.location = location
        self.user = user or None
        self._engine = db.engine(location)
        url = self._engine.url
        # The SQLite file, for callers that back it up or inspect it; None on a database server.
        self.path: Path | None = Path(url.database) if url.get_backend_name() == "sqlite" else None

    def __repr__(self) -> str:
        return f"Workspace({db.display(self.location)!r}, user={self.user!r})"

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back on an error. A write on SQLite holds the
        file's write lock from its first statement; on PostgreSQL `_require(..., lock=True)` locks the project."""
        with self._engine.connect() as conn:
            if write:
                conn.execution_options(workspace_write=True)
            with conn.begin():
                yield conn

    # Projects -------------------------------------------------------------------------------------------

    def create_project(self, name: str, visibility: str = "shared") -> Project:
        """Create a project, owned by the signed-in user (if any); an empty name becomes 'Untitled'."""
        visibility = self._checked_visibility(visibility)
        now = _now()
        project = Project(id=uuid.uuid4().hex[:12], name=_clean_name(name) or "Untitled", created=now, updated=now,
                          owner=self.user or "", visibility=visibility)
        with self._connect(write=True) as conn:
            conn.execute(insert(projects).values(id=project.id, name=project.name, created=_iso(now),
                                                 updated=_iso(now), owner=project.owner, visibility=visibility))
        return project

    def list_projects(self, user: str | None = None) -> list[Project]:
        """The projects `user` (default: the workspace's user) may see, most recently changed first: every
        shared project and their own private ones. Without a user: every project that is not deleted."""
        user = user or self.user
        with self._connect() as conn:
            rows = conn.execute(select(projects).where(projects.c.deleted == 0, _visible(user))
                                .order_by(projects.c.updated.desc())).mappings().all()
        return [_project(row) for row in rows]

    def get_project(self, project_id: str, user: str | None = None) -> Project | None:
        """The project, or None when it does not exist, was deleted or is private to someone other than `user`
        (default: the workspace's user)."""
        user = user or self.user
        with self._connect() as conn:
            row = conn.execute(select(projects).where(projects.c.id == project_id, projects.c.deleted == 0,
                                                      _visible(user))).mappings().first()
        return _project(row) if row else None

    def set_visibility(self, project_id: str, visibility: str) -> Project:
        """Make a project private to its owner or shared with everyone. Only the owner may (NotOwner for anyone
        else, and for a project made while sign-in was off: it has no owner, so it stays shared)."""
        visibility = self._checked_visibility(visibility)
        with self._connect(write=True) as conn:
            self._require(conn, project_id, lock=True)
            owner = conn.execute(select(projects.c.owner).where(projects.c.id == project_id)).scalar_one()
            if not self.user or owner != self.user:
                raise NotOwner(project_id)
            conn.execute(update(projects).where(projects.c.id == project_id).values(visibility=visibility))
        return self.get_project(project_id)  # type: ignore[return-value]

    def _checked_visibility(self, visibility: str) -> str:
        if visibility not in VISIBILITIES:
            raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}")
        if visibility == "private" and not self.user:
            raise NotOwner("a project can be private only to a signed-in owner")
        return visibility

    def rename(self, project_id: str, name: str) -> Project:
        """Give a project a new name (an empty name keeps the old one)."""
        name = _clean_name(name)
        with self._connect(write=True) as conn:
            self._require(conn, project_id, lock=True)
            if name:
                conn.execute(update(projects).where(projects.c.id == project_id)
                             .values(name=name, updated=_iso(_now())))
        return self.get_project(project_id)  # type: ignore[return-value]

    def duplicate(self, project_id: str, name: str = "") -> Project:
        """A new project with a copy of the latest brief, the latest draft of each kind in each language and
        each wave's results."""
        source = self.get_project(project_id)
        if source is None:
            raise ProjectNotFound(project_id)
        # The copy belongs to whoever makes it; a private project's copy stays private (to its new owner).
        copy = self.create_project(name or f"{source.name} (2)",
                                   visibility=source.visibility if self.user else "shared")
        brief = self.latest_brief(project_id)
        if brief is not None:
            self.save_brief(copy.id, brief.data, session_id="duplicate")
        for kind in self.draft_kinds(project_id):
            for lang in self.draft_langs(project_id, kind):
                latest = self.latest_draft(project_id, kind, lang)
                if latest is not None:
                    self.save_draft(copy.id, latest.draft, session_id="duplicate", base_version=None,
                                    action="copy")
        for wave, saved in self.latest_results(project_id).items():
            self.save_results(copy.id, wave, file_name=saved.file_name, file=saved.file, responses=saved.responses,
                              mapping=saved.mapping, group_column=saved.group_column, min_group=saved.min_group,
                              commitments=saved.commitments, ledger=saved.ledger, cannot_do=saved.cannot_do,
                              session_id="duplicate")
        return copy

    def delete(self, project_id: str) -> None:
        """Remove a project from the list. Its versions stay in the database (a soft delete)."""
        with self._connect(write=True) as conn:
            self._require(conn, project_id, lock=True)
            conn.execute(update(projects).where(projects.c.id == project_id).values(deleted=1, updated=_iso(_now())))

    # Briefs ---------------------------------------------------------------------------------------------

    def save_brief(self, project_id: str, data: dict, session_id: str = "") -> int:
        """Store a whole brief exactly as typed (valid or not) as a new version; return the version number.

        For a new project, an import or a copy. A session editing the form uses `update_brief`, which writes
        only the fields it changed."""
        with self._connect(write=True) as conn:
            self._require(conn, project_id, lock=True)
            latest = _latest_brief_row(conn, project_id)
            version = (latest["version"] if latest else 0) + 1
            _insert_brief(conn, project_id, version, data, session_id, base_version=None, conflict=False,
                          saved_by=self.user or "")
        return version

    def update_brief(self, project_id: str, changes: dict, base_version: int | None,
                     session_id: str = "") -> BriefSaveResult:
        """Save the fields a session changed, on top of the version it saw (`base_version`; None before the
        project has a brief).

        A change equal to what that version holds is no change: nothing is saved when none is left. Newer
        versions saved by other sessions in the meantime are merged when they touch other fields. A field that
        another session changed to a different value is a conflict: this session's value is still saved, as a
        new version marked as a conflict, and the result reports the other value and version."""
        with self._connect(write=True) as conn:
            self._require(conn, project_id, lock=True)
            latest = _latest_brief_row(conn, project_id)
            latest_version = latest["version"] if latest else 0
            current = json.loads(latest["data"]) if latest else {}
            base = current if base_version == latest_version else self._brief_data(conn, project_id, base_version)
            wanted = {name: value for name, value in changes.items() if not _same(value, base.get(name))}
            if not any(not _same(value, current.get(name)) for name, value in wanted.items()):
                return BriefSaveResult(version=latest_version, data=current, saved=False,
                                       merged=latest_version != (base_version or 0))
            others = self._changed_by_others(conn, project_id, base_version, base, session_id)
            theirs = {name: current.get(name) for name in wanted
                      if name in others and not _same(current.get(name), wanted[name])}
            data = {**current, **wanted}
            version = latest_version + 1
            _insert_brief(conn, project_id, version, data, session_id, base_version=base_version,
                          conflict=bool(theirs), saved_by=self.user or "")
        merged = latest_version != (base_version or 0)
        if theirs:
            return BriefSaveResult(version=version, data=data, merged=merged, conflicts=theirs,
                                   other_version=latest_version, other_session=latest["session_id"])
        return BriefSaveResult(version=version, data=data, merged=merged)

    @staticmethod
    def _changed_by_others(conn: Connection, project_id: str, base_version: int | None, base: dict,
                           session_id: str) -> set[str]:
        """The fields other sessions changed after `base_version` (this session's own later saves are no
        conflict with itself)."""
        rows = conn.execute(select(briefs.c.data, briefs.c.session_id)
                            .where(briefs.c.project_id == project_id, briefs.c.version > (base_version or 0))
                            .order_by(briefs.c.version)).mappings().all()
        changed: set[str] = set()
        previous = base
        for row in rows:
            data = json.loads(row["data"])
            if row["session_id"] != session_id:
                changed |= {name for name in set(data) | set(previous)
                            if not _same(data.get(name), previous.get(name))}
            previous = data
        return changed

    @staticmethod
    def _brief_data(conn: Connection, project_id: str, version: int | None) -> dict:
        """The data of one version ({} for None or a version that does not exist)."""
        if not version:
            return {}
        data = conn.execute(select(briefs.c.data).where(briefs.c.project_id == project_id,
                                                        briefs.c.version == version)).scalar()
        return json.loads(data) if data else {}

    def latest_brief(self, project_id: str) -> BriefVersion | None:
        with self._connect() as conn:
            self._hide_private(conn, project_id)
            row = _latest_brief_row(conn, project_id)
        return _brief(row) if row else None

    def brief_versions(self, project_id: str) -> list[BriefVersion]:
        """Every saved version of the brief, newest first."""
        with self._connect() as conn:
            self._hide_private(conn, project_id)
            rows = conn.execute(select(briefs).where(briefs.c.project_id == project_id)
                                .order_by(briefs.c.version.desc())).mappings().all()
        return [_brief(row) for row in rows]

    # Drafts ---------------------------------------------------------------------------------------------

    def save_draft(self, project_id: str, draft: Draft, session_id: str = "",
                   base_version: int | None = None, action: str = "",
                   restored_from: int | None = None) -> SaveResult:
        """Store a draft as a new version of its kind in its language (`draft.lang`).

        `base_version` is the version the caller's edits start from (None for a brand-new draft). If another
        session has saved a newer version of the same kind and language since then, this draft is still
        stored (as a conflict copy) and the result reports the other version, so the caller can tell the user
        that both are kept. A draft in another language is never a conflict: it is a document of its own.
        `action` says what made this version (one of DRAFT_ACTIONS), `restored_from` which version a
        restore copies.
        """
        if action and action not in DRAFT_ACTIONS:
            raise ValueError(f"unknown draft action {action!r}; choose one of {', '.join(DRAFT_ACTIONS)}")
        payload = draft.model_dump_json()
        with self._connect(write=True) as conn:
            self._require(conn, project_id, lock=True)
            newest = conn.execute(select(func.max(drafts.c.version)).where(
                drafts.c.project_id == project_id, drafts.c.kind == draft.kind)).scalar() or 0
            latest = conn.execute(select(drafts.c.version, drafts.c.session_id).where(
                drafts.c.project_id == project_id, drafts.c.kind == draft.kind, drafts.c.lang == draft.lang)
                .order_by(drafts.c.version.desc()).limit(1)).mappings().first()
            latest_version = latest["version"] if latest else 0
            conflict = bool(latest and base_version is not None and latest_version > base_version
                            and latest["session_id"] != session_id)
            version = newest + 1
            now = _iso(_now())
            conn.execute(insert(drafts).values(
                project_id=project_id, kind=draft.kind, lang=draft.lang, version=version, data=payload,
                saved_at=now, session_id=session_id, base_version=base_version, conflict=int(conflict),
                saved_by=self.user or "", action=action, restored_from=restored_from))
            _touch(conn, project_id, now)
        if conflict:
            return SaveResult(version=version, conflict=True, other_version=latest_version,
                              other_session=latest["session_id"])
        return SaveResult(version=version)

    def latest_draft(self, project_id: str, kind: str, lang: str | None = None) -> DraftVersion | None:
        """The newest draft of a kind in `lang` (None: the newest in any language)."""
        with self._connect() as conn:
            self._hide_private(conn, project_id)
            row = conn.execute(select(drafts).where(*_draft_filter(project_id, kind, lang))
                               .order_by(drafts.c.version.desc()).limit(1)).mappings().first()
        return _draft(row) if row else None

    def get_draft(self, project_id: str, kind: str, version: int) -> DraftVersion | None:
        """One saved version (a version number names one draft across the kind's languages)."""
        with self._connect() as conn:
            self._hide_private(conn, project_id)
            row = conn.execute(select(drafts).where(*_draft_filter(project_id, kind, None),
                                                    drafts.c.version == version)).mappings().first()
        return _draft(row) if row else None

    def draft_versions(self, project_id: str, kind: str, lang: str | None = None) -> list[DraftVersion]:
        """Every saved version of one kind of draft in `lang` (None: in every language), newest first."""
        with self._connect() as conn:
            self._hide_private(conn, project_id)
            rows = conn.execute(select(drafts).where(*_draft_filter(project_id, kind, lang))
                                .order_by(drafts.c.version.desc())).mappings().all()
        return [_draft(row) for row in rows]

    def draft_langs(self, project_id: str, kind: str) -> list[str]:
        """The languages a project holds a draft of `kind` in, in the order of LANGS."""
        with self._connect() as conn:
            found = set(conn.execute(select(drafts.c.lang).distinct()
                                     .where(*_draft_filter(project_id, kind, None))).scalars())
        return [lang for lang in LANGS if lang in found]

    def draft_kinds(self, project_id: str) -> list[str]:
        """The kinds of draft a project has saved."""
        with self._connect() as conn:
            self._hide_private(conn, project_id)
            kinds = conn.execute(select(drafts.c.kind).distinct().where(drafts.c.project_id == project_id)
                                 ).scalars().all()
        return sorted(kinds)  # sorted here: a server's collation may order text otherwise

    # Plan confirmation --------------------------------------------------------------------------------

    def confirm_plan(self, project_id: str, version: int, session_id: str = "") -> None:
        """Record that the user confirmed this version of the plan (its touchpoints are then agreed)."""
        with self._connect(write=True) as conn:
            self._require(conn, project_id, lock=True)
            found = conn.execute(select(drafts.c.id).where(*_draft_filter(project_id, "plan", None),
                                                           drafts.c.version == version)).first()
            if found is None:
                raise KeyError(f"plan version {version}")
            conn.execute(insert(db.plan_confirmations).values(project_id=project_id, version=version,
                                                              confirmed_at=_iso(_now()), session_id=session_id))

    def plan_confirmed(self, project_id: str) -> int | None:
        """The plan version the user confirmed last, or None when no plan was ever confirmed."""
        confirmations = db.plan_confirmations
        with self._connect() as conn:
            return conn.execute(select(confirmations.c.version).where(confirmations.c.project_id == project_id)
                                .order_by(confirmations.c.id.desc()).limit(1)).scalar()

    def plan_is_confirmed(self, project_id: str) -> bool:
        """Whether the newest plan is the confirmed one (a plan changed after confirming needs confirming again)."""
        latest = self.latest_draft(project_id, "plan")
        return latest is not None and self.plan_confirmed(project_id) == latest.version

    def stale_kinds(self, project_id: str) -> list[str]:
        """The kinds of draft whose newest version speaks of the plan's touchpoints and was saved before the
        newest plan version: what they promise may no longer match the plan.

        A draft lists the touchpoints it mentions in `touchpoints`; a draft saved without that field counts as
        touching the plan when it is a story, FAQ or survey."""
        plan = self.latest_draft(project_id, "plan")
        if plan is None:
            return []
        stale: list[str] = []
        for kind in self.draft_kinds(project_id):
            latest = self.latest_draft(project_id, kind) if kind != "plan" else None
            if latest is not None and latest.saved_at < plan.saved_at and _touches_plan(latest.draft):
                stale.append(kind)
        return stale

    # Results --------------------------------------------------------------------------------------------

    def save_results(self, project_id: str, wave: str, *, file_name: str, file: bytes, responses: Responses,
                     mapping: list[ColumnMapping] | None = None, group_column: str | None = None,
                     min_group: int = 5, commitments: list[str] | None = None, ledger: list[dict] | None = None,
                     cannot_do: list[str] | None = None, session_id: str = "") -> int:
        """Store a wave's results (before, during or after) as a new version; return the version number.

        `commitments` are what the follow-up after this wave promises, `cannot_do` what it says cannot be done
        yet, and `ledger` what became of the promises made after earlier waves (dicts: text, wave, done)."""
        if wave not in WAVES:
            raise ValueError(f"unknown wave {wave!r}; choose from {', '.join(WAVES)}")
        data = {"responses": responses.model_dump(mode="json"),
                "mapping": [m.model_dump(mode="json") for m in (mapping or responses.report.mapping)],
                "group_column": group_column or None, "min_group": int(min_group),
                "commitments": [str(c) for c in commitments or []], "ledger": list(ledger or []),
                "cannot_do": [str(c) for c in cannot_do or []]}
        payload = json.dumps(data, ensure_ascii=False, default=str)
        with self._connect(write=True) as conn:
            self._require(conn, project_id, lock=True)
            newest = conn.execute(select(func.max(results.c.version)).where(
                results.c.project_id == project_id, results.c.wave == wave)).scalar() or 0
            version = newest + 1
            now = _iso(_now())
            conn.execute(insert(results).values(
                project_id=project_id, wave=wave, version=version, file_name=str(file_name).replace("\x00", ""),
                file=bytes(file), data=payload, saved_at=now, session_id=session_id))
            _touch(conn, project_id, now)
        return version

    def latest_results(self, project_id: str) -> dict[str, ResultsVersion]:
        """The newest version of each wave that has results, in wave order (before, during, after)."""
        newest = (select(results.c.wave, func.max(results.c.version).label("version"))
                  .where(results.c.project_id == project_id).group_by(results.c.wave).subquery())
        with self._connect() as conn:
            rows = conn.execute(select(results).join(newest, and_(results.c.wave == newest.c.wave,
                                                                  results.c.version == newest.c.version))
                                .where(results.c.project_id == project_id)).mappings().all()
        found = {row["wave"]: _results(row) for row in rows}
        return {wave: found[wave] for wave in WAVES if wave in found}

    def results_versions(self, project_id: str, wave: str) -> list[ResultsVersion]:
        """Every saved version of one wave's results, newest first."""
        with self._connect() as conn:
            rows = conn.execute(select(results).where(results.c.project_id == project_id, results.c.wave == wave)
                                .order_by(results.c.version.desc())).mappings().all()
        return [_results(row) for row in rows]

    # Settings -------------------------------------------------------------------------------------------

    def save_settings(self, values: dict) -> None:
        """Remember settings-page choices (only the names in SAVED_SETTINGS; never a key). Empty strings are
        stored as chosen; a name mapped to None is forgotten (the environment's value applies again)."""
        unknown = sorted(set(values) - set(SAVED_SETTINGS))
        if unknown:
            raise ValueError(f"not a setting that can be saved: {', '.join(unknown)}")
        now = _iso(_now())
        table = db.settings
        with self._connect(write=True) as conn:
            upsert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
            for name, value in values.items():
                if value is None:
                    conn.execute(delete(table).where(table.c.name == name))
                    continue
                stored = upsert(table).values(name=name, value=json.dumps(SAVED_SETTINGS[name](value)), saved_at=now)
                conn.execute(stored.on_conflict_do_update(
                    index_elements=[table.c.name],
                    set_={"value": stored.excluded.value, "saved_at": stored.excluded.saved_at}))

    def load_settings(self) -> dict:
        """The saved choices, by setting name; entries that no longer parse are left out."""
        table = db.settings
        with self._connect() as conn:
            rows = conn.execute(select(table.c.name, table.c.value)).mappings().all()
        saved: dict = {}
        for row in rows:
            kind = SAVED_SETTINGS.get(row["name"])
            try:
                value = json.loads(row["value"])
                if kind is not None and isinstance(value, (str, int, float)):
                    saved[row["name"]] = kind(value)
            except (ValueError, TypeError):
                continue
        return {name: value for name, value in saved.items() if _valid_setting(name, value)}

    def clear_settings(self) -> None:
        """Forget every saved choice: the environment's settings apply again."""
        with self._connect(write=True) as conn:
            conn.execute(delete(db.settings))

    # Helpers --------------------------------------------------------------------------------------------

    def _hide_private(self, conn: Connection, project_id: str) -> None:
        """Raise ProjectNotFound when the project is private to another user (reads of a project that does not
        exist keep answering None or [], as before sign-in)."""
        if self.user is None:
            return
        row = conn.execute(select(projects.c.owner, projects.c.visibility)
                           .where(projects.c.id == project_id)).mappings().first()
        if row is not None and row["visibility"] == "private" and row["owner"] != self.user:
            raise ProjectNotFound(project_id)

    def _require(self, conn: Connection, project_id: str, lock: bool = False) -> None:
        """Raise ProjectNotFound unless the project exists and the workspace's user may see it.

        With `lock`, the project's row stays locked until the transaction ends (PostgreSQL's FOR UPDATE; SQLite
        holds the whole file's write lock already): saves to one project take turns, so the version a save
        numbers is still free when it inserts it, and a save never waits for another project's."""
        query = select(projects.c.id).where(projects.c.id == project_id, projects.c.deleted == 0,
                                            _visible(self.user))
        if conn.execute(query.with_for_update() if lock else query).first() is None:
            raise ProjectNotFound(project_id)


def _visible(user: str | None):
    """A project is visible to a user when it is shared or theirs; without a user always."""
    if user is None:
        return true()
    return or_(projects.c.visibility == "shared", projects.c.owner == user)


def _valid_setting(name: str, value) -> bool:
    """Whether a saved value can still be used (an edited file or an older version may hold others)."""
    if name == "llm_provider":
        return value in PROVIDERS
    if name == "embeddings":
        return value in EMBEDDERS
    if name == "llm_timeout":
        return 0 < value <= 3600
    return True


def _touches_plan(draft: Draft) -> bool:
    """Whether a draft mentions plan touchpoints; one stored without a `touchpoints` field is judged by kind."""
    if "touchpoints" not in draft.model_fields_set:  # also when the model has no such field yet
        return draft.kind in ("story", "faq", "survey")
    return bool(getattr(draft, "touchpoints", []))


def _draft_filter(project_id: str, kind: str, lang: str | None) -> list:
    """The conditions that narrow drafts to one project and kind, and to one language unless `lang` is None."""
    conditions = [drafts.c.project_id == project_id, drafts.c.kind == kind]
    return [*conditions, drafts.c.lang == lang] if lang else conditions


def _touch(conn: Connection, project_id: str, now: str) -> None:
    conn.execute(update(projects).where(projects.c.id == project_id).values(updated=now))


def _latest_brief_row(conn: Connection, project_id: str):
    return conn.execute(select(briefs).where(briefs.c.project_id == project_id)
                        .order_by(briefs.c.version.desc()).limit(1)).mappings().first()


def _insert_brief(conn: Connection, project_id: str, version: int, data: dict, session_id: str, *,
                  base_version: int | None, conflict: bool, saved_by: str = "") -> None:
    payload = json.dumps(data, ensure_ascii=False, default=str, sort_keys=True)
    now = _iso(_now())
    conn.execute(insert(briefs).values(project_id=project_id, version=version, data=payload, saved_at=now,
                                       session_id=session_id, base_version=base_version, conflict=int(conflict),
                                       saved_by=saved_by))
    _touch(conn, project_id, now)


def _same(a, b) -> bool:
    """Whether two stored brief values mean the same: an empty value equals a missing one, and a value
    equals its JSON round trip (a date and its ISO text)."""
    if a in (None, "", []) and b in (None, "", []):
        return True
    return json.dumps(a, default=str, sort_keys=True) == json.dumps(b, default=str, sort_keys=True)


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _project(row) -> Project:
    return Project(id=row["id"], name=row["name"], created=_time(row["created"]), updated=_time(row["updated"]),
                   owner=row["owner"], visibility=row["visibility"])


def _brief(row) -> BriefVersion:
    return BriefVersion(project_id=row["project_id"], version=row["version"], data=json.loads(row["data"]),
                        saved_at=_time(row["saved_at"]), session_id=row["session_id"],
                        conflict=bool(row["conflict"]), saved_by=row["saved_by"])


def _results(row) -> ResultsVersion:
    data = json.loads(row["data"])
    return ResultsVersion(
        project_id=row["project_id"], wave=row["wave"], version=row["version"], file_name=row["file_name"],
        file=bytes(row["file"] or b""), responses=Responses.model_validate(data["responses"]),
        mapping=[ColumnMapping.model_validate(m) for m in data.get("mapping", [])],
        group_column=data.get("group_column"), min_group=int(data.get("min_group", 5)),
        commitments=list(data.get("commitments", [])), ledger=list(data.get("ledger", [])),
        cannot_do=list(data.get("cannot_do", [])), saved_at=_time(row["saved_at"]), session_id=row["session_id"])


def _draft(row) -> DraftVersion:
    return DraftVersion(project_id=row["project_id"], kind=row["kind"], version=row["version"],
                        draft=Draft.model_validate_json(row["data"]), saved_at=_time(row["saved_at"]),
                        session_id=row["session_id"], conflict=bool(row["conflict"]), saved_by=row["saved_by"],
                        action=row["action"], restored_from=row["restored_from"])
