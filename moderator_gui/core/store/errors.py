"""Store errors: a code and parameters (translated by the UI), never raw driver exceptions.

Driver errors are classified by what the database says, not by its wording:
SQLite's result code (``sqlite3.Error.sqlite_errorcode``) and PostgreSQL's SQLSTATE
(``psycopg.Error.sqlstate``). A failure to connect to PostgreSQL has no SQLSTATE
when the server never answered; it is recognised as psycopg's ``OperationalError``. Nor
has a login the server refused: that one is recognised by the server's words for it.
"""

from __future__ import annotations

import errno
import re
from typing import Any

from moderator_gui.core import policy as _policy  # noqa: F401 - its messages (policy.*) say the server's refusals too
from moderator_gui.core.messages import QT_TRANSLATE_NOOP, CodedError, Message, catalogue

catalogue(
    {
        "store.locked": QT_TRANSLATE_NOOP(
            "Messages",
            "the database is locked by another program: the decision was not saved yet. "
            "It will be retried when the lock is released.",
        ),
        "store.disk_full": QT_TRANSLATE_NOOP(
            "Messages", "the disk is full: the decision was not saved. Free some space and try again."
        ),
        "store.read_only": QT_TRANSLATE_NOOP(
            "Messages",
            "the database is read-only: the decision was not saved. "
            "Check the file's permissions or the server's settings.",
        ),
        "store.unreachable": QT_TRANSLATE_NOOP("Messages", "cannot reach the database: {detail}"),
        "store.connection_lost": QT_TRANSLATE_NOOP("Messages", "lost the connection to the database server: {detail}"),
        "store.server_restarting": QT_TRANSLATE_NOOP(
            "Messages", "the database server is restarting or shutting down: {detail}"
        ),
        "store.not_a_database": QT_TRANSLATE_NOOP(
            "Messages", "the file is not a database (or it is damaged); choose another file"
        ),
        "store.io_error": QT_TRANSLATE_NOOP("Messages", "the database file cannot be read or written: {detail}"),
        "store.location": QT_TRANSLATE_NOOP("Messages", "cannot use the database location ({path}): {reason}"),
        "store.location_unnamed": QT_TRANSLATE_NOOP("Messages", "cannot use the database location: {reason}"),
        "store.open_failed": QT_TRANSLATE_NOOP("Messages", "cannot open the database {db}: {reason}"),
        "store.bad_target": QT_TRANSLATE_NOOP("Messages", "not a database file path or URL: {detail}"),
        "store.no_database": QT_TRANSLATE_NOOP(
            "Messages",
            "there is no database at {path} (check --db / MODERATOR_DB; `moderator-cli import` or `demo` creates one)",
        ),
        "store.auth_failed": QT_TRANSLATE_NOOP(
            "Messages", "the database server refused the login: wrong user name or password ({detail})"
        ),
        "store.password_needed": QT_TRANSLATE_NOOP(
            "Messages", "the database server asks for a password (none was found in PGPASSWORD, ~/.pgpass or a service file)"
        ),
        "store.permission_denied": QT_TRANSLATE_NOOP("Messages", "the database server refused this: {detail}"),
        "store.policy_file": QT_TRANSLATE_NOOP("Messages", "the policy file cannot be used: {detail}"),
        "store.unexpected": QT_TRANSLATE_NOOP("Messages", "the database reported an error: {detail}"),
        # Conflicts: someone else changed the item; nothing was recorded.
        "conflict.changed_by": QT_TRANSLATE_NOOP(
            "Messages", "the item was changed by {reviewer} ({kind}, {when} UTC) since you opened it; nothing was recorded"
        ),
        "conflict.changed": QT_TRANSLATE_NOOP(
            "Messages", "the item was changed by someone else since you opened it; nothing was recorded"
        ),
        "conflict.undone_meanwhile": QT_TRANSLATE_NOOP(
            "Messages", "the item changed since you opened it (an earlier decision was undone)"
        ),
        "conflict.already_undone": QT_TRANSLATE_NOOP("Messages", "that decision has already been undone"),
        "conflict.integrity": QT_TRANSLATE_NOOP("Messages", "the event could not be recorded: {detail}"),
        "conflict.kept": QT_TRANSLATE_NOOP(
            "Messages", "{reason} — your decision is kept for a team lead to adjudicate"
        ),
        # Team work.
        "claim.held_by": QT_TRANSLATE_NOOP(
            "Messages", "{reviewer} is working on this item (until {until} UTC); nothing was recorded"
        ),
        "team.escalated_for_leads": QT_TRANSLATE_NOOP(
            "Messages", "this item was escalated to the team leads: only a lead may decide it"
        ),
        "team.own_name_only": QT_TRANSLATE_NOOP(
            "Messages", "events are recorded under your own login ({login}); nothing was recorded"
        ),
        "team.own_undo_only": QT_TRANSLATE_NOOP("Messages", "you may undo only your own decisions; nothing was recorded"),
        "team.false_match": QT_TRANSLATE_NOOP(
            "Messages",
            "the server refused a hash-list match that the stored signatures do not show (content {sha}); nothing was saved",
        ),
        "team.false_link": QT_TRANSLATE_NOOP(
            "Messages",
            "the server refused a duplicate link that the stored signatures do not show (content {sha}); nothing was saved",
        ),
        "team.policy_version": QT_TRANSLATE_NOOP(
            "Messages",
            "this desk records decisions under policy version {version!r}, but the team's policy is {current!r}: "
            "update moderator_gui, or ask the database owner to run `moderator-cli team init` with it",
        ),
        "team.implausible_time": QT_TRANSLATE_NOOP(
            "Messages",
            "the server refused the event's time ({when} UTC; the server's clock says {now} UTC): "
            "check this computer's date and clock",
        ),
        "team.malformed_event": QT_TRANSLATE_NOOP("Messages", "the server refused a malformed event: {detail}"),
        "team.leads_only": QT_TRANSLATE_NOOP("Messages", "only a team lead may do this ({what})"),
        "team.schema_behind": QT_TRANSLATE_NOOP(
            "Messages",
            "the team database needs an upgrade that only its owner can make: ask your lead to run "
            "`moderator-cli team init` with this version of moderator_gui",
        ),
        "team.bad_login": QT_TRANSLATE_NOOP(
            "Messages", "{name!r} is not a usable login name (letters, digits, _ . -; at most 63; not starting with a digit)"
        ),
        "team.needs_postgresql": QT_TRANSLATE_NOOP(
            "Messages", "team mode needs a PostgreSQL server; {db} is not one (a SQLite file is for one workstation)"
        ),
        "notfound.conflict": QT_TRANSLATE_NOOP("Messages", "no open conflict {conflict_id}"),
        # Not found.
        "notfound.item": QT_TRANSLATE_NOOP("Messages", "no item {item_id}"),
        "notfound.event": QT_TRANSLATE_NOOP("Messages", "no event {uuid}"),
        # Invalid writes.
        "invalid.reviewer_required": QT_TRANSLATE_NOOP("Messages", "a reviewer name is required"),
        "invalid.kind": QT_TRANSLATE_NOOP("Messages", "unknown event kind {kind!r}"),
        "invalid.negative_time": QT_TRANSLATE_NOOP(
            "Messages", "time spent on the item cannot be negative ({ms} ms)"
        ),
        "invalid.naive_time": QT_TRANSLATE_NOOP(
            "Messages", "decided_at must be an aware datetime (UTC), not a naive one"
        ),
        "invalid.revert_via_record": QT_TRANSLATE_NOOP("Messages", "use Store.revert() to undo an event"),
        "invalid.category_required": QT_TRANSLATE_NOOP(
            "Messages", "choose a category (or No violation) before recording"
        ),
        "invalid.category_not_allowed": QT_TRANSLATE_NOOP("Messages", "a {kind} event carries no category"),
        "invalid.undo_an_undo": QT_TRANSLATE_NOOP(
            "Messages", "an undo cannot itself be undone; record a new decision instead"
        ),
        "invalid.revert_target": QT_TRANSLATE_NOOP(
            "Messages", "event {uuid} undoes {target}, which is not an earlier event of item {item_id}"
        ),
        # Schema.
        "schema.heads": QT_TRANSLATE_NOOP("Messages", "the migrations have {count} heads; the chain must be linear"),
        "schema.newer": QT_TRANSLATE_NOOP(
            "Messages",
            "the database is at schema revision {revision!r}, which this version of moderator_gui "
            "does not know (it was made by a newer version); upgrade the program",
        ),
    }
)


class StoreError(CodedError):
    """Base class. ``retryable`` means: the same write may succeed once the cause is fixed."""

    retryable = False

    def __init__(self, msg: Message | str, /, **params: Any) -> None:
        super().__init__(msg, **params)


class DatabaseLockedError(StoreError):
    retryable = True


class DiskFullError(StoreError):
    retryable = True


class ReadOnlyDatabaseError(StoreError):
    retryable = True


class StorageUnavailableError(StoreError):
    """Cannot open or reach the database (missing folder, server down, I/O error)."""

    retryable = True


class AuthenticationError(StoreError):
    """The server refused the login (wrong user name or password, or none given): not an
    outage, retrying will not help; the person must log in again."""


class ConflictError(StoreError):
    """Someone else changed the item since the reviewer saw it; nothing was recorded."""


class NotFoundError(StoreError):
    pass


class InvalidDecisionError(StoreError):
    """The decision breaks a policy rule (unknown code, missing required note)."""


class PermissionDeniedError(StoreError):
    """The database server refused the statement for this login (grants, row-level security)."""


class ClaimedError(ConflictError):
    """Someone else holds a live claim on the item; nothing was recorded."""


class SchemaError(StoreError):
    """The database schema is newer than this program or cannot be migrated."""


# SQLite primary result codes (https://sqlite.org/rescode.html); extended codes keep them in the low byte.
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 10, 11, 13, 14, 26


def _detail(orig: BaseException) -> str:
    return " ".join(str(orig).split()) or type(orig).__name__


def _from_sqlite(code: int, orig: BaseException) -> StoreError | None:
    primary = code & 0xFF
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return DatabaseLockedError("store.locked")
    if primary == SQLITE_FULL:
        return DiskFullError("store.disk_full")
    if primary in (SQLITE_READONLY, SQLITE_PERM):
        return ReadOnlyDatabaseError("store.read_only")
    if primary in (SQLITE_NOTADB, SQLITE_CORRUPT):
        return StorageUnavailableError("store.not_a_database")
    if primary == SQLITE_CANTOPEN:
        return StorageUnavailableError("store.unreachable", detail=_detail(orig))
    if primary == SQLITE_IOERR:
        return StorageUnavailableError("store.io_error", detail=_detail(orig))
    return None


def _diag(orig: BaseException, name: str) -> str:
    value = getattr(getattr(orig, "diag", None), name, None)
    return value if isinstance(value, str) else ""


def _from_sqlstate(state: str, orig: BaseException) -> StoreError | None:
    # Our own team triggers (core/store/team_sql.py) raise in class "MD".
    if state == "MD001":
        return ClaimedError("claim.held_by", reviewer=_diag(orig, "message_detail"), until=_diag(orig, "message_hint"))
    if state == "MD002":
        return PermissionDeniedError("team.escalated_for_leads")
    if state == "MD003":
        return PermissionDeniedError("team.own_name_only", login=_diag(orig, "message_detail"))
    if state == "MD004":
        return PermissionDeniedError("team.own_undo_only")
    if state == "MD005":
        return InvalidDecisionError("policy.unknown_category", code=_diag(orig, "message_detail"))
    if state == "MD006":
        return InvalidDecisionError("policy.unknown_action", code=_diag(orig, "message_detail"))
    if state == "MD007":
        return InvalidDecisionError("invalid.category_required")
    if state == "MD008":
        return InvalidDecisionError("policy.note_required", labels=_diag(orig, "message_detail"))
    if state == "MD009":
        return InvalidDecisionError(
            "team.policy_version", version=_diag(orig, "message_detail"), current=_diag(orig, "message_hint")
        )
    if state == "MD010":
        return InvalidDecisionError("team.implausible_time", when=_diag(orig, "message_detail"),
                                    now=_diag(orig, "message_hint"))  # fmt: skip
    if state == "MD011":
        return InvalidDecisionError("team.malformed_event", detail=_diag(orig, "message_detail"))
    if state == "MD012":
        return PermissionDeniedError("team.false_match", sha=_diag(orig, "message_detail"))
    if state == "MD013":
        return PermissionDeniedError("team.false_link", sha=_diag(orig, "message_detail"))
    if state in ("55P03", "40P01", "40001"):  # lock_not_available, deadlock_detected, serialization_failure
        return DatabaseLockedError("store.locked")
    if state == "53100":  # disk_full
        return DiskFullError("store.disk_full")
    if state == "25006":  # read_only_sql_transaction (a standby, or default_transaction_read_only)
        return ReadOnlyDatabaseError("store.read_only")
    if state in ("28000", "28P01"):  # invalid_authorization_specification, invalid_password
        return AuthenticationError("store.auth_failed", detail=_detail(orig))
    if state == "42501":  # insufficient_privilege: grants, row-level security, our triggers
        return PermissionDeniedError("store.permission_denied", detail=_detail(orig))
    if state.startswith("08"):  # connection_exception
        return StorageUnavailableError("store.connection_lost", detail=_detail(orig))
    if state in ("57P01", "57P02", "57P03"):  # admin_shutdown, crash_shutdown, cannot_connect_now
        return StorageUnavailableError("store.server_restarting", detail=_detail(orig))
    if state.startswith("53"):  # insufficient_resources (out of memory, too many connections)
        return StorageUnavailableError("store.unreachable", detail=_detail(orig))
    return None


# A login the server refuses fails before there is a session, and libpq then reports no
# SQLSTATE (28P01, 28000), only the server's text; these are its words for it (English, the
# server's default lc_messages) — "<method> authentication failed for user", a host or role
# it does not admit — and libpq's own when no password was at hand (also told by its flag).
_LOGIN_REFUSED = re.compile(
    r'authentication failed for user|no password supplied|no pg_hba\.conf entry for|role ".*" does not exist'
    r"|is not permitted to log in"
)


def _login_refused(orig: BaseException) -> bool:
    if getattr(getattr(orig, "pgconn", None), "needs_password", False) is True:
        return True
    return _LOGIN_REFUSED.search(str(orig)) is not None


def _is_psycopg_operational(orig: BaseException) -> bool:
    """psycopg's OperationalError (connection refused, timed out, server gone), without importing psycopg."""
    return any(c.__module__.startswith("psycopg") and c.__name__ == "OperationalError" for c in type(orig).__mro__)


def translate(exc: BaseException) -> StoreError | None:
    """Map a driver/SQLAlchemy exception to a StoreError, or None if it is not a known storage failure."""
    if isinstance(exc, StoreError):
        return exc
    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _from_sqlite(code, orig)
    state = getattr(orig, "sqlstate", None)
    if isinstance(state, str) and state:
        found = _from_sqlstate(state, orig)
        if found is not None:
            return found
    pgconn = getattr(orig, "pgconn", None) if _is_psycopg_operational(orig) else None
    if pgconn is not None and getattr(pgconn, "needs_password", False) and not getattr(pgconn, "used_password", False):
        return AuthenticationError("store.password_needed")  # libpq found none: the desk asks for it
    if _is_psycopg_operational(orig):
        if _login_refused(orig):
            return AuthenticationError("store.auth_failed", detail=_detail(orig))
        if getattr(exc, "connection_invalidated", False):
            return StorageUnavailableError("store.connection_lost", detail=_detail(orig))
        return StorageUnavailableError("store.unreachable", detail=_detail(orig))
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return DiskFullError("store.disk_full")
        reason = exc.strerror or str(exc)
        if exc.filename:
            return StorageUnavailableError("store.location", path=str(exc.filename), reason=reason)
        return StorageUnavailableError("store.location_unnamed", reason=reason)
    return None
