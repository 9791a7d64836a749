"""Decisions not saved yet, kept on this computer while the database cannot take them.

The desk writes every decision at once; when a write fails for a reason that may
pass (database locked, disk full, read-only, server unreachable) the decision is
kept and retried. This journal makes "kept" survive the program: from the first
such failure until everything is saved, the desk keeps a copy of its unsaved
writes in a file, so that a crash, a ``kill -9`` or quitting during an outage
loses nothing. The next start on the same database finds the file and saves
what is in it, under the original ids (so nothing is recorded twice), reviewers
and decision times.

One journal per running instance and database: ``<data dir>/outbox/<db key>/
<instance>.json``, next to ``<instance>.lock``, which the instance holds with an
exclusive ``flock`` while it runs. (The folder is still called ``outbox``, the
module's old name: see :data:`OUTBOX_FOLDER`.) Two instances on one database never share a
journal; a journal whose lock can be taken belongs to an instance that is gone.

Writes are atomic (temporary file, fsync, rename, fsync of the folder). This
module does file I/O only: call it from a worker thread, never from the GUI.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from moderator_gui.core.domain import DecisionInput, EventKind
from moderator_gui.core.paths import data_dir

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no journal (the desk keeps writes in memory)
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

JOURNAL_FORMAT = 1
# The folder under the data dir that holds the journals. It keeps the name it had when this
# module was ``core/outbox.py``: journals left by an older version (a crash during an outage)
# must still be found and saved by the next start. Do not rename it.
OUTBOX_FOLDER = "outbox"


class JournalError(Exception):
    """The journal cannot be used (folder not writable, locking not available)."""


@dataclass(frozen=True)
class PendingWrite:
    """One write the database has not acknowledged: a decision (decide, skip or escalate),
    or the undo of one (``revert_uuid`` set: the id of the revert event to write)."""

    decision: DecisionInput
    external_id: str
    revert_uuid: str | None = None
    revert_reviewer: str | None = None  # who undid it (may differ from who decided)
    reverted_at: datetime | None = None  # when

    def to_json(self) -> dict[str, Any]:
        d = self.decision
        return {
            "external_id": self.external_id,
            "revert_uuid": self.revert_uuid,
            "revert_reviewer": self.revert_reviewer,
            "reverted_at": self.reverted_at.isoformat() if self.reverted_at is not None else None,
            "decision": {
                "uuid": d.uuid,
                "item_id": d.item_id,
                "kind": str(EventKind(d.kind).value),
                "reviewer": d.reviewer,
                "category": d.category,
                "actions": list(d.actions),
                "note": d.note,
                "time_spent_ms": d.time_spent_ms,
                "expected_head": d.expected_head,
                "check_head": d.check_head,
                "decided_at": d.decided_at.isoformat() if d.decided_at is not None else None,
            },
        }

    @classmethod
    def from_json(cls, raw: Any) -> PendingWrite:
        """Raises ValueError naming what is wrong with an entry (a damaged or foreign file)."""
        try:
            d = raw["decision"]
            decided_at = _aware(d.get("decided_at"), "decided_at")
            reverted_at = _aware(raw.get("reverted_at"), "reverted_at")
            decision = DecisionInput(
                item_id=_int(d["item_id"]),
                kind=EventKind(d["kind"]),
                reviewer=_str(d["reviewer"]),
                category=_opt_str(d.get("category")),
                actions=tuple(_str(a) for a in d.get("actions", ())),
                note=_str(d.get("note", "")),
                time_spent_ms=None if d.get("time_spent_ms") is None else _int(d["time_spent_ms"]),
                expected_head=_opt_str(d.get("expected_head")),
                check_head=bool(d.get("check_head", True)),
                uuid=str(uuid.UUID(_str(d["uuid"]))),
                decided_at=decided_at,
            )
            revert = raw.get("revert_uuid")
            return cls(
                decision,
                _str(raw.get("external_id", "")),
                None if revert is None else str(uuid.UUID(_str(revert))),
                _opt_str(raw.get("revert_reviewer")),
                reverted_at,
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a journal entry ({type(exc).__name__}: {exc})") from None


def _aware(v: Any, name: str) -> datetime | None:
    if not v:
        return None
    when = datetime.fromisoformat(_str(v))
    if when.tzinfo is None:
        raise ValueError(f"{name} has no time zone")
    return when


def _int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"{v!r} is not a whole number")
    return v


def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError(f"{v!r} is not text")
    return v


def _opt_str(v: Any) -> str | None:
    return None if v is None else _str(v)


@dataclass
class Orphan:
    """The journal of an instance that is gone: what it had not saved. Its lock is held by
    the instance that found it (another instance starting now leaves it alone) until
    :meth:`DecisionJournal.forget` or :meth:`DecisionJournal.leave`."""

    journal: Path
    lock: Path
    writes: list[PendingWrite] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # entries that could not be read, and why
    lock_fd: int | None = None


def database_key(db_description: str) -> str:
    """The folder name of a database's journals: a hash of its description (path or URL
    without password), so that a path with any characters makes a safe name."""
    return hashlib.sha256(db_description.encode()).hexdigest()[:16]


class DecisionJournal:
    """This instance's journal of unsaved writes for one database."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.instance = uuid.uuid4().hex
        self.path = folder / f"{self.instance}.json"
        self._lock_path = folder / f"{self.instance}.lock"
        self._lock_fd: int | None = None
        self._mutex = threading.Lock()  # saves come from worker threads
        self._saved_seq = -1

    @classmethod
    def for_database(cls, db_description: str, root: Path | None = None) -> DecisionJournal:
        return cls((root or data_dir()) / OUTBOX_FOLDER / database_key(db_description))

    # -- this instance ------------------------------------------------------------------------
    def open(self) -> None:
        """Take this instance's lock. Raises JournalError if the journal cannot be used."""
        if fcntl is None:
            raise JournalError("file locking is not available on this system")
        # Locked before it has its name: an instance looking for orphans never sees this
        # lock file unlocked (it would take it for the lock of an instance that is gone).
        hidden = self.folder / f".{self.instance}.lock.new"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(hidden, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise JournalError(
                f"cannot create the journal of unsaved decisions in {self.folder}: {exc.strerror or exc}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.rename(hidden, self._lock_path)
        except OSError as exc:
            os.close(fd)
            hidden.unlink(missing_ok=True)
            raise JournalError(f"cannot lock {self._lock_path}: {exc.strerror or exc}") from None
        self._lock_fd = fd

    @property
    def is_open(self) -> bool:
        return self._lock_fd is not None

    def save(self, writes: list[PendingWrite], seq: int = 0) -> bool:
        """Replace the journal with ``writes`` (none: remove it), atomically and durably.

        ``seq`` orders saves made from several threads: a save older than one already
        made is skipped (returns False). OSError (disk full, read-only) goes to the caller.
        """
        if not self.is_open:
            raise JournalError("the journal is not open")
        with self._mutex:
            if seq < self._saved_seq:
                return False
            if writes:
                body = json.dumps(
                    {"format": JOURNAL_FORMAT, "writes": [w.to_json() for w in writes]}, ensure_ascii=False, indent=1
                ).encode()
                _atomic_write(self.path, body)
            else:
                self.path.unlink(missing_ok=True)
                _fsync_dir(self.folder)
            self._saved_seq = seq
            return True

    def close(self) -> None:
        """Give up the lock. The journal file stays if it holds writes (the next start saves them)."""
        with self._mutex:
            fd, self._lock_fd = self._lock_fd, None
            if fd is None:
                return
            try:
                if not self.path.exists():
                    self._lock_path.unlink(missing_ok=True)
            except OSError:
                pass
            os.close(fd)  # releases the flock

    # -- instances that are gone ----------------------------------------------------------------
    def orphans(self) -> list[Orphan]:
        """Journals of instances that are gone (their lock was free; it is ours now), oldest first."""
        if not self.folder.is_dir():
            return []
        found: list[Orphan] = []
        journals = {p.with_suffix(".lock") for p in self.folder.glob("*.json")}
        for lock in sorted(journals | set(self.folder.glob("*.lock"))):
            if lock == self._lock_path:
                continue
            fd = _take_lock(lock)
            if fd is None:
                continue  # another instance, running now
            orphan = Orphan(lock.with_suffix(".json"), lock, lock_fd=fd)
            if orphan.journal.exists():
                _read_into(orphan)
            found.append(orphan)
        found.sort(key=lambda o: _mtime(o.journal))
        return found

    def forget(self, orphan: Orphan) -> None:
        """Remove an orphan's files once its writes are safe in this instance's journal
        (and what a save cut short left behind)."""
        orphan.journal.unlink(missing_ok=True)
        for tmp in self.folder.glob(f".{orphan.journal.name}.*.tmp"):
            tmp.unlink(missing_ok=True)
        orphan.lock.unlink(missing_ok=True)
        _fsync_dir(self.folder)
        self.leave(orphan)

    @staticmethod
    def leave(orphan: Orphan) -> None:
        """Give an orphan's lock back without touching its files (the next start tries again)."""
        fd, orphan.lock_fd = orphan.lock_fd, None
        if fd is not None:
            os.close(fd)


def _take_lock(lock: Path) -> int | None:
    """An exclusive lock on ``lock`` (created if missing), or None if someone holds it."""
    if fcntl is None:
        return None
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _read_into(orphan: Orphan) -> None:
    try:
        raw = json.loads(orphan.journal.read_bytes())
    except (OSError, ValueError) as exc:
        orphan.problems.append(f"{orphan.journal.name}: cannot be read ({exc})")
        return
    if not isinstance(raw, dict) or raw.get("format") != JOURNAL_FORMAT or not isinstance(raw.get("writes"), list):
        orphan.problems.append(
            f"{orphan.journal.name}: not a journal of this program (format {raw.get('format') if isinstance(raw, dict) else '?'})"
        )
        return
    for i, entry in enumerate(raw["writes"], 1):
        try:
            orphan.writes.append(PendingWrite.from_json(entry))
        except ValueError as exc:
            orphan.problems.append(f"{orphan.journal.name}, entry {i}: {exc}")


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _atomic_write(path: Path, body: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(body)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
