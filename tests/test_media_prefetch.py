"""`moderator-cli prefetch` end to end on a real SQLite store, real files and real workers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from corpus import PILLOW_CORPUS
from factories import make_item
from media_corpus import write_video
from moderator_gui.cli import main
from moderator_gui.core.media import PIPELINE_VERSION
from moderator_gui.core.store import QueueFilter, Store, path_to_db
from moderator_gui.core.store.tables import media_t

pytestmark = pytest.mark.timeout(60)


def sha_of(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    d = tmp_path / "media"
    d.mkdir()
    for name in ("hopper.jpg", "hopper.png", "iss634.gif", "truncated_jpeg.jpg", "pil_sample_cmyk.jpg"):
        shutil.copy(PILLOW_CORPUS / name, d / name)
    shutil.copy(PILLOW_CORPUS / "hopper.jpg", d / os.fsdecode(b"copie_\xe9.jpg"))  # same content, odd name
    write_video(d / "clip.mp4", seconds=2)
    return d


def fill(store: Store, d: Path) -> dict[str, int]:
    """One item per file; a decided item, a text post and a missing file beside them."""
    ids = {}
    for p in sorted(d.iterdir()):
        ctype = {".gif": "animation", ".mp4": "video"}.get(p.suffix, "image")
        ids[p.name] = make_item(store, media_path=path_to_db(p), sha256=sha_of(p), content_type=ctype)
    ids["decided"] = make_item(
        store, media_path=path_to_db(d / "pil_sample_cmyk.jpg"), sha256="ab" * 32, status="decided"
    )
    ids["text"] = make_item(store, media_path=None, sha256=None, content_type="text", text_body="hello")
    ids["missing"] = make_item(store, media_path=path_to_db(d / "gone.jpg"), sha256="cd" * 32)
    return ids


def media_rows(store: Store) -> dict[str, dict]:
    with store.read() as conn:
        return {r.sha256: dict(r._mapping) for r in conn.execute(select(media_t))}


def prefetch(db: Path, *extra: str) -> int:
    return main(["prefetch", "--db", str(db), "--jobs", "2", "--timeout", "5", *extra])


def test_prefetch_fills_every_item_then_reruns_from_the_cache(
    sqlite_store: Store, sqlite_path: Path, media_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(sqlite_store, media_dir)
    code = prefetch(sqlite_path)
    out, err = capsys.readouterr()
    assert code == 0
    assert "prefetch: 7 media files, 5 with a thumbnail, 2 with failures (0 results from the cache, 7 rendered)" in out
    assert f"failed: {media_dir / 'truncated_jpeg.jpg'}: truncated JPEG" in out
    assert f"failed: {media_dir / 'gone.jpg'}: file not found" in out
    assert "prefetch: 7/7 100%" in err  # not a terminal: plain progress lines; two items share a content

    rows = media_rows(sqlite_store)
    assert "ab" * 32 not in rows, "decided items are not prefetched"
    assert rows[sha_of(media_dir / "truncated_jpeg.jpg")]["error"] == "truncated JPEG"
    video = rows[sha_of(media_dir / "clip.mp4")]
    assert (video["state"], video["real_type"], video["codec"], video["thumb_ready"]) == ("ok", "mp4", "h264", True)
    assert rows[sha_of(media_dir / "iss634.gif")]["frames"] == 42
    assert all(r["pipeline_version"] == PIPELINE_VERSION for r in rows.values())
    for row in sqlite_store.queue_page(QueueFilter(status="pending")):
        if row.content_type == "text":
            assert row.media_state is None
        elif row.sha256 == "cd" * 32:
            assert (row.media_state, row.media_error) == ("failed", "file not found")
        elif row.sha256 == sha_of(media_dir / "truncated_jpeg.jpg"):
            assert (row.media_state, row.media_error, row.thumb_ready) == ("failed", "truncated JPEG", False)
        else:
            assert (row.media_state, row.thumb_ready) == ("ok", True), row

    code = prefetch(sqlite_path)
    out, _ = capsys.readouterr()
    assert code == 0 and "(6 results from the cache, 1 rendered)" in out  # only the missing file is retried


def test_a_new_database_on_a_warm_workstation_gets_its_rows_from_the_cache(
    tmp_path: Path, media_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    for db in (first, second):
        with Store.open(db) as s:
            fill(s, media_dir)
    assert prefetch(first) == 0
    capsys.readouterr()
    assert prefetch(second) == 0
    assert "(6 results from the cache, 1 rendered)" in capsys.readouterr().out
    with Store.open(first) as a, Store.open(second) as b:
        ra, rb = media_rows(a), media_rows(b)
    strip = ("probed_at",)
    assert {k: {f: v for f, v in r.items() if f not in strip} for k, r in ra.items()} == {
        k: {f: v for f, v in r.items() if f not in strip} for k, r in rb.items()
    }


def test_previews_render_viewer_images_and_filmstrips(
    sqlite_store: Store, sqlite_path: Path, media_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(sqlite_store, media_dir)
    assert prefetch(sqlite_path, "--previews") == 0
    _out, err = capsys.readouterr()
    assert "prefetch: 17/17 100%" in err  # 5 good contents × 3 kinds; the 2 failures stop at their thumbnail
    rows = media_rows(sqlite_store)
    for name in ("hopper.jpg", "iss634.gif", "clip.mp4"):
        assert rows[sha_of(media_dir / name)]["preview_ready"] is True
    from moderator_gui.core.media import MediaKind, MediaService

    with MediaService() as svc:
        strip = svc.lookup(sha_of(media_dir / "clip.mp4"), MediaKind.STRIP)
        anim = svc.lookup(sha_of(media_dir / "iss634.gif"), MediaKind.STRIP)
    assert strip is not None and len(strip.frames) == 9
    assert anim is not None and len(anim.frames) == 42


def test_prefetch_as_a_real_command(sqlite_store: Store, sqlite_path: Path, media_dir: Path) -> None:
    fill(sqlite_store, media_dir)
    proc = subprocess.run(
        [sys.executable, "-m", "moderator_gui.cli", "prefetch", "--db", str(sqlite_path), "--jobs", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ,
    )
    assert proc.returncode == 0, proc.stderr
    assert "5 with a thumbnail, 2 with failures" in proc.stdout
    assert main(["prefetch", "--db", str(sqlite_path), "--jobs", "0"]) == 2
