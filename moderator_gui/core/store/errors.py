"""Store errors with a user-facing reason. Callers never see raw driver exceptions."""

from __future__ import annotations


class StoreError(Exception):
    """Base class. ``retryable`` means: the same write may succeed once the cause is fixed."""

    retryable = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DatabaseLockedError(StoreError):
    retryable = True


class DiskFullError(StoreError):
    retryable = True


class ReadOnlyDatabaseError(StoreError):
    retryable = True


class StorageUnavailableError(StoreError):
    """Cannot open or reach the database (missing folder, server down, I/O error)."""

    retryable = True


class ConflictError(StoreError):
    """Someone else changed the item since the reviewer saw it; nothing was recorded."""


class NotFoundError(StoreError):
    pass


class InvalidDecisionError(StoreError):
    """The decision breaks a policy rule (unknown code, missing required note)."""


class SchemaError(StoreError):
    """The database schema is newer than this program or cannot be migrated."""


def translate(exc: BaseException) -> StoreError | None:
    """Map a driver/SQLAlchemy exception to a StoreError, or None if it is not a known storage failure."""
    if isinstance(exc, StoreError):
        return exc
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).lower()
    sqlstate = getattr(orig, "sqlstate", None) or getattr(getattr(orig, "diag", None), "sqlstate", None)
    if isinstance(exc, OSError) and exc.errno == 28:
        return DiskFullError("the disk is full: the decision was not saved. Free some space and try again.")
    if "database is locked" in text or "database table is locked" in text or sqlstate in ("55P03", "40P01"):
        return DatabaseLockedError(
            "the database is locked by another program: the decision was not saved yet. "
            "It will be retried when the lock is released."
        )
    if "database or disk is full" in text or sqlstate == "53100":
        return DiskFullError("the disk is full: the decision was not saved. Free some space and try again.")
    if "readonly database" in text or "read-only" in text or sqlstate == "25006":
        return ReadOnlyDatabaseError(
            "the database is read-only: the decision was not saved. "
            "Check the file's permissions or the server's settings."
        )
    if (
        "unable to open database" in text
        or "disk i/o error" in text
        or "connection failed" in text  # psycopg 3: every failure to connect
        or "connection" in text and "refused" in text
    ):
        return StorageUnavailableError(f"cannot reach the database: {orig}")
    if "file is not a database" in text:
        return StorageUnavailableError("the file is not a database (or it is damaged); choose another file")
    if sqlstate and sqlstate.startswith("08"):
        return StorageUnavailableError(f"lost the connection to the database server: {orig}")
    if isinstance(exc, OSError):  # e.g. the database's folder cannot be created
        where = f" ({exc.filename})" if exc.filename else ""
        return StorageUnavailableError(f"cannot use the database location{where}: {exc.strerror or exc}")
    return None
