"""GUI benchmarks (offscreen): decision latency, queue size scaling, scrolling stalls.

Run: .venv/bin/python bench/bench_gui.py [--parts a,b,c] [--decisions 200] [--large 100000] [--small 1000] [--runs 3]

(a) latency: the Enter key press -> the decision COMMITTED (the window told) and
    the next item DISPLAYED (its preview painted), over N decisions on a demo queue
    whose thumbnails and previews are already in the media cache; median and p99.
    Each decision is made as a reviewer makes it: "2", the choice painted, then
    Enter, timed from Enter (``--keys back-to-back`` sends "2" and Enter with no
    event processing between and times from "2", as this benchmark used to).
    Baselines, measured in the same run on copies of the same database: a bare
    ``Store.record`` (insert + commit) called back-to-back, and the same paced at
    the UI run's own Enter-to-Enter interval. The paced one is the like-for-like
    comparison: a commit that follows an idle gap costs about twice one made in a
    hot loop (the CPU and its caches have cooled), and the UI's commits all follow
    a gap. Goal: the UI adds less than 2x.
(b) scaling: time from the start of a fresh child process's code (interpreter
    start-up excluded, Qt import included) to the first paint of the queue table
    with rows, and the peak RSS one second later, for a queue of ``--large`` vs
    ``--small`` items (median of ``--runs``, sizes interleaved).  The window has no
    media pipeline here (placeholders): the point is the cost of the queue's size.
    Goal: ratio <= 1.5 for both.
(c) scrolling the ``--large`` queue from the first to the last row (the scroll bar
    pushed to its end every 15 ms, pages loading as the view asks for more): the
    longest event-loop stall, i.e. the longest gap of a 5 ms precise heartbeat timer
    minus 5 ms.  The same heartbeat with the window idle for 5 s first tells how
    much of that the (shared) machine causes.  Goal: no stall over 50 ms.

Databases are built once with Core bulk inserts (the demo queue with
``core.demo``) and cached under bench/.cache/ (git-ignored), keyed by size.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

START = time.perf_counter()  # (b) measures from here: the top of a fresh process
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CACHE = REPO / "bench" / ".cache"
BATCH = 10_000
STALL_GOAL_MS = 50.0
HEARTBEAT_MS = 5
SCROLL_STEP_MS = 15
IDLE_CALIBRATION_S = 5.0
POLL_MS = 2


# -- databases ----------------------------------------------------------------------------------
def queue_db(n: int) -> Path:
    """A cached SQLite queue of ``n`` open items, bulk-inserted like a large import."""
    from sqlalchemy import insert

    from moderator_gui.core.domain import compute_priority
    from moderator_gui.core.store import Store, path_to_db
    from moderator_gui.core.store.tables import items_t

    path = CACHE / f"gui-queue-v2-{n}.sqlite3"  # v2: with planner statistics
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    for stale in tmp.parent.glob(tmp.name + "*"):
        stale.unlink()
    rnd = random.Random(n)
    now = datetime.now(UTC)
    kinds = ("image", "video", "animation", "live_clip", "text")
    platforms = ("douyin", "kuaishou", "bilibili", "weibo", "xiaohongshu")
    with Store.open(tmp) as store:
        severities = [c.severity for c in store.policy.categories]
        for start in range(0, n, BATCH):
            rows = []
            for i in range(start, min(n, start + BATCH)):
                kind = kinds[i % len(kinds)]
                reports, score = rnd.randint(0, 40), rnd.random()
                rows.append(
                    {
                        "external_id": f"bench-{i:07d}",
                        "platform": platforms[i % len(platforms)],
                        "import_source": "/bench/manifest.jsonl",
                        "content_type": kind,
                        "media_path": None if kind == "text" else path_to_db(f"/bench/media/{i}.bin"),
                        "sha256": None if kind == "text" else f"{rnd.getrandbits(256):064x}",
                        "text_body": "bench post" if kind == "text" else None,
                        "uploader": f"acct-{rnd.randint(0, 5000)}",
                        "flagged_at": now - timedelta(minutes=rnd.randint(0, 72 * 60)),
                        "flag_source": "user_report",
                        "flag_reason": "reported",
                        "report_count": reports,
                        "classifier_score": score,
                        "priority": compute_priority(rnd.choice(severities), reports, score),
                        "status": "pending",
                        "imported_at": now,
                    }
                )
            with store.write() as conn:
                conn.execute(insert(items_t), rows)
        store.refresh_statistics()  # as an import does: the planner then reads pages off the queue's index
    tmp.rename(path)
    return path


def demo_db(items: int) -> tuple[Path, Path]:
    """A cached demo queue (real media files) with every thumbnail and preview pre-rendered.

    Returns (database, the folder to use as MODERATOR_CACHE_DIR: the app's media cache is its ``media/``).
    """
    from moderator_gui.core.demo import generate_demo
    from moderator_gui.core.media import MediaJob, MediaKind, MediaService
    from moderator_gui.core.store import QueueFilter, Store

    folder = CACHE / f"gui-demo-{items}"
    db, cache_root, done = folder / "demo.sqlite3", folder / "cache", folder / ".complete"
    if done.exists():
        return db, cache_root
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with Store.open(db) as store:
        generate_demo(store, folder, items=items, seed=7)
        rows = store.queue_page(QueueFilter(status="open"), limit=items + 100)
        with MediaService(cache_dir=cache_root / "media", store=store) as service:
            for r in rows:
                if r.sha256 and r.media_path:
                    for kind in (MediaKind.THUMB, MediaKind.PREVIEW):
                        service.request(MediaJob(r.sha256, r.media_path, kind), 0.0, lambda _res: None)
            if not service.wait_idle(timeout=600):
                raise SystemExit("bench: the media pipeline did not finish pre-rendering within 10 minutes")
    done.touch()
    return db, cache_root


# -- helpers --------------------------------------------------------------------------------------
def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 2), "p99": round(pct(values, 0.99), 2), "max": round(max(values), 2)}


def make_window(store: Any, runner: Any, bridge: Any, settings_dir: Path) -> Any:
    from PySide6.QtCore import QSettings

    from moderator_gui.ui.main_window import Desk, MainWindow

    settings = QSettings(str(settings_dir / "bench.ini"), QSettings.Format.IniFormat)
    return MainWindow(Desk(store, runner, store.policy, "bench", "en", settings, bridge))


def wait_until(app: Any, condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Run the event loop (sleeping between events, not spinning) until ``condition()`` holds.

    The condition is checked every POLL_MS; the times measured by the benchmarks are
    taken in signal handlers and event filters, so the polling does not blur them.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    if condition():
        return
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout_s
    timed_out = [False]

    def check() -> None:
        if condition():
            loop.quit()
        elif time.perf_counter() > deadline:
            timed_out[0] = True
            loop.quit()

    poll = QTimer()
    poll.setInterval(POLL_MS)
    poll.timeout.connect(check)
    poll.start()
    loop.exec()
    poll.stop()
    if timed_out[0]:
        raise SystemExit(f"bench: timed out after {timeout_s} s waiting for {what}")


def close_window(app: Any, window: Any, runner: Any, store: Any, bridge: Any = None) -> None:
    window.close()
    wait_until(app, lambda: not window.isVisible(), 30, "the window to close (pending writes)")
    runner.shutdown()
    if bridge is not None:
        bridge.close()
    window.deleteLater()
    app.processEvents()
    store.close()


# -- (a) decision latency ------------------------------------------------------------------------
def bare_record_ms(db: Path, n: int, interval_ms: float = 0.0) -> list[float]:
    """Store.record (insert + projection + COMMIT) alone, on a copy of the benchmark database:
    back-to-back, or one every ``interval_ms`` (the commit then follows an idle gap, as in the UI)."""
    from moderator_gui.core.domain import DecisionInput, EventKind
    from moderator_gui.core.store import QueueFilter, Store

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "bare.sqlite3"
        shutil.copy(db, copy)
        times = []
        with Store.open(copy) as store:
            cat = store.policy.category_for_key("2")
            assert cat is not None
            next_at = time.perf_counter()
            for row in store.queue_page(QueueFilter(status="open"), limit=n):
                inp = DecisionInput(row.id, EventKind.DECIDE, "bench", cat.code, cat.default_actions, time_spent_ms=900)
                if interval_ms:
                    next_at += interval_ms / 1000
                    time.sleep(max(0.0, next_at - time.perf_counter()))
                t0 = time.perf_counter()
                store.record(inp)
                times.append((time.perf_counter() - t0) * 1000)
        return times


CHOICE_SHOWN_MS = 20  # between "2" and Enter: the window paints the choice (a reviewer takes seconds)


def bench_latency(n: int, keys: str = "reviewer") -> dict[str, Any]:
    db_src, cache_root = demo_db(n + 20)
    os.environ["MODERATOR_CACHE_DIR"] = str(cache_root)
    bare = bare_record_ms(db_src, n)

    from PySide6.QtCore import QEvent, QObject, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from moderator_gui.core.store import Store
    from moderator_gui.ui.media_bridge import MediaBridge, open_media_service
    from moderator_gui.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "ui.sqlite3"
        shutil.copy(db_src, db)
        store = Store.open(db)
        runner = TaskRunner(name="bench-reads")
        bridge = MediaBridge(open_media_service(store))
        window = make_window(store, runner, bridge, Path(tmp))
        window.show()
        viewer = window.viewer
        committed: dict[int, float] = {}
        window.session.recorded.connect(lambda ev: committed.setdefault(ev.item_id, time.perf_counter()))
        painted: dict[int, float] = {}

        class PaintWatch(QObject):
            """When the viewer paints the current item in its final form: the preview, the text,
            or the reason it cannot be shown (the demo queue has deliberately broken files)."""

            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
                if event.type() == QEvent.Type.Paint and viewer.row is not None:
                    shown = (
                        viewer.pages.currentWidget() is viewer.text
                        or viewer.canvas.pixmap is not None
                        or viewer.canvas.message not in ("", loading)
                    )
                    if shown:
                        painted.setdefault(viewer.row.id, time.perf_counter())
                return False

        loading = viewer.tr("Loading preview…")
        watch = PaintWatch()
        viewer.canvas.installEventFilter(watch)
        viewer.text.viewport().installEventFilter(watch)
        wait_until(app, lambda: window.session.current is not None, 30, "the first item")
        first = window.session.current.id
        wait_until(app, lambda: first in painted, 30, "the first item's preview")
        commit_ms, shown_ms, both_ms, kinds, starts = [], [], [], [], []
        for _ in range(n):
            item = window.session.current
            focus = QApplication.focusWidget() or window
            if keys == "back-to-back":
                t0 = time.perf_counter()
                QTest.keyClick(focus, Qt.Key.Key_2)
            else:
                QTest.keyClick(focus, Qt.Key.Key_2)
                shown_at = time.perf_counter() + CHOICE_SHOWN_MS / 1000
                wait_until(app, lambda: time.perf_counter() > shown_at, 5, "the choice to be painted")  # noqa: B023
                t0 = time.perf_counter()
            starts.append(t0)
            QTest.keyClick(focus, Qt.Key.Key_Return)
            moved_on = lambda item=item: window.session.current is not None and window.session.current.id != item.id  # noqa: E731
            if not moved_on():  # normally synchronous; allow the session a moment under load
                try:
                    wait_until(app, moved_on, 5, "the next item")
                except SystemExit:
                    raise SystemExit(
                        f"bench: the window did not move on after deciding item {item.id} (keys went to "
                        f"{type(focus).__name__}; last session entry: {window.session.entries[-1:]})"
                    ) from None
            nxt = window.session.current
            wait_until(
                app,
                lambda item=item, nxt=nxt: item.id in committed and nxt.id in painted,
                30,
                f"item {item.id} committed, {nxt.id} shown",
            )
            commit_ms.append((committed[item.id] - t0) * 1000)
            shown_ms.append((painted[nxt.id] - t0) * 1000)
            both_ms.append((max(committed[item.id], painted[nxt.id]) - t0) * 1000)
            kinds.append(nxt.content_type)
        close_window(app, window, runner, store, bridge)
    interval = statistics.median((b - a) * 1000 for a, b in itertools.pairwise(starts))
    paced = bare_record_ms(db_src, n, interval_ms=interval)
    return {
        "decisions": n,
        "keys": keys,
        "bare_record_ms": summary(bare),
        "bare_record_paced_ms": summary(paced),
        "pace_ms": round(interval, 1),
        "ui_committed_ms": summary(commit_ms),
        "ui_next_item_painted_ms": summary(shown_ms),
        "ui_committed_and_next_painted_ms": summary(both_ms),
        "ratio_median_vs_paced": round(statistics.median(both_ms) / statistics.median(paced), 2),
        "ratio_p99_vs_paced": round(pct(both_ms, 0.99) / pct(paced, 0.99), 2),
        "ratio_median_vs_back_to_back": round(statistics.median(both_ms) / statistics.median(bare), 2),
        "ratio_p99_vs_back_to_back": round(pct(both_ms, 0.99) / pct(bare, 0.99), 2),
        "next_item_types": {k: kinds.count(k) for k in sorted(set(kinds))},
        "goal": "ratio < 2",
    }


# -- (b) first paint and memory; (c) scrolling: each in a fresh child process ------------------
def child_first_paint(db: Path, scroll: bool) -> dict[str, Any]:
    import resource

    from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from moderator_gui.core.store import Store
    from moderator_gui.ui.tasks import TaskRunner

    app = QApplication([])
    tmp = Path(tempfile.mkdtemp(prefix="bench-gui-"))
    store = Store.open(db)
    runner = TaskRunner(name="bench-reads")
    window = make_window(store, runner, None, tmp)
    table = window.queue_view.table
    model = window.model
    first_paint: list[float] = []

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and model.rowCount() > 0 and not first_paint:
                first_paint.append(time.perf_counter())
            return False

    watch = FirstPaint()
    table.viewport().installEventFilter(watch)
    window.show()
    wait_until(app, lambda: bool(first_paint), 60, "the first paint of the queue")
    # Settle: the count query, the context panel, the first item's history.
    settle_until = time.perf_counter() + 1.0
    wait_until(app, lambda: time.perf_counter() > settle_until, 5, "settling")
    result: dict[str, Any] = {
        "items": model.total,
        "first_paint_ms": round((first_paint[0] - START) * 1000, 1),
        "peak_rss_mb": round(peak_rss_kb(resource) / 1024, 1),
    }
    if scroll:
        gaps: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        last = [clock.nsecsElapsed()]

        def beat() -> None:
            now = clock.nsecsElapsed()
            gaps.append((now - last[0]) / 1e6)
            last[0] = now

        heartbeat = QTimer()
        heartbeat.setTimerType(heartbeat.timerType().PreciseTimer)
        heartbeat.setInterval(HEARTBEAT_MS)
        heartbeat.timeout.connect(beat)
        bar = table.verticalScrollBar()
        steps = [0]

        def step() -> None:
            steps[0] += 1
            bar.setValue(bar.maximum())  # at the end, the view asks the model to fetch more

        driver = QTimer()
        driver.setInterval(SCROLL_STEP_MS)
        driver.timeout.connect(step)
        total = model.total
        # Calibration: the same heartbeat with the window idle shows what the machine
        # itself (other processes on shared cores) adds to the stalls measured below.
        heartbeat.start()
        idle_until = time.perf_counter() + IDLE_CALIBRATION_S
        wait_until(app, lambda: time.perf_counter() > idle_until, IDLE_CALIBRATION_S + 5, "the idle calibration")
        idle = [g - HEARTBEAT_MS for g in gaps]
        gaps.clear()
        t0 = time.perf_counter()
        driver.start()
        wait_until(
            app,
            lambda: model.rowCount() >= total and not model.loading and bar.value() == bar.maximum(),
            600,
            "the end of the queue",
        )
        heartbeat.stop()
        driver.stop()
        stalls = [g - HEARTBEAT_MS for g in gaps]
        result.update(
            rows_scrolled=model.rowCount(),
            scroll_s=round(time.perf_counter() - t0, 2),
            scroll_steps=steps[0],
            heartbeats=len(gaps),
            max_stall_ms=round(max(stalls), 1),
            p99_stall_ms=round(pct(stalls, 0.99), 1),
            stalls_over_goal=sum(s > STALL_GOAL_MS for s in stalls),
            idle_max_stall_ms=round(max(idle), 1),
            idle_stalls_over_goal=sum(s > STALL_GOAL_MS for s in idle),
        )
    close_window(app, window, runner, store)
    shutil.rmtree(tmp, ignore_errors=True)
    return result


def peak_rss_kb(resource: Any) -> int:
    """This process's own peak resident memory. Linux's ru_maxrss survives fork+exec, so a
    child started by a big parent (after part a) would report the parent's peak; VmHWM
    belongs to the address space made by exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def run_child(db: Path, scroll: bool) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", "scroll" if scroll else "first-paint", "--db", str(db)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    if proc.returncode != 0:
        raise SystemExit(f"bench child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_scaling(large: int, small: int, runs: int) -> dict[str, Any]:
    dbs = {small: queue_db(small), large: queue_db(large)}
    samples: dict[int, list[dict[str, Any]]] = {small: [], large: []}
    for _ in range(runs):  # interleaved, so drift in machine load hits both sizes alike
        for n, db in dbs.items():
            samples[n].append(run_child(db, scroll=False))
    med = {n: {k: statistics.median(s[k] for s in samples[n]) for k in ("first_paint_ms", "peak_rss_mb")} for n in dbs}
    return {
        "runs": runs,
        f"queue_{small}": med[small],
        f"queue_{large}": med[large],
        "ratio_first_paint": round(med[large]["first_paint_ms"] / med[small]["first_paint_ms"], 2),
        "ratio_rss": round(med[large]["peak_rss_mb"] / med[small]["peak_rss_mb"], 2),
        "goal": "both ratios <= 1.5",
    }


def bench_scroll(large: int) -> dict[str, Any]:
    result = run_child(queue_db(large), scroll=True)
    result["goal"] = f"no stall over {STALL_GOAL_MS:.0f} ms"
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="a,b,c", help="which benchmarks: a (latency), b (scaling), c (scrolling)")
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument("--keys", choices=("reviewer", "back-to-back"), default="reviewer", help="(a): how the two keys are sent")
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=("first-paint", "scroll"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_first_paint(args.db, scroll=args.child == "scroll")))
        return 0
    parts = set(args.parts.split(","))
    report: dict[str, Any] = {}
    if "a" in parts:
        report["a_latency"] = bench_latency(args.decisions, args.keys)
        print(json.dumps({"a_latency": report["a_latency"]}, indent=2), flush=True)
    if "b" in parts:
        report["b_scaling"] = bench_scaling(args.large, args.small, args.runs)
        print(json.dumps({"b_scaling": report["b_scaling"]}, indent=2), flush=True)
    if "c" in parts:
        report["c_scroll"] = bench_scroll(args.large)
        print(json.dumps({"c_scroll": report["c_scroll"]}, indent=2), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
