"""Where a team keeps its media: one interface, whatever the backend (Qt-free).

A team database stores each media file once, keyed by its SHA-256, so every desk can show
it (``core/store/blobs.py`` is the PostgreSQL implementation: chunks in ``blob_chunks``).
A backend must:

* ``store_file(path, sha256, mime)`` — stream the file (never whole in memory), hash it
  while streaming and refuse it if the hash is not ``sha256``; a content already stored is
  not stored again (dedup); a content is visible only once complete;
* ``has(sha256)`` — whether a complete content is stored;
* ``fetch(sha256, dest)`` — stream the bytes into ``dest`` (a temporary file), verify the
  SHA-256 and only then rename it into place; a mismatch is :class:`MediaVerificationError`
  and the file is deleted, never decoded;
* ``retired(sha256)`` — the date a retention purge removed it, or None.

An S3-compatible backend plugs in behind the same calls (docs/team-media.md): the key is
the SHA-256, the database keeps the ``blobs`` rows (who stored what, when, its size) and
the purge records, and the workers fetch by presigned URL instead of SQL.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from moderator_gui.core.messages import CodedError

#: Size of one stored chunk: large enough that per-row overhead is negligible, small
#: enough that a reader or writer never holds more than a few of them.
CHUNK_BYTES = 1024 * 1024
#: Chunks waiting between a fetch's receiving and its hashing/writing thread.
QUEUED = 4


class MediaStoreError(CodedError):
    """A media store failure with a coded message; ``retryable`` when trying again may help."""

    retryable = False


class MediaVerificationError(MediaStoreError):
    """The fetched bytes do not hash to the content's SHA-256: never decoded, never shown."""

    def __init__(self) -> None:
        super().__init__("media.failed_verification")


class MediaRetiredError(MediaStoreError):
    def __init__(self, when: datetime) -> None:
        super().__init__("media.retired", date=when.date().isoformat())
        self.when = when


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    stored: bool  # False: it was stored already (dedup)


class MediaStore(Protocol):
    def store_file(self, path: Path, sha256: str, mime: str | None = None) -> StoredBlob: ...

    def has(self, sha256: str) -> bool: ...

    def fetch(self, sha256: str, dest: Path) -> Path: ...

    def retired(self, sha256: str) -> datetime | None: ...


class VerifyingWriter:
    """Writes chunks to ``dest``'s temporary sibling while hashing them; :meth:`commit`
    renames it into place only if the hash is right (else deletes it and raises)."""

    def __init__(self, sha256: str, dest: Path) -> None:
        self.sha256 = sha256
        self.dest = dest
        self.tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
        self._hash = hashlib.sha256()
        self._fh = open(self.tmp, "wb")  # noqa: SIM115 - closed in commit/abort
        self.size = 0

    def write_all(self, chunks: Iterable[bytes]) -> None:
        """Hash and write on a thread of its own while ``chunks`` keeps receiving (hashing and
        writing release the GIL): a fetch then costs about the network's time, not the sum.
        At most QUEUED chunks wait between the two, so memory stays flat."""
        q: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED)
        failed: list[BaseException] = []

        def drain() -> None:
            while (chunk := q.get()) is not None:
                if failed:
                    continue
                try:
                    self._hash.update(chunk)
                    self._fh.write(chunk)
                    self.size += len(chunk)
                except BaseException as exc:  # noqa: BLE001 - handed to the caller below
                    failed.append(exc)

        t = threading.Thread(target=drain, name="blob-writer", daemon=True)
        t.start()
        try:
            for chunk in chunks:
                if failed:
                    break
                q.put(chunk)
        finally:
            q.put(None)
            t.join()
        if failed:
            raise failed[0]

    def commit(self) -> Path:
        self._fh.close()
        if self._hash.hexdigest() != self.sha256:
            self.tmp.unlink(missing_ok=True)
            raise MediaVerificationError()
        os.replace(self.tmp, self.dest)
        return self.dest

    def abort(self) -> None:
        self._fh.close()
        self.tmp.unlink(missing_ok=True)
