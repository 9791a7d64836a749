"""The thumbnail cache: hits are fast, damaged entries are rebuilt and never shown, LRU bounds its size."""

from __future__ import annotations

import hashlib
import io
import os
import time
from pathlib import Path

import pytest
from PIL import Image

from corpus import PILLOW_CORPUS
from moderator_gui.core import paths
from moderator_gui.core.media import MediaJob, MediaKind, MediaResult, MediaService
from moderator_gui.core.media.cache import MediaCache, digest

pytestmark = pytest.mark.timeout(60)


def _sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def _render(svc: MediaService, path: Path, kind: MediaKind = MediaKind.THUMB) -> MediaResult:
    out: list[MediaResult] = []
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    svc.request(MediaJob(sha, os.fsencode(path), kind), 0, out.append)
    assert svc.wait_idle(20)
    return out[0]


def _entry(cache: MediaCache, name: str) -> str:
    """A cache entry with one real JPEG of random pixels (~20 kB)."""
    sha = _sha(name)
    stem = cache.stem(sha, MediaKind.THUMB)
    buf = io.BytesIO()
    Image.frombytes("RGB", (80, 80), os.urandom(80 * 80 * 3)).save(buf, "JPEG", quality=90)
    data = buf.getvalue()
    (stem.parent / f"{stem.name}.jpg").write_bytes(data)
    files = [{"name": f"{stem.name}.jpg", "size": len(data), "hash": digest(data), "t": None}]
    cache.put(sha, MediaKind.THUMB, ok=True, error=None, probe={"real_type": "jpeg"}, files=files)
    return sha


def test_default_cache_is_in_the_per_user_cache_folder() -> None:
    with MediaService() as svc:
        r = _render(svc, PILLOW_CORPUS / "hopper.jpg")
    assert r.image is not None and r.image.is_relative_to(paths.cache_dir())


def test_a_hit_is_served_from_the_cache(tmp_path: Path) -> None:
    """A second look-up returns the first result from disk (its speed is bench/bench_media.py's)."""
    with MediaService(tmp_path / "c") as svc:
        first = _render(svc, PILLOW_CORPUS / "hopper.jpg")
        hit = svc.lookup(first.sha256, MediaKind.THUMB)
    assert hit is not None and hit.from_cache and hit.image == first.image and hit.probe == first.probe


@pytest.mark.parametrize("damage", ["flip", "truncate", "delete", "manifest"])
def test_a_damaged_entry_is_never_served_and_is_rebuilt(tmp_path: Path, damage: str) -> None:
    with MediaService(tmp_path / "c") as svc:
        first = _render(svc, PILLOW_CORPUS / "hopper.png")
        assert first.image is not None
        data = first.image.read_bytes()
        manifest = first.image.with_suffix(".json")
        if damage == "flip":
            middle = len(data) // 2
            first.image.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
        elif damage == "truncate":
            first.image.write_bytes(data[: len(data) // 2])
        elif damage == "delete":
            first.image.unlink()
        else:
            manifest.write_bytes(b'{"ok": tru')
        assert svc.lookup(first.sha256, MediaKind.THUMB) is None
        again = _render(svc, PILLOW_CORPUS / "hopper.png")
    assert not again.from_cache and again.image is not None
    assert again.image.read_bytes() == data, "rebuilt byte for byte"


def test_failures_are_cached_but_a_missing_file_is_retried(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    with MediaService(tmp_path / "c") as svc:
        r = _render(svc, bad)
        assert not r.ok and svc.lookup(r.sha256, MediaKind.THUMB) == MediaResult(
            r.sha256, MediaKind.THUMB, False, r.error, None, None, (), True
        )
        gone: list[MediaResult] = []
        svc.request(MediaJob(_sha("gone"), os.fsencode(tmp_path / "gone.jpg"), MediaKind.THUMB), 0, gone.append)
        assert svc.wait_idle(20)
        assert gone[0].error == "file not found" and svc.lookup(_sha("gone"), MediaKind.THUMB) is None


def test_least_recently_used_entries_are_evicted_first(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "c", max_bytes=10**9)
    a, b, _c = (_entry(cache, n) for n in "abc")
    per_entry = cache.total_bytes() // 3
    cache.max_bytes = int(per_entry * 3.5)
    assert cache.lookup(a, MediaKind.THUMB) is not None  # a is now more recent than b and c
    d = _entry(cache, "d")
    assert cache.lookup(b, MediaKind.THUMB) is None, "b was the least recently used"
    for sha in (a, d):
        assert cache.lookup(sha, MediaKind.THUMB) is not None
    assert cache.total_bytes() <= cache.max_bytes
    assert not list((tmp_path / "c").rglob(f"{b}*")), "no files of an evicted entry remain"


def test_a_new_process_accounts_for_what_is_on_disk(tmp_path: Path) -> None:
    """The bound holds across restarts: a fresh index from disk, oldest (by last use) evicted."""
    first = MediaCache(tmp_path / "c", max_bytes=10**9)
    old = _entry(first, "old")
    past = time.time() - 3600
    manifest = first.dir / old[:2] / f"{old}.thumb256.json"
    os.utime(manifest, (past, past))
    new = _entry(first, "new")
    size = first.total_bytes()
    (tmp_path / "c" / "v0").mkdir()  # a folder of an older pipeline version
    second = MediaCache(tmp_path / "c", max_bytes=int(size * 1.2))
    assert second.total_bytes() == size
    newest = _entry(second, "newest")
    assert second.lookup(old, MediaKind.THUMB) is None
    assert second.lookup(new, MediaKind.THUMB) is not None and second.lookup(newest, MediaKind.THUMB) is not None
    assert not (tmp_path / "c" / "v0").exists()


def test_keys_that_are_not_sha256_are_refused(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "c")
    with pytest.raises(ValueError, match="not a lowercase hex SHA-256"):
        cache.lookup("../../etc/passwd", MediaKind.THUMB)


def test_an_unwritable_cache_is_reported_and_the_service_goes_on(tmp_path: Path) -> None:
    hopper = PILLOW_CORPUS / "hopper.jpg"
    blocked = hashlib.sha256(hopper.read_bytes()).hexdigest()
    with MediaService(tmp_path / "c") as svc:
        (svc.cache.dir / blocked[:2]).write_bytes(b"")  # a file where its folder must go
        r = _render(svc, hopper)
        assert not r.ok and r.error is not None and r.error.startswith("cannot write to the media cache")
        assert svc.lookup(blocked, MediaKind.THUMB) is None
        assert _render(svc, PILLOW_CORPUS / "hopper.png").ok, "the next job still works"
