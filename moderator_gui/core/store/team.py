"""Team mode: who is logged in (and as what), setting a team server up, its users, its
settings, who is online, and the conflicts a lead adjudicates.

A team is a PostgreSQL database set up by ``moderator-cli team init`` (run by its owner).
Each person logs in as their own PostgreSQL role; the server decides what they may do
(``team_sql.py``). A SQLite file, or a PostgreSQL database never set up as a team, is
"solo": no roles, the reviewer's name is what the desk says.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from sqlalchemy import Connection, delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from moderator_gui.core.changes import Changes
from moderator_gui.core.domain import DecisionInput, EventKind, utcnow
from moderator_gui.core.store.base import StoreBase
from moderator_gui.core.store.claims import LEASE_KEY
from moderator_gui.core.store.errors import InvalidDecisionError, NotFoundError, PermissionDeniedError, StoreError
from moderator_gui.core.store.rows import RecordedEvent
from moderator_gui.core.store.tables import conflicts_t, desks_t, items_t, reviewers_t, settings_t
from moderator_gui.core.store.team_sql import (
    LEAD_ROLE,
    POLICY_KEY,
    REVIEWER_ROLE,
    ROLES,
    TEAM_KEY,
    dupes_sql,
    policy_setting,
    roles_sql,
    security_sql,
)

if TYPE_CHECKING:
    from moderator_gui.core.store.store import Store

_LOGIN_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,62}$")
_INIT_LOCK = 0x6D6F6454  # "modT": one team init at a time per database
SCRAM_ITERATIONS = 4096


@dataclass(frozen=True)
class Identity:
    """Who this store's connection is. ``login`` is None on SQLite (the desk names its reviewer)."""

    login: str | None
    team: bool  # a team database (``team init`` ran)
    role: str | None  # "lead" | "reviewer" | "owner" (not in a team role) | None (solo)

    @property
    def is_lead(self) -> bool:
        return self.role in ("lead", "owner")


@dataclass(frozen=True)
class TeamUser:
    name: str
    role: str  # reviewer | lead
    can_login: bool


@dataclass(frozen=True)
class OnlineDesk:
    reviewer: str
    host: str
    started_at: datetime
    last_seen: datetime


@dataclass(frozen=True)
class KeptConflict:
    id: int
    uuid: str
    item_id: int
    external_id: str
    kind: str
    category: str | None
    actions: tuple[str, ...]
    note: str
    reviewer: str
    decided_at: datetime
    kept_at: datetime
    found_head: str | None


def scram_verifier(password: str, *, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS) -> str:
    """PostgreSQL's SCRAM-SHA-256 verifier for ``password`` (RFC 5802/7677): what the server
    stores. Sending this instead of the password keeps the password out of the server's
    statement log and out of ``pg_stat_activity``."""
    salt = salt or secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    b64 = base64.b64encode
    return f"SCRAM-SHA-256${iterations}:{b64(salt).decode()}${b64(stored_key).decode()}:{b64(server_key).decode()}"


def check_login_name(name: str) -> str:
    if not _LOGIN_RE.match(name):
        raise StoreError("team.bad_login", name=name)
    return name


class TeamMixin(StoreBase):
    _identity: Identity | None = None

    # -- who am I ---------------------------------------------------------------------------------
    def identity(self) -> Identity:
        """The login and its team role (cached: a role change takes effect at the next start)."""
        if self._identity is not None:
            return self._identity
        if self.dialect != "postgresql":
            self._identity = Identity(None, False, None)
            return self._identity
        with self.read() as conn:
            login, superuser = conn.execute(
                text("SELECT session_user, rolsuper FROM pg_roles WHERE rolname = session_user")
            ).one()
            team = conn.execute(select(settings_t.c.value).where(settings_t.c.key == TEAM_KEY)).scalar() == "1"
            roles: dict[str, bool] = dict(
                conn.execute(
                    text(
                        "SELECT r.rolname, pg_has_role(session_user, r.oid, 'MEMBER') FROM pg_roles r "
                        "WHERE r.rolname IN (:reviewer, :lead)"
                    ),
                    {"reviewer": REVIEWER_ROLE, "lead": LEAD_ROLE},
                ).all()
            )
        if superuser:
            role = "owner"
        else:
            role = "lead" if roles.get(LEAD_ROLE) else "reviewer" if roles.get(REVIEWER_ROLE) else "owner"
        self._identity = Identity(str(login), team, role if team else None)
        return self._identity

    def require_lead(self, what: str) -> None:
        """A friendly refusal before the server's own (which stays the real guard)."""
        me = self.identity()
        if me.team and not me.is_lead:
            raise PermissionDeniedError("team.leads_only", what=what)

    # -- setting a team up (the database owner) ---------------------------------------------------
    def team_init(self, *, lease_seconds: int | None = None) -> None:
        """Roles, grants, row-level security, triggers and settings. Idempotent.

        The store's policy becomes the one the server enforces (``team_sql.policy_setting``):
        running it again refreshes it; a new policy version is added to the ones stored."""
        if self.dialect != "postgresql":
            raise StoreError("team.needs_postgresql", db=self.describe())
        with self.write() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _INIT_LOCK})
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            for stmt in (*roles_sql(), *security_sql(schema), *dupes_sql(schema)):
                conn.exec_driver_sql(stmt)
            self._set(conn, TEAM_KEY, "1")
            stored = conn.execute(select(settings_t.c.value).where(settings_t.c.key == POLICY_KEY)).scalar()
            self._set(conn, POLICY_KEY, policy_setting(self.policy, stored))
            if lease_seconds is not None:
                self._set(conn, LEASE_KEY, str(lease_seconds))
            elif conn.execute(select(settings_t.c.key).where(settings_t.c.key == LEASE_KEY)).first() is None:
                self._set(conn, LEASE_KEY, "120")
        self._identity = None

    def _set(self, conn: Connection, key: str, value: str) -> None:
        ins = pg_insert(settings_t) if self.dialect == "postgresql" else sqlite_insert(settings_t)
        conn.execute(ins.values(key=key, value=value).on_conflict_do_update(index_elements=["key"], set_={"value": value}))

    def settings(self) -> dict[str, str]:
        with self.read() as conn:
            return dict(conn.execute(select(settings_t.c.key, settings_t.c.value)).all())

    def add_user(self, name: str, role: str, *, password: str | None = None) -> bool:
        """Create the LOGIN role ``name`` (or change its role); returns True if it is new."""
        check_login_name(name)
        group = ROLES[role]
        other = ROLES["lead" if role == "reviewer" else "reviewer"]
        with self.write() as conn:
            quote = conn.dialect.identifier_preparer.quote
            exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first() is not None
            verifier = f" PASSWORD '{scram_verifier(password)}'" if password is not None else ""
            conn.exec_driver_sql(f"{'ALTER' if exists else 'CREATE'} ROLE {quote(name)} LOGIN{verifier}")
            conn.exec_driver_sql(f"GRANT {group} TO {quote(name)}")
            conn.exec_driver_sql(f"REVOKE {other} FROM {quote(name)}")
            if conn.execute(select(reviewers_t.c.id).where(reviewers_t.c.name == name)).first() is None:
                conn.execute(insert(reviewers_t).values(name=name, created_at=utcnow()))
        return not exists

    def users(self) -> list[TeamUser]:
        q = text(
            "SELECT u.rolname, pg_has_role(u.oid, l.oid, 'MEMBER') AS lead, u.rolcanlogin "
            "FROM pg_roles u, pg_roles r, pg_roles l "
            "WHERE r.rolname = :reviewer AND l.rolname = :lead AND u.rolcanlogin AND NOT u.rolsuper "
            "AND pg_has_role(u.oid, r.oid, 'MEMBER') AND u.rolname NOT IN (:reviewer, :lead) ORDER BY u.rolname"
        )
        with self.read() as conn:
            rows = conn.execute(q, {"reviewer": REVIEWER_ROLE, "lead": LEAD_ROLE}).all()
        return [TeamUser(r[0], "lead" if r[1] else "reviewer", bool(r[2])) for r in rows]

    # -- who is online ---------------------------------------------------------------------------
    def heartbeat(self, desk_id: str, reviewer: str) -> None:
        """This desk is open (its reviewer online); call every few tens of seconds."""
        ins = pg_insert(desks_t) if self.dialect == "postgresql" else sqlite_insert(desks_t)
        now = self.now_sql()
        with self.write() as conn:
            stmt = ins.values(desk_id=desk_id, reviewer=reviewer, host=socket.gethostname()[:200], started_at=now,
                              last_seen=now)  # fmt: skip
            conn.execute(stmt.on_conflict_do_update(index_elements=["desk_id"], set_={"last_seen": now}))

    def desk_closed(self, desk_id: str) -> None:
        with self.write() as conn:
            conn.execute(delete(desks_t).where(desks_t.c.desk_id == desk_id))

    def online(self, within_s: int) -> list[OnlineDesk]:
        """Desks whose heartbeat came in the last ``within_s`` seconds."""
        with self.read() as conn:
            since = self.later_sql(-within_s)
            q = select(desks_t.c.reviewer, desks_t.c.host, desks_t.c.started_at, desks_t.c.last_seen).where(
                desks_t.c.last_seen >= since
            )
            return [OnlineDesk(*r) for r in conn.execute(q.order_by(desks_t.c.reviewer, desks_t.c.host))]

    def decisions_per_hour(self, since: datetime) -> dict[str, dict[int, int]]:
        """Decide events (not undone) per reviewer and UTC hour since ``since``."""
        from moderator_gui.core.store.tables import decisions_t

        undone = select(decisions_t.c.reverts).where(decisions_t.c.reverts.is_not(None))
        hour = (
            func.extract("hour", func.timezone("UTC", decisions_t.c.decided_at))
            if self.dialect == "postgresql"
            else func.cast(func.strftime("%H", decisions_t.c.decided_at), type_=items_t.c.priority.type)
        )
        q = (
            select(reviewers_t.c.name, hour.label("h"), func.count())
            .join(reviewers_t, reviewers_t.c.id == decisions_t.c.reviewer_id)
            .where(decisions_t.c.kind == EventKind.DECIDE.value, decisions_t.c.decided_at >= since,
                   decisions_t.c.uuid.not_in(undone))
            .group_by(reviewers_t.c.name, hour)
        )
        out: dict[str, dict[int, int]] = {}
        with self.read() as conn:
            for name, h, n in conn.execute(q):
                out.setdefault(name, {})[int(h)] = int(n)
        return out

    # -- conflicts ---------------------------------------------------------------------------------
    def conflicts(self, *, open_only: bool = True) -> list[KeptConflict]:
        q = (
            select(conflicts_t, items_t.c.external_id)
            .join(items_t, items_t.c.id == conflicts_t.c.item_id)
            .order_by(conflicts_t.c.kept_at, conflicts_t.c.id)
        )
        if open_only:
            q = q.where(conflicts_t.c.resolution.is_(None))
        with self.read() as conn:
            return [
                KeptConflict(r.id, r.uuid, r.item_id, r.external_id, r.kind, r.category, tuple(json.loads(r.actions)),
                             r.note, r.reviewer, r.decided_at, r.kept_at, r.found_head)
                for r in conn.execute(q)
            ]

    def resolve_conflict(self, conflict_id: int, *, accept: bool, lead: str) -> RecordedEvent | None:
        """A lead adjudicates: accept (the late decision is recorded now, by the lead, on top of
        what is there, its note saying whose it was) or dismiss (kept, marked dismissed)."""
        self.require_lead("adjudicate conflicts")
        found = next((c for c in self.conflicts(open_only=True) if c.id == conflict_id), None)
        if found is None:
            raise NotFoundError("notfound.conflict", conflict_id=conflict_id)
        event = None
        if accept:
            if found.kind not in (EventKind.DECIDE.value, EventKind.ESCALATE.value):
                raise InvalidDecisionError("invalid.kind", kind=found.kind)
            store = cast("Store", self)  # this mixin is part of a Store: item() and record_as_is() are its siblings'
            head = store.item(found.item_id).head_event
            note = f"{found.note}\n[{found.reviewer}, {found.decided_at:%Y-%m-%d %H:%M} UTC]".strip()
            # Not record(): a lead's refused adjudication is not itself a late decision to keep.
            event = store.record_as_is(
                DecisionInput(item_id=found.item_id, kind=EventKind(found.kind), reviewer=lead, category=found.category,
                              actions=found.actions, note=note, expected_head=head)
            )
        with self.write() as conn:
            conn.execute(
                update(conflicts_t)
                .where(conflicts_t.c.id == conflict_id)
                .values(resolution="accepted" if accept else "dismissed", resolved_by=lead, resolved_at=utcnow())
            )
            self.note(conn, Changes(items=frozenset({found.item_id})))
        return event


def hours_ago(hours: int) -> datetime:
    return utcnow() - timedelta(hours=hours)

