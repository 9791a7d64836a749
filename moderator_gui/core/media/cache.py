"""On-disk cache of rendered media, shared by every process of this user.

Layout under the root (``paths.cache_dir()`` by default)::

    v<PIPELINE_VERSION>/<sha[:2]>/<sha>.<kind><size>.json          manifest (written last)
    v<PIPELINE_VERSION>/<sha[:2]>/<sha>.<kind><size>.jpg           thumbnail / preview
    v<PIPELINE_VERSION>/<sha[:2]>/<sha>.<kind><size>.<nnn>.jpg     filmstrip frames
    tmp/                                                          workers' temp files

An entry exists only once its manifest does; the manifest lists each file with its
size and a short BLAKE2b hash, checked on every lookup, so a truncated or corrupt
file is never shown: the entry is discarded and rendered again. Failures are cached
too (a hostile file that times out must not cost ten seconds on every run), except
those about the file's availability (missing, unreadable), which may be transient.

Eviction is least-recently-used by total bytes: the manifest's mtime is the last
use (touched on hits, at most once a minute), indexed in memory on the first write.
Several processes may share the folder; each evicts by its own view, which at worst
evicts a little early.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from moderator_gui.core.media.types import PIPELINE_VERSION, Frame, MediaKind, MediaResult

DEFAULT_MAX_BYTES = 2 * 1024**3
_TOUCH_EVERY_S = 60.0
_SHA256 = re.compile(r"[0-9a-f]{64}")
_STALE_TMP_S = 3600.0


def digest(data: bytes) -> str:
    """Short content hash of a cached file, kept in the manifest (integrity check, not security)."""
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def check_sha256(sha256: str) -> None:
    """Refuse keys that are not lowercase hex SHA-256 (they become file names)."""
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a lowercase hex SHA-256: {sha256!r}")


class MediaCache:
    def __init__(self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = root
        self.dir = root / f"v{PIPELINE_VERSION}"
        self.tmp = root / "tmp"
        self.max_bytes = max_bytes
        self.dir.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._index: dict[Path, list[float]] | None = None  # manifest -> [bytes, last_used]
        self._total = 0

    def stem(self, sha256: str, kind: MediaKind) -> Path:
        """Where the files of one entry go (suffixes added by the writer); creates its folder."""
        check_sha256(sha256)
        folder = self.dir / sha256[:2]
        folder.mkdir(exist_ok=True)
        return folder / f"{sha256}.{kind.value}{kind.size}"

    def _manifest(self, sha256: str, kind: MediaKind) -> Path:
        return self.dir / sha256[:2] / f"{sha256}.{kind.value}{kind.size}.json"

    # -- reading ---------------------------------------------------------------------------
    def lookup(self, sha256: str, kind: MediaKind) -> MediaResult | None:
        """The cached result, or None on a miss or a damaged entry (which is removed)."""
        check_sha256(sha256)
        manifest = self._manifest(sha256, kind)
        try:
            with open(manifest, "rb") as f:
                raw = f.read()
                mtime = os.fstat(f.fileno()).st_mtime
        except FileNotFoundError:
            return None  # a plain miss
        except OSError:
            raw, mtime = b"", 0.0
        try:
            result = self._verify(sha256, kind, manifest.parent, json.loads(raw))
        except (OSError, ValueError, KeyError, TypeError):
            result = None
        if result is None:
            self.discard(sha256, kind)
            return None
        now = time.time()
        if now - mtime > _TOUCH_EVERY_S:
            with contextlib.suppress(OSError):
                os.utime(manifest)
        with self._lock:
            if self._index is not None and manifest in self._index:
                self._index[manifest][1] = now
        return result

    @staticmethod
    def _verify(sha256: str, kind: MediaKind, folder: Path, data: dict[str, Any]) -> MediaResult | None:
        frames: list[Frame] = []
        for entry in data["files"]:
            if "/" in entry["name"] or entry["name"].startswith("."):
                return None
            path = folder / entry["name"]
            with open(path, "rb") as f:
                blob = f.read()
            if len(blob) != entry["size"] or digest(blob) != entry["hash"]:
                return None
            frames.append(Frame(path, entry["t"]))
        ok = bool(data["ok"])
        if ok and not frames:
            return None
        return MediaResult(
            sha256=sha256,
            kind=kind,
            ok=ok,
            error=data["error"],
            probe=data["probe"],
            image=frames[0].path if frames else None,
            frames=tuple(frames) if kind is MediaKind.STRIP else (),
            from_cache=True,
        )

    # -- writing ---------------------------------------------------------------------------
    def put(
        self,
        sha256: str,
        kind: MediaKind,
        *,
        ok: bool,
        error: str | None,
        probe: dict[str, Any] | None,
        files: list[dict[str, Any]],
    ) -> MediaResult:
        """Record an entry whose files are already in place (the manifest makes it visible)."""
        stem = self.stem(sha256, kind)
        manifest = stem.with_name(stem.name + ".json")
        body = json.dumps({"ok": ok, "error": error, "probe": probe, "files": files}).encode()
        tmp = self.tmp / f"{os.getpid()}-{threading.get_ident()}-{manifest.name}"
        tmp.write_bytes(body)
        os.replace(tmp, manifest)
        frames = tuple(Frame(stem.parent / f["name"], f["t"]) for f in files)
        size = len(body) + sum(int(f["size"]) for f in files)
        self._account(manifest, size)
        return MediaResult(
            sha256=sha256,
            kind=kind,
            ok=ok,
            error=error,
            probe=probe,
            image=frames[0].path if frames else None,
            frames=frames if kind is MediaKind.STRIP else (),
            from_cache=False,
        )

    def discard(self, sha256: str, kind: MediaKind) -> None:
        """Remove an entry and any files of it (also partial ones left by a killed worker)."""
        check_sha256(sha256)
        manifest = self._manifest(sha256, kind)
        _unlink(manifest)
        prefix = manifest.name[: -len(".json")] + "."
        try:
            names = [n for n in os.listdir(manifest.parent) if n.startswith(prefix)]
        except OSError:
            names = []
        for name in names:
            _unlink(manifest.parent / name)
        with self._lock:
            if self._index is not None and manifest in self._index:
                self._total -= int(self._index.pop(manifest)[0])

    def clean_tmp(self, pid: int | None = None) -> None:
        """Remove temp files of a dead worker (``pid``), or stale ones of any process."""
        now = time.time()
        try:
            entries = list(os.scandir(self.tmp))
        except OSError:
            return
        for e in entries:
            if pid is not None and not e.name.startswith(f"{pid}-"):
                continue
            try:
                if pid is not None or now - e.stat().st_mtime > _STALE_TMP_S:
                    os.unlink(e.path)
            except OSError:
                pass

    # -- eviction ----------------------------------------------------------------------------
    def total_bytes(self) -> int:
        with self._lock:
            self._ensure_index()
            return self._total

    def _account(self, manifest: Path, size: int) -> None:
        with self._lock:
            self._ensure_index()
            assert self._index is not None
            old = self._index.get(manifest)
            if old is not None:
                self._total -= int(old[0])
            self._index[manifest] = [size, time.time()]
            self._total += size
            victims = self._victims(keep=manifest)
        for victim in victims:
            sha, kind = _parse_manifest_name(victim.name)
            if sha is not None and kind is not None:
                self.discard(sha, kind)

    def _victims(self, keep: Path) -> list[Path]:
        """Least recently used entries to drop so the total falls to 90% of the bound."""
        assert self._index is not None
        if self._total <= self.max_bytes:
            return []
        target = self.max_bytes * 9 // 10
        excess = self._total - target
        out: list[Path] = []
        for manifest, (size, _used) in sorted(self._index.items(), key=lambda kv: kv[1][1]):
            if excess <= 0:
                break
            if manifest == keep:
                continue
            out.append(manifest)
            excess -= int(size)
        return out

    def _ensure_index(self) -> None:
        """First write: scan the folder once (and drop other pipeline versions' folders)."""
        if self._index is not None:
            return
        for old in self.root.glob("v*"):
            if old.is_dir() and old != self.dir and re.fullmatch(r"v\d+", old.name):
                shutil.rmtree(old, ignore_errors=True)
        self.clean_tmp()
        sizes: dict[str, int] = {}
        manifests: dict[str, tuple[Path, float]] = {}
        orphans: list[tuple[str, str, float]] = []
        for sub in os.scandir(self.dir):
            if not sub.is_dir():
                continue
            for e in os.scandir(sub.path):
                try:
                    st = e.stat()
                except OSError:
                    continue
                key = _entry_key(e.name)
                sizes[key] = sizes.get(key, 0) + st.st_size
                if e.name.endswith(".json"):
                    manifests[key] = (Path(e.path), st.st_mtime)
                else:
                    orphans.append((key, e.path, st.st_mtime))
        now = time.time()
        for key, path, mtime in orphans:  # files of entries that never got a manifest
            if key not in manifests and now - mtime > _STALE_TMP_S:
                _unlink(Path(path))
        index = {path: [float(sizes[key]), mtime] for key, (path, mtime) in manifests.items()}
        total = sum(int(rec[0]) for rec in index.values())
        self._index = index
        self._total = total


def _entry_key(name: str) -> str:
    """'<sha>.<kind><size>.jpg' or '<sha>.<kind><size>.<nnn>.jpg' -> '<sha>.<kind><size>'."""
    parts = name.split(".")
    return ".".join(parts[:2])


def _parse_manifest_name(name: str) -> tuple[str | None, MediaKind | None]:
    sha, _, rest = name.partition(".")
    for kind in MediaKind:
        if rest == f"{kind.value}{kind.size}.json":
            return sha, kind
    return None, None


def _unlink(path: Path) -> None:
    """Best effort: an entry that cannot be removed is still never served (it fails verification)."""
    with contextlib.suppress(OSError):
        os.unlink(path)
