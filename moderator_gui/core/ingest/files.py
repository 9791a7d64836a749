"""File-system safety for the import: what the source is, what each file is, and reading it.

* Everything is ``stat``-ed before it is opened, so a FIFO or a device named like
  media (or like a manifest) is refused instead of blocking the import forever.
* Paths must stay inside the import root (:func:`inside`): ``..``, absolute paths
  elsewhere and symlinks pointing out are refused.
* :func:`examine` hashes (SHA-256) and sniffs one media file; :func:`media_file`
  resolves a manifest's ``media_path`` safely first; :class:`FolderWalker` turns
  every file under a folder into a row (or a rejection).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderator_gui.core.domain import ContentType, compute_priority
from moderator_gui.core.ingest.fields import MAX_TEXT_BYTES, Row
from moderator_gui.core.ingest.reasons import MB, ImportSourceError, Reject, Rejection, clip, mb
from moderator_gui.core.messages import Message
from moderator_gui.core.sniff import SNIFF_BYTES, content_family, is_animated, sniff
from moderator_gui.core.store import ITEM_TEXT_LIMITS, path_to_db

HASH_CHUNK = 1 * MB
FOLDER_PLATFORM = "folder"
TEXT_SUFFIX = ".txt"
MANIFEST_KINDS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}

#: (st_dev, st_ino, st_size, st_mtime_ns) -> (sha256, mime, first bytes, animated, md5): one import's hashes.
HashCache = dict[tuple[int, int, int, int], tuple[str, str | None, bytes, bool, str]]


@dataclass(frozen=True)
class FileInfo:
    path: str  # resolved, file-system str (undecodable bytes as surrogates)
    db_path: bytes  # the same, as stored (store.path_to_db)
    size: int
    sha256: str
    mime: str | None
    head: bytes  # the first few bytes, for the "not recognised" message
    animated: bool = False  # an animated GIF/WebP/APNG, as far as sniffing tells (sniff.is_animated)
    md5: str | None = None  # for hash lists that carry MD5 signals (core/store/hashlists.py)

    @property
    def family(self) -> str | None:
        return None if self.mime is None else content_family(self.mime)


def display_name(name: str) -> str:
    """Lossless, valid-UTF-8 text for a file-system name.

    Undecodable bytes (surrogate-escaped by ``os.fsdecode``) become ``\\xNN`` and a
    literal backslash becomes ``\\\\``, so two different names never map to the
    same text. Used for folder-import external ids and ``items.import_source``.
    """
    escaped = name.replace("\\", "\\\\")
    try:
        return escaped.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte (Windows names)
        return escaped.encode("utf-8", "backslashreplace").decode("utf-8")


def source_kind(src: Path) -> str:
    """folder | jsonl | csv, checked with stat only (never opens a FIFO)."""
    try:
        st = os.stat(src)
    except FileNotFoundError:
        raise ImportSourceError("import.source_not_found", path=str(src)) from None
    except OSError as exc:
        raise ImportSourceError("import.source_unreadable", path=str(src), reason=exc.strerror or str(exc)) from None
    if stat.S_ISDIR(st.st_mode):
        if not os.access(src, os.R_OK | os.X_OK):
            raise ImportSourceError("import.folder_permission_denied", path=str(src))
        return "folder"
    kind = MANIFEST_KINDS.get(src.suffix.lower())
    if kind is None:
        raise ImportSourceError("import.unsupported_source", path=str(src))
    if not stat.S_ISREG(st.st_mode):
        raise ImportSourceError("import.source_special_file", path=str(src), kind=file_kind(st.st_mode))
    return kind


def file_kind(mode: int) -> Message:
    """What a file that is not a regular file is: "a FIFO", "a character device", ..."""
    if stat.S_ISFIFO(mode):
        return Message.of("import.kind_fifo")
    if stat.S_ISCHR(mode):
        return Message.of("import.kind_char_device")
    if stat.S_ISBLK(mode):
        return Message.of("import.kind_block_device")
    if stat.S_ISSOCK(mode):
        return Message.of("import.kind_socket")
    return Message.of("import.kind_other")


def inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def examine(path: str, shown: str, hashes: HashCache) -> FileInfo:
    """stat, then hash and sniff one media file (once per file and import: ``hashes``);
    raises Reject with the reason."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise Reject("import.file_not_found", path=shown) from None
    except PermissionError:
        raise Reject("import.permission_denied", path=shown) from None
    except OSError as exc:
        raise Reject("import.cannot_read", path=shown, reason=_os_reason(exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise Reject("import.is_a_folder", path=shown)
    if not stat.S_ISREG(st.st_mode):
        raise Reject("import.special_file", path=shown, kind=file_kind(st.st_mode))
    if st.st_size == 0:
        raise Reject("import.empty_file", path=shown)
    key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    cached = hashes.get(key)
    if cached is None:
        cached = hashes[key] = _hash(path, shown)
    sha, mime, head, animated, md5 = cached
    return FileInfo(
        path=path,
        db_path=path_to_db(path),
        size=st.st_size,
        sha256=sha,
        mime=mime,
        head=head,
        animated=animated,
        md5=md5,
    )


def _hash(path: str, shown: str) -> tuple[str, str | None, bytes, bool, str]:
    """(SHA-256, sniffed MIME type, first 4 bytes, animated, MD5) of a file that ``stat`` said is regular."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except PermissionError:
        raise Reject("import.permission_denied", path=shown) from None
    except OSError as exc:
        raise Reject("import.cannot_read", path=shown, reason=_os_reason(exc)) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for a FIFO since the stat
            raise Reject("import.not_a_regular_file", path=shown)
        digest = hashlib.sha256()
        md5 = hashlib.md5(usedforsecurity=False)  # hash lists exchange MD5s; one read serves both
        first = os.read(fd, max(HASH_CHUNK, SNIFF_BYTES))
        digest.update(first)
        md5.update(first)
        while chunk := os.read(fd, HASH_CHUNK):
            digest.update(chunk)
            md5.update(chunk)
    except OSError as exc:
        raise Reject("import.cannot_read", path=shown, reason=_os_reason(exc)) from None
    finally:
        os.close(fd)
    head = first[:SNIFF_BYTES]
    mime = sniff(head)
    return digest.hexdigest(), mime, first[:4], is_animated(head, mime), md5.hexdigest()


def unrecognised(info: FileInfo) -> Reject:
    return Reject("import.unrecognised_format", head=info.head.hex(" "))


def media_file(base: str, written: str, hashes: HashCache) -> FileInfo:
    """A manifest's ``media_path``: resolved inside ``base`` (the manifest's folder) only,
    then stat-ed, hashed and sniffed; raises Reject unless it is a recognised media file."""
    try:
        os.fsencode(written)
    except UnicodeEncodeError:
        raise Reject("import.media_path_invalid", path=clip(repr(written))) from None
    if "\x00" in written:
        raise Reject("import.media_path_nul")
    lexical = os.path.normpath(os.path.join(base, written))
    if not inside(lexical, base):
        raise Reject("import.outside_root", path=clip(repr(written)))
    real = os.path.realpath(lexical)
    if not inside(real, base):
        raise Reject("import.symlink_outside", path=clip(repr(written)))
    info = examine(real, clip(written), hashes)
    if info.mime is None:
        raise unrecognised(info)
    return info


def read_text(info: FileInfo, shown: str) -> str:
    """A folder's .txt file as a text post: UTF-8 (BOM allowed), at most MAX_TEXT_BYTES, no NULs."""
    if info.size > MAX_TEXT_BYTES:
        raise Reject("import.text_file_too_large", size=mb(info.size), limit=mb(MAX_TEXT_BYTES))
    try:
        with open(info.path, "rb") as fh:
            raw = fh.read(MAX_TEXT_BYTES + 1)
    except OSError as exc:
        raise Reject("import.cannot_read", path=shown, reason=_os_reason(exc)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Reject("import.text_file_not_utf8", byte=f"0x{raw[exc.start]:02x}", offset=exc.start) from None
    if "\x00" in text:
        raise Reject("import.text_file_nul")
    if not text.strip():
        raise Reject("import.text_file_empty")
    return text


class FolderWalker:
    """Rows for every file under a folder; external id = path relative to the root (POSIX form)."""

    def __init__(
        self,
        root: str,
        platform: str,
        *,
        hashes: HashCache,
        new_row: Callable[[], dict[str, Any]],
        warn: Callable[[Message], None],
    ) -> None:
        self.root = root
        self.platform = platform
        self.hashes = hashes
        self.new_row = new_row  # every item column with its default
        self.warn = warn
        self.id_limit = ITEM_TEXT_LIMITS["external_id"]
        self.priority = compute_priority(1, 0, None)  # no suspected category: severity 1

    def rows(self) -> Iterator[Row | Rejection]:
        """Depth-first, names sorted; an explicit stack, so a very deep tree cannot hit the recursion limit."""
        pending = [(self.root, "")]
        while pending:
            folder, prefix = pending.pop()
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                where = display_name(prefix.rstrip("/") or ".")
                yield Rejection.at(where, Message.of("import.folder_unreadable", reason=_os_reason(exc)))
                continue
            subfolders = []
            for entry in entries:
                rel = prefix + entry.name
                shown = display_name(rel)
                try:
                    if entry.is_symlink():
                        target = os.path.realpath(entry.path)
                        if not inside(target, self.root):
                            raise Reject("import.folder_symlink_outside", target=display_name(target))
                        if os.path.isdir(target):
                            self.warn(Message.of("import.symlink_to_folder", path=shown))
                            continue
                        yield self._file(target, rel, shown)
                    elif entry.is_dir(follow_symlinks=False):
                        subfolders.append((entry.path, rel + "/"))
                    else:
                        yield self._file(entry.path, rel, shown)
                except Reject as exc:
                    yield Rejection.at(shown, exc.msg)
            pending.extend(reversed(subfolders))

    def _file(self, path: str, rel: str, shown: str) -> Row:
        if len(shown) > self.id_limit:
            raise Reject("import.path_too_long", length=len(shown), limit=self.id_limit)
        info = examine(path, shown, self.hashes)
        values = self.new_row()
        values.update(external_id=shown, platform=self.platform, sha256=info.sha256, md5=info.md5, size_bytes=info.size)
        if info.mime is not None:
            # A sticker is told by its structure, as sniffing reads it (sniff.is_animated), the
            # same way as a manifest row without a content_type: nothing is decoded here.
            if info.family == "video":
                ctype = ContentType.VIDEO
            else:
                ctype = ContentType.ANIMATION if info.animated else ContentType.IMAGE
            values.update(content_type=ctype.value, media_path=info.db_path, media_type=info.mime)
        elif rel.lower().endswith(TEXT_SUFFIX):
            text = read_text(info, shown)
            values.update(content_type=ContentType.TEXT.value, text_body=text, media_type="text/plain")
        else:
            raise unrecognised(info)
        values["priority"] = self.priority
        return Row(shown, values)
