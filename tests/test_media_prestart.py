"""Workers started ahead of their service (``Prestarted``), and how long results wait to be saved together."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from corpus import PILLOW_CORPUS
from moderator_gui.core.media import MediaJob, MediaKind, MediaResult, MediaService, Prestarted
from moderator_gui.core.media.delivery import Delivery
from moderator_gui.core.media.request_queue import Done, RequestQueue
from moderator_gui.core.store import Store

pytestmark = pytest.mark.timeout(60)


def job(path: Path) -> MediaJob:
    return MediaJob(hashlib.sha256(path.read_bytes()).hexdigest(), os.fsencode(path), MediaKind.THUMB)


def mapped(pid: int, name: str) -> bool:
    """Whether process ``pid`` has loaded a file whose path contains ``name`` (a shared library)."""
    with open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as f:
        return name in f.read()


def wait_until(check: object, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"still not true after {timeout} s: {what}"
        time.sleep(0.01)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc")
def test_prestarted_workers_warm_up_and_the_service_takes_them(tmp_path: Path) -> None:
    with Prestarted(2) as ahead:
        pids = [p.pid for p in ahead._procs]
        assert len(pids) == 2
        # With nothing to do yet, each imports what a thumbnail job needs: numpy's library (for
        # the signatures) is loaded before any job was sent.
        for pid in pids:
            wait_until(lambda pid=pid: mapped(pid, "_multiarray_umath"), f"worker {pid} imported numpy")
        got: list[MediaResult] = []
        with MediaService(tmp_path / "cache", workers=2, prestarted=ahead) as svc:
            svc.request(job(PILLOW_CORPUS / "hopper.jpg"), 0, got.append)
            svc.request(job(PILLOW_CORPUS / "hopper.png"), 0, got.append)
            assert svc.wait_idle(30)
            assert sorted(svc.worker_pids()) == sorted(pids)  # no other process was started
        assert [r.ok for r in got] == [True, True]
        assert all("signatures" in (r.probe or {}) for r in got)
        assert ahead._procs == []  # all taken
    for pid in pids:  # the service stopped and reaped them
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_workers_the_service_never_took_are_stopped_on_close(tmp_path: Path) -> None:
    ahead = Prestarted(2)
    with MediaService(tmp_path / "cache", workers=1, prestarted=ahead) as svc:
        svc.request(job(PILLOW_CORPUS / "hopper.jpg"), 0, lambda _r: None)
        assert svc.wait_idle(30)
        (taken,) = svc.worker_pids()
    (left,) = ahead._procs
    assert left.pid != taken and left.poll() is None  # still waiting for work
    ahead.close()
    assert left.poll() is not None  # ended and reaped
    assert ahead._procs == []
    ahead.close()  # idempotent


def test_a_worker_with_another_memory_cap_is_not_taken(tmp_path: Path) -> None:
    with Prestarted(1, memory_mb=512) as ahead:
        (proc,) = ahead._procs
        with MediaService(tmp_path / "cache", workers=1, memory_mb=1024, prestarted=ahead) as svc:
            svc.request(job(PILLOW_CORPUS / "hopper.jpg"), 0, lambda _r: None)
            assert svc.wait_idle(30)
            assert svc.worker_pids() != [proc.pid]


def test_the_last_results_are_saved_without_waiting_for_more(tmp_path: Path) -> None:
    """A service that gathers thumbnails for an hour before saving them together still
    delivers the last ones as soon as they are all in: nothing else can come."""
    store = Store.open(tmp_path / "q.sqlite3")
    try:
        got: list[MediaResult] = []
        with MediaService(tmp_path / "cache", workers=2, store=store, gather_s=3600) as svc:
            for name in ("hopper.jpg", "hopper.png", "hopper.gif"):
                svc.request(job(PILLOW_CORPUS / name), 0, got.append)
            assert svc.wait_idle(30)
        assert len(got) == 3 and all(r.ok for r in got)
        assert all(any(s["signal_type"] == "pdq" for s in store.signatures(r.sha256)) for r in got)  # saved first
    finally:
        store.close()


def test_a_warm_up_that_fails_costs_no_thumbnail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """numpy that cannot be imported (here: it raises AttributeError, as an extension built for
    another ABI makes it do): the prestarted worker still makes the thumbnail, without signatures."""
    fake = tmp_path / "fake"
    (fake / "numpy").mkdir(parents=True)
    (fake / "numpy" / "__init__.py").write_text("raise AttributeError('_ARRAY_API not found')\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(fake), os.environ.get("PYTHONPATH")])))
    got: list[MediaResult] = []
    with Prestarted(1) as ahead, MediaService(tmp_path / "cache", workers=1, prestarted=ahead) as svc:
        (pid,) = [p.pid for p in ahead._procs]
        svc.request(job(PILLOW_CORPUS / "hopper.jpg"), 0, got.append)
        assert svc.wait_idle(30)
        assert svc.worker_pids() == [pid]  # the same worker: it did not die of it
    (r,) = got
    assert r.ok, r.error
    assert "signatures" not in (r.probe or {})


def test_a_cache_hit_waiting_beside_a_running_decode_is_not_the_end() -> None:
    """drained() counts the decodes still to come, not the results waiting (a cache hit among them)."""
    rq = RequestQueue()
    delivery = Delivery(rq, None, lambda: None)  # not started: the batch stays in its outbox
    hit_job = MediaJob("a" * 64, b"/a.jpg", MediaKind.THUMB)
    decode_job = MediaJob("b" * 64, b"/b.jpg", MediaKind.THUMB)
    for j in (hit_job, decode_job):
        rq.submit(j, 0, lambda _r: None)
    hit = MediaResult(hit_job.sha256, MediaKind.THUMB, True, None, {}, None, (), from_cache=True)
    rq.checked(rq.take_unchecked(), [hit, None])
    with rq.lock:
        assert rq.pop() is not None  # the decode is handed to a worker
        ready, rq.ready = rq.ready, []
    delivery.send(ready)
    assert not rq.drained()  # b's result is still to come
    with rq.lock:
        p = rq.jobs[(decode_job.sha256, MediaKind.THUMB)]
    done = MediaResult(decode_job.sha256, MediaKind.THUMB, True, None, {}, None, ())
    delivery.send([Done(done, p, [], save=True)])
    assert rq.drained()
