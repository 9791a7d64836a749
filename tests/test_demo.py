"""The synthetic sample queue: deterministic, real files, broken files broken, consistent history."""

from __future__ import annotations

import hashlib
import json
import os
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import pytest
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select

from moderator_gui.cli import main
from moderator_gui.core.demo import PLATFORMS, DemoSummary, generate_demo
from moderator_gui.core.domain import EventKind, EventRef, derive_state
from moderator_gui.core.media.decode import render
from moderator_gui.core.media.types import MediaError, MediaKind
from moderator_gui.core.store import Store
from moderator_gui.core.store.tables import decisions_t, items_t, reviewers_t

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
REJECTED_SAMPLES = {"broken/empty.gif", "broken/garbage.png"}  # the two the importer rejects


@dataclass
class Run:
    store: Store
    summary: DemoSummary
    dest: Path


def _run(base: Path, *, items: int = 60, decided: int = 300, seed: int = 1) -> Run:
    store = Store.open(base / "demo.sqlite3")
    summary = generate_demo(store, base / "out", items=items, decided=decided, seed=seed, now=NOW)
    return Run(store, summary, base / "out")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Run, Run]]:
    """The default demo (60 items, 300 past decisions), generated twice with the same seed."""
    a = _run(tmp_path_factory.mktemp("demo_a"))
    b = _run(tmp_path_factory.mktemp("demo_b"))
    yield a, b
    a.store.close()
    b.store.close()


@pytest.fixture(scope="module")
def run(runs: tuple[Run, Run]) -> Run:
    return runs[0]


@pytest.fixture(scope="module")
def manifest(run: Run) -> list[dict]:
    return [json.loads(line) for line in run.summary.manifest.read_text(encoding="utf-8").splitlines()]


def _media(run: Run, rel: str) -> Path:
    return run.summary.media_dir / rel


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _events(store: Store) -> list[tuple]:
    with store.read() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(
                    decisions_t.c.seq, decisions_t.c.uuid, items_t.c.platform, items_t.c.external_id,
                    decisions_t.c.kind, decisions_t.c.category, decisions_t.c.actions, decisions_t.c.note,
                    reviewers_t.c.name, decisions_t.c.decided_at, decisions_t.c.time_spent_ms,
                    decisions_t.c.reverts, decisions_t.c.supersedes, items_t.c.flagged_at,
                )
                .join(items_t, items_t.c.id == decisions_t.c.item_id)
                .join(reviewers_t, reviewers_t.c.id == decisions_t.c.reviewer_id)
                .order_by(decisions_t.c.seq)
            )
        ]


def _items(store: Store) -> list[tuple]:
    with store.read() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(
                    items_t.c.platform, items_t.c.external_id, items_t.c.content_type, items_t.c.sha256,
                    items_t.c.uploader, items_t.c.flagged_at, items_t.c.flag_source, items_t.c.flag_reason,
                    items_t.c.report_count, items_t.c.classifier_score, items_t.c.suspected_category,
                    items_t.c.status, items_t.c.head_event, items_t.c.text_body,
                ).order_by(items_t.c.id)
            )
        ]


# -- determinism -------------------------------------------------------------------------------


def test_same_seed_gives_identical_media_manifest_and_rows(runs: tuple[Run, Run]) -> None:
    a, b = runs
    media_a = _digests(a.summary.media_dir)
    assert len(media_a) == a.summary.media_files >= 40
    assert media_a == _digests(b.summary.media_dir)
    assert a.summary.manifest.read_bytes() == b.summary.manifest.read_bytes()
    assert _items(a.store) == _items(b.store)
    assert _events(a.store) == _events(b.store)


# What seed 1 at NOW gave before the demo became a package with its samples in resources/demo/samples.toml
# (same draws in the same order). A deliberate change of the samples or of the generator changes them:
# then record the new values and say why. (Media bytes are not pinned: they depend on Pillow/FFmpeg builds.)
REFERENCE_MANIFEST_SHA256 = "dc5b28b785f4fd3271d2db678b3228b6d0a4b5d0f78c3735532eb2cc2389d508"
REFERENCE_EVENTS_SHA256 = "00fee093ed35f25d634213a772694ea9974edfcc06d3da237ee06696d60cad4a"


def test_output_matches_the_recorded_reference(run: Run) -> None:
    assert hashlib.sha256(run.summary.manifest.read_bytes()).hexdigest() == REFERENCE_MANIFEST_SHA256
    events = json.dumps([list(e) for e in _events(run.store)], default=str, ensure_ascii=False)
    assert hashlib.sha256(events.encode()).hexdigest() == REFERENCE_EVENTS_SHA256


# -- the files are what they claim ---------------------------------------------------------------


def test_images_open_and_have_the_promised_peculiarities(run: Run, manifest: list[dict]) -> None:
    claimed = {r["media_path"]: (r["width"], r["height"]) for r in manifest if r["content_type"] == "image"}
    checked = 0
    for rel, (width, height) in claimed.items():
        if "/broken/" in rel:
            continue
        with Image.open(run.dest / rel) as img:
            img.load()
            assert ImageOps.exif_transpose(img).size == (width, height), rel
        checked += 1
    assert checked >= 15
    with Image.open(_media(run, "images/photo_exif_orientation6.jpg")) as img:
        assert img.getexif()[0x0112] == 6
        assert img.size == (640, 480)
    with Image.open(_media(run, "images/sticker_alpha.png")) as img:
        assert img.mode == "RGBA"
        assert img.getchannel("A").getextrema() == (0, 255)  # fully transparent and opaque parts
    with Image.open(_media(run, "images/print_cmyk.jpg")) as img:
        assert (img.format, img.mode) == ("JPEG", "CMYK")
    with Image.open(_media(run, "images/scan_16bit.png")) as img:
        assert img.mode == "I;16"
        assert len(set(img.get_flattened_data())) > 10_000  # really uses 16 bits, not 256 levels
    with Image.open(_media(run, "images/poster_4000x3000.jpg")) as img:
        assert img.size == (4000, 3000)


@pytest.mark.parametrize(
    ("rel", "fmt"),
    [
        ("animations/sticker_00.gif", "GIF"),
        ("animations/sticker_03.gif", "GIF"),
        ("animations/sticker_00.webp", "WEBP"),
        ("animations/sticker_02.webp", "WEBP"),
        ("animations/sticker_apng.png", "PNG"),
    ],
)
def test_stickers_are_animated(run: Run, rel: str, fmt: str) -> None:
    with Image.open(_media(run, rel)) as img:
        assert img.format == fmt
        assert img.is_animated and img.n_frames >= 8
        img.seek(img.n_frames - 1)
        img.load()


def test_clips_are_h264_with_a_keyframe_every_second(run: Run, manifest: list[dict]) -> None:
    clips = [r for r in manifest if r["content_type"] in ("video", "live_clip") and "/broken/" not in r["media_path"]]
    assert {r["content_type"] for r in clips} == {"video", "live_clip"}
    for row in {r["media_path"]: r for r in clips}.values():
        path = run.dest / row["media_path"]
        assert path.stat().st_size < 500_000
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            assert stream.codec_context.name == "h264"
            size = (stream.codec_context.width, stream.codec_context.height)
            assert 320 <= size[0] <= 640 and 240 <= size[1] <= 360
            frames = list(container.decode(video=0))
        shown = size[::-1] if frames[0].rotation % 180 else size  # the manifest gives the displayed size
        assert shown == (row["width"], row["height"]), row["media_path"]
        seconds = row["duration_ms"] / 1000
        assert 2 <= seconds <= 4
        assert abs(float(frames[-1].time) + 1 / 15 - seconds) < 0.1, row["media_path"]
        keyframes = [round(float(f.time), 2) for f in frames if f.key_frame]
        assert keyframes == [float(s) for s in range(int(seconds))], row["media_path"]


def test_one_clip_has_audio_and_one_is_rotated(run: Run) -> None:
    with av.open(str(_media(run, "videos/clip_with_audio.mp4"))) as container:
        assert container.streams.audio[0].codec_context.name == "aac"
        assert sum(f.samples for f in container.decode(audio=0)) >= 3 * 44100 - 2048
    with av.open(str(_media(run, "videos/clip_rotated90.mp4"))) as container:
        assert next(container.decode(video=0)).rotation in (90, -90, 270)
    with av.open(str(_media(run, "videos/clip_00.mp4"))) as container:
        assert not container.streams.audio


def test_broken_files_are_broken(run: Run) -> None:
    with Image.open(_media(run, "broken/truncated.jpg")) as img, pytest.raises(OSError, match="truncated"):
        img.load()
    with pytest.raises(av.error.FFmpegError), av.open(str(_media(run, "broken/truncated.mp4"))) as container:
        list(container.decode(video=0))
    with pytest.raises(UnidentifiedImageError):
        Image.open(_media(run, "broken/garbage.png"))
    assert _media(run, "broken/empty.gif").stat().st_size == 0


def test_media_pipeline_renders_the_samples_and_names_what_is_wrong_with_the_broken_ones(
    run: Run, tmp_path: Path
) -> None:
    """What a reviewer sees: every good sample renders; a broken one that imported shows a specific reason."""
    results: dict[str, str] = {}
    for path in sorted(p for p in run.summary.media_dir.rglob("*") if p.is_file()):
        rel = str(path.relative_to(run.summary.media_dir))
        try:
            render(os.fsencode(path), MediaKind.THUMB, tmp_path / path.stem, tmp_path)
            results[rel] = "ok"
        except MediaError as exc:
            results[rel] = str(exc)
    broken = {rel: why for rel, why in results.items() if why != "ok"}
    assert broken.keys() == {"broken/truncated.jpg", "broken/truncated.mp4", *REJECTED_SAMPLES}
    assert "truncated" in broken["broken/truncated.jpg"]
    assert "truncated" in broken["broken/truncated.mp4"]


# -- the imported queue ----------------------------------------------------------------------------


def test_import_rejects_two_broken_files_with_reasons_and_keeps_the_others(run: Run, manifest: list[dict]) -> None:
    s = run.summary
    assert s.rejected == 2
    reasons = sorted(r.reason for r in s.rejections)
    assert reasons[0] == "empty file (0 bytes): media/broken/empty.gif"
    assert reasons[1].startswith("not a recognised image or video format")
    assert s.items_imported == len(manifest) - 2 == 60 - 2 + s.history_items
    with run.store.read() as conn:
        imported = {
            bytes(p).decode()
            for p in conn.execute(select(items_t.c.media_path).where(items_t.c.media_path.is_not(None))).scalars()
        }
    assert any(p.endswith("broken/truncated.jpg") for p in imported)  # fails later, in the media pipeline
    assert any(p.endswith("broken/truncated.mp4") for p in imported)
    assert not any(p.endswith(tuple(REJECTED_SAMPLES)) for p in imported)


def test_pending_queue_is_recent_varied_and_shares_media_and_accounts(run: Run) -> None:
    with run.store.read() as conn:
        pending = conn.execute(select(items_t).where(items_t.c.status == "pending")).all()
    assert len(pending) == 58
    assert all(NOW - timedelta(hours=72) <= r.flagged_at <= NOW for r in pending)
    assert {r.content_type for r in pending} == {"image", "animation", "video", "live_clip", "text"}
    assert len({r.platform for r in pending}) >= 5 and {r.platform for r in pending} <= set(PLATFORMS)
    assert {r.flag_source for r in pending} == {"user_report", "classifier", "keyword", "proactive_sweep"}
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in r.text_body or "") for r in pending)  # Chinese posts
    assert any((r.text_body or "").isascii() and r.text_body for r in pending)  # English posts
    assert max(Counter(r.sha256 for r in pending if r.sha256).values()) >= 3  # "identical media" shows
    assert max(Counter(r.uploader for r in pending).values()) >= 3  # account history shows
    assert any(r.suspected_category for r in pending) and any(r.classifier_score for r in pending)
    assert max(r.report_count for r in pending) > 1


def test_history_is_consistent_with_the_store_rules(run: Run) -> None:
    store = run.store
    events = _events(store)
    assert len(events) == run.summary.decisions == 300
    assert store.rebuild_projection() == 0  # items.status/head_event == derive_state(events)
    kinds = Counter(e[4] for e in events)
    assert set(kinds) == {"decide", "skip", "escalate", "revert"}
    assert len({e[8] for e in events}) >= 6
    per_item: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for e in events:
        per_item[(e[2], e[3])].append(e)
    for item_events in per_item.values():
        head = None
        refs: list[EventRef] = []
        for (_seq, uuid, _p, _x, kind, category, actions, note, _r, decided_at, spent, reverts, supersedes,
             flagged_at) in item_events:
            assert decided_at >= flagged_at
            assert NOW - timedelta(days=28) <= decided_at <= NOW
            assert supersedes == (None if kind == "revert" else head)  # what Store.record would store
            if kind == "decide":
                store.policy.validate_decision(category, json.loads(actions), note)
            if kind == "escalate":
                assert note.strip() and json.loads(actions) == ["escalate"]
            assert (spent is None) == (kind == "revert")
            refs.append(EventRef(uuid, EventKind(kind), reverts))
            head = derive_state(refs)[1]
        assert derive_state(refs)[0] in ("decided", "escalated")  # history never refills the open queue
    assert [e[9] for e in events] == sorted(e[9] for e in events)  # seq follows time
    decide_spent = [e[10] for e in events if e[4] == "decide"]
    assert 10_000 <= statistics.median(decide_spent) <= 40_000
    with store.read() as conn:
        shared = conn.execute(
            select(func.count()).select_from(items_t).where(
                items_t.c.status == "pending",
                items_t.c.sha256.in_(select(items_t.c.sha256).where(items_t.c.status != "pending")),
            )
        ).scalar_one()
    assert shared > 0  # pending items whose identical media was decided before


def test_cli_demo_imports_queue_and_history(run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.sqlite3"
    assert main(["demo", "--db", str(db), "--items", "60", "--decided", "300", "--seed", "7", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["decisions"] == 300 and len(out["rejected"]) == 2
    media_dir = Path(out["media_dir"])
    assert media_dir.is_relative_to(tmp_path / "demo-media")  # default: next to the database file
    with Store.open(db) as store:
        assert store.queue_count() == 58
        assert len(_events(store)) == 300
        assert len(store.reviewers()) >= 6
        assert store.rebuild_projection() == 0
    other, mine = _digests(media_dir), _digests(run.summary.media_dir)
    assert other.keys() == mine.keys()
    assert other["images/photo_00.jpg"] != mine["images/photo_00.jpg"]  # the seed matters
    assert other["videos/clip_00.mp4"] != mine["videos/clip_00.mp4"]


def test_running_again_adds_nothing_twice(run: Run) -> None:
    before = (_items(run.store), _events(run.store))
    again = generate_demo(run.store, run.dest, items=60, decided=300, seed=1, now=NOW + timedelta(hours=1))
    assert (again.items_imported, again.decisions) == (0, 0)
    assert again.duplicates == run.summary.items_imported
    assert (_items(run.store), _events(run.store)) == before


@pytest.mark.postgres
def test_demo_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    with Store.open(pg_url) as store:
        summary = generate_demo(store, tmp_path / "out", items=12, decided=150, seed=3, now=NOW)
        assert summary.decisions == 150
        assert store.rebuild_projection() == 0
        assert store.queue_count() == 12
        assert len(_events(store)) == 150


@pytest.mark.slow
def test_medium_run_is_consistent(tmp_path: Path) -> None:
    """2000 items + 20000 decisions through the bulk paths (their speed: bench/bench_demo.py)."""
    with Store.open(tmp_path / "medium.sqlite3") as store:
        summary = generate_demo(store, tmp_path / "out", items=2000, decided=20_000, seed=5)
        assert summary.decisions == 20_000
        assert store.queue_count() == 2000 - 2
        assert store.rebuild_projection() == 0
