"""MediaService with real worker processes: hostile input, crashes, time-outs, memory cap, scheduling."""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from corpus import PILLOW_CORPUS
from media_corpus import Case, hostile_corpus, write_jpeg, write_png_stream
from moderator_gui.core.media import MediaJob, MediaKind, MediaResult, MediaService

pytestmark = pytest.mark.timeout(60)

# What the pipeline must say about each file of the Pillow corpus: None = a thumbnail,
# else a substring of the specific error. Files not listed here fail the test, so a
# new corpus file gets a conscious expectation.
PILLOW_EXPECTED: dict[str, str | None] = {
    "apng_delay_zero_numer.png": None,
    "apng_syntax_num_frames_zero.png": "corrupt PNG file",
    "avif_hopper.heif": None,
    "avif_xmp_tags_orientation.avif": None,
    "background_outside_palette.gif": None,
    "broken.png": "corrupt PNG file",
    "broken_data_stream.png": None,
    "crash-2020-10-test.tif": "corrupt TIFF file",
    "crash-0da013a13571cc8eb457a39fee8db18f8a3c7127.tif": None,
    "crash-465703f71a0f0094873a3e0e82c9f798161171b8.sgi": "unsupported file type: SGI image",
    "crash-4fb027452e6988530aa5dabee76eecacb3b79f8a.j2k": "unsupported file type: JPEG 2000",
    "crash-5762152299364352.fli": "unsupported file type: FLI/FLC animation",
    "decompression_bomb.gif": "image of 65535×66601 pixels exceeds the 90-megapixel limit",
    "decompression_bomb.ico": "unsupported file type: ICO icon",
    "decompression_bomb_extents.gif": "GIF frame of 65635×65635 pixels exceeds the 90-megapixel limit",
    "exif-dpi-zerodivision.jpg": None,
    "exif_typeerror.jpg": None,
    "hopper.gif": None,
    "hopper.jpg": None,
    "hopper.png": None,
    "hopper.webp": None,
    "hopper_bad_exif.jpg": None,
    "hopper_orientation_6.jpg": None,
    "hopper_orientation_6.webp": None,
    "hopper_zero_comment_subblocks.gif": None,
    "icc_profile_big.jpg": None,
    "invalid-exif.jpg": None,
    "iss634.gif": None,
    "iss634.webp": None,
    "palette_negative.png": None,
    "pil_sample_cmyk.jpg": None,
    "png_decompression_dos.png": "exceeds the decompression limit",
    "seek_too_large.tif": "TIFF",
    "sugarshack_bad_mpo_header.jpg": None,
    "tiff_overflow_rows_per_strip.tif": "corrupt TIFF file",
    "truncated_app14.jpg": None,
    "truncated_end_chunk.png": None,
    "truncated_image.png": "truncated PNG",
    "truncated_jpeg.jpg": "truncated JPEG",
    "unknown_compression_method.png": "corrupt PNG file",
    "zero_width.gif": "corrupt GIF file",
}
CRASH_TIFFS = "corrupt TIFF file"  # the remaining crash-*.tif fuzz cases


def sha_of(path: Path) -> str:
    """Content hash, or a hash of the name for things that are not regular files (never open a FIFO)."""
    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    return hashlib.sha256(os.fsencode(path)).hexdigest()


def job(path: Path, kind: MediaKind = MediaKind.THUMB) -> MediaJob:
    return MediaJob(sha_of(path), os.fsencode(path), kind)


class Collector:
    """Records results with the thread that delivered them."""

    def __init__(self) -> None:
        self.results: list[MediaResult] = []
        self.threads: set[str] = set()
        self.lock = threading.Lock()

    def __call__(self, r: MediaResult) -> None:
        with self.lock:
            self.results.append(r)
            self.threads.add(threading.current_thread().name)

    def by_sha(self) -> dict[str, MediaResult]:
        return {r.sha256: r for r in self.results}


@pytest.fixture
def service(tmp_path: Path) -> Iterator[MediaService]:
    svc = MediaService(tmp_path / "cache", workers=2, timeout_s=10)
    yield svc
    svc.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    return hostile_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def slow_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """81 megapixels (under the limit) in 3 MB: 16-bit RGBA, every row Paeth-filtered, so ~2 s of
    real decoding on an idle machine (6× the 0.3 s time limit below) and 320 MB of pixels."""
    path = tmp_path_factory.mktemp("slow") / "slow.png"
    return write_png_stream(path, 9000, 9000, colour=6, bit_depth=16, level=1, paeth=True)


def assert_thumbnail(r: MediaResult, size: int = 256) -> None:
    assert r.ok, r.error
    assert r.image is not None
    with Image.open(r.image) as im:
        im.load()
        assert max(im.size) <= size and im.mode == "RGB"


def pillow_cases() -> list[Case]:
    cases = []
    for p in sorted(PILLOW_CORPUS.iterdir()):
        if p.name in ("README.md", "LICENSE-Pillow"):
            continue
        if p.name in PILLOW_EXPECTED:
            cases.append(Case(p, PILLOW_EXPECTED[p.name]))
        else:
            assert p.name.startswith("crash-") and p.suffix == ".tif", f"no expectation for {p.name}"
            cases.append(Case(p, CRASH_TIFFS))
    return cases


def check_batch(service: MediaService, cases: list[Case], kinds: tuple[MediaKind, ...], budget_s: float) -> None:
    got = Collector()
    for kind in kinds:
        for c in cases:
            service.request(job(c.path, kind), 0, got)
    assert service.wait_idle(budget_s), "the batch did not finish in bounded time"
    assert len(got.results) == len(cases) * len(kinds)
    for kind in kinds:
        results = {r.sha256: r for r in got.results if r.kind is kind}
        for c in cases:
            r = results[sha_of(c.path)]
            if c.error is None:
                assert_thumbnail(r, kind.size)
            else:
                assert not r.ok and r.error and c.error in r.error, (c.path.name, kind, r.error)
                assert "Traceback" not in r.error


def test_every_pillow_corpus_file_thumbnails_or_fails_specifically(service: MediaService) -> None:
    check_batch(service, pillow_cases(), (MediaKind.THUMB, MediaKind.STRIP), budget_s=30)


def test_generated_hostile_corpus(service: MediaService, hostile: list[Case]) -> None:
    check_batch(service, hostile, (MediaKind.THUMB, MediaKind.PREVIEW, MediaKind.STRIP), budget_s=40)


def test_a_killed_worker_is_reported_replaced_and_the_batch_continues(tmp_path: Path, slow_png: Path) -> None:
    others = [write_jpeg(tmp_path / f"{i}.jpg", (320 + i, 240)) for i in range(4)]
    got = Collector()
    with MediaService(tmp_path / "cache", workers=1, timeout_s=30) as svc:
        svc.request(job(slow_png), 0, got)
        for i, p in enumerate(others):
            svc.request(job(p), 1 + i, got)
        deadline = time.monotonic() + 10
        while not svc.worker_pids(busy_only=True):
            assert time.monotonic() < deadline, "the worker never started the slow job"
            time.sleep(0.01)
        victim = svc.worker_pids(busy_only=True)[0]
        time.sleep(0.1)
        os.kill(victim, signal.SIGKILL)
        assert svc.wait_idle(30)
        assert svc.worker_pids() and victim not in svc.worker_pids()
    results = got.by_sha()
    assert results[sha_of(slow_png)].error == "decoder crashed (signal 9)"
    for p in others:
        assert_thumbnail(results[sha_of(p)])


def test_a_job_over_the_time_limit_is_killed_and_reported(tmp_path: Path, slow_png: Path) -> None:
    quick = write_jpeg(tmp_path / "q.jpg", (320, 240))
    got = Collector()
    with MediaService(tmp_path / "cache", workers=1, timeout_s=0.3) as svc:
        svc.request(job(slow_png), 0, got)
        svc.request(job(quick), 1, got)
        assert svc.wait_idle(20)  # the slow job was killed at its limit: the queue went on
    results = got.by_sha()
    assert results[sha_of(slow_png)].error == "timed out after 0.3 s"
    assert_thumbnail(results[sha_of(quick)])


def test_memory_cap_is_enforced_and_the_worker_recovers(tmp_path: Path, slow_png: Path) -> None:
    quick = write_jpeg(tmp_path / "q.jpg", (320, 240))
    got = Collector()
    with MediaService(tmp_path / "cache", workers=1, timeout_s=20, memory_mb=200) as svc:
        svc.request(job(slow_png), 0, got)
        svc.request(job(quick), 1, got)
        assert svc.wait_idle(20)
    results = got.by_sha()
    assert results[sha_of(slow_png)].error == "needs more memory than the 200 MB limit"
    assert_thumbnail(results[sha_of(quick)])


def test_close_leaves_no_process_or_thread(tmp_path: Path, slow_png: Path) -> None:
    before = set(threading.enumerate())
    svc = MediaService(tmp_path / "cache", workers=2, timeout_s=30)
    svc.request(job(slow_png), 0, Collector())
    svc.request(job(PILLOW_CORPUS / "hopper.jpg"), 0, Collector())
    deadline = time.monotonic() + 10
    while len(svc.worker_pids()) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    pids = svc.worker_pids()
    svc.close()  # while the slow job is still running
    svc.close()  # idempotent
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # already reaped: not a zombie, not running
    assert set(threading.enumerate()) == before
    with pytest.raises(RuntimeError):
        svc.request(job(PILLOW_CORPUS / "hopper.png"), 0, Collector())


def test_requests_run_in_priority_order_and_can_be_reprioritized(tmp_path: Path, slow_png: Path) -> None:
    files = [write_jpeg(tmp_path / f"{n}.jpg", (200 + i, 100)) for i, n in enumerate("abcd")]
    order: list[str] = []
    names = {sha_of(p): p.stem for p in files}
    with MediaService(tmp_path / "cache", workers=1, timeout_s=30) as svc:
        # All queued before any is handed to the worker (however fast it starts, however slow
        # this thread is on a busy machine): then the queue alone decides the order.
        with svc.holding():
            svc.request(job(slow_png), 0, lambda r: order.append("slow"))  # the most urgent
            for prio, p in zip((4, 3, 2, 1), files, strict=True):
                svc.request(job(p), prio, lambda r: order.append(names[r.sha256]))
            svc.reprioritize({sha_of(files[0]): 0.5})  # "a" scrolled on screen
        assert svc.wait_idle(30)
    assert order == ["slow", "a", "d", "c", "b"]


def test_a_new_priority_given_while_the_request_is_looked_up_in_the_cache_is_kept(tmp_path: Path) -> None:
    """The dispatcher looks requests up in the cache outside the lock: a reprioritisation that
    arrives meanwhile (the reviewer scrolled) must still apply when the look-up misses."""
    from moderator_gui.core.media.request_queue import RequestQueue

    a, b = (write_jpeg(tmp_path / f"{n}.jpg", (120 + i, 90)) for i, n in enumerate("ab"))
    q = RequestQueue()
    q.submit(job(a), 4, lambda _r: None)
    q.submit(job(b), 1, lambda _r: None)
    todo = q.take_unchecked()  # being looked up now
    q.reprioritize({sha_of(a): 0.5})  # "a" scrolled on screen meanwhile
    q.checked(todo, [None, None])  # both misses: decodes to queue
    with q.lock:
        first = q.pop()
    assert first is not None and first.job.sha256 == sha_of(a) and first.priority == 0.5


def test_same_job_twice_decodes_once_and_callbacks_run_on_a_service_thread(service: MediaService) -> None:
    got = Collector()
    j = job(PILLOW_CORPUS / "hopper.jpg")
    service.request(j, 0, got)
    service.request(j, 0, got)
    assert service.wait_idle(10)
    assert len(got.results) == 2 and got.results[0] is got.results[1] and not got.results[0].from_cache
    service.request(j, 0, got)  # now a cache hit, still delivered by the service
    assert service.wait_idle(10)
    assert got.results[-1].from_cache and got.results[-1].image == got.results[0].image
    assert threading.current_thread().name not in got.threads


def test_a_warm_cache_never_starts_a_worker(tmp_path: Path) -> None:
    j = job(PILLOW_CORPUS / "hopper.png")
    with MediaService(tmp_path / "cache") as first:
        first.request(j, 0, Collector())
        assert first.wait_idle(10)
    with MediaService(tmp_path / "cache") as second:
        got = Collector()
        second.request(j, 0, got)
        assert second.wait_idle(10)
        assert got.results[0].from_cache and second.worker_pids() == []


def test_request_reads_no_file_on_the_callers_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The GUI thread calls request(): the cache look-up (file I/O) must happen on a service thread."""
    j = job(PILLOW_CORPUS / "hopper.png")
    with MediaService(tmp_path / "cache") as svc:
        svc.request(j, 0, Collector())
        assert svc.wait_idle(10)
        lookups: list[str] = []
        real = svc.cache.lookup

        def spy(sha256: str, kind: MediaKind) -> MediaResult | None:
            lookups.append(threading.current_thread().name)
            return real(sha256, kind)

        monkeypatch.setattr(svc.cache, "lookup", spy)
        got = Collector()
        svc.request(j, 0, got)  # a cache hit
        assert svc.wait_idle(10)
    assert got.results[0].from_cache
    assert lookups and threading.current_thread().name not in lookups


def test_close_from_inside_a_callback_does_not_deadlock(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    svc = MediaService(tmp_path / "cache", workers=1)
    closed = threading.Event()

    def close_now(r: MediaResult) -> None:
        svc.close()
        closed.set()

    svc.request(job(PILLOW_CORPUS / "hopper.jpg"), 0, close_now)
    assert closed.wait(20)
    deadline = time.monotonic() + 10
    while set(threading.enumerate()) != before:
        assert time.monotonic() < deadline, "service threads still running after close()"
        time.sleep(0.02)
    assert svc.worker_pids() == []


def test_a_request_being_looked_up_in_the_cache_is_not_idle_yet(tmp_path: Path) -> None:
    """wait_idle() must not answer while the dispatcher looks a request up in the cache (file
    I/O done outside the lock): prefetch printed its summary before the last result once."""
    jpg = write_jpeg(tmp_path / "a.jpg", (64, 48))
    with MediaService(tmp_path / "cache") as svc:
        looking, go_on = threading.Event(), threading.Event()
        real_lookup = svc.cache.lookup

        def slow_lookup(sha: str, kind: MediaKind) -> MediaResult | None:
            looking.set()
            assert go_on.wait(10)
            return real_lookup(sha, kind)

        svc.cache.lookup = slow_lookup  # type: ignore[method-assign]
        got: list[MediaResult] = []
        svc.request(job(jpg), 0, got.append)
        assert looking.wait(10)  # the dispatcher holds it, outside the lock
        assert not svc.wait_idle(timeout=0.2), "idle although a request is still being looked up"
        go_on.set()
        assert svc.wait_idle(timeout=30)
        assert len(got) == 1 and got[0].ok
