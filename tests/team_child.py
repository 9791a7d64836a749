"""The desks of the team fault tests (tests/test_team_faults.py, tests/test_team_network.py).

:class:`Desk` is the desk's write path without Qt, on one thread: the write queue
(``core/write_queue.py``) writes decisions in the order they were made and retries after
its backoff, and from the first retryable failure until everything is saved its pending
writes are mirrored in a :class:`DecisionJournal` — what ``ui/write_runner.py`` and
``ui/journal_copy.py`` do on their threads.

Run as a script, this module is a desk in a process of its own:

    python team_child.py hold URL REVIEWER N
        claims N items, prints "claimed [ids]", heartbeats (renew_claims) until killed,
        printing "renewed K" after its first renewal
    python team_child.py race URL REVIEWER GO_FILE
        prints "ready", waits for GO_FILE, then claims one item and decides it until nothing
        is left; prints {"decided": [ids], "refused": [codes]} as JSON
    python team_child.py desk URL REVIEWER JOURNAL_ROOT N
        claims N items, prints "ready [ids]"; then reads commands on stdin: "decide" (the
        next claimed item, queued at once), "quit" (once everything is saved). Prints
        "recorded UUID", "retry CODE", "kept K" (K pending writes in the journal) as it goes,
        and "saved [uuids]" at the end
"""

from __future__ import annotations

import contextlib
import json
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from moderator_gui.core.domain import DecisionInput, EventKind
from moderator_gui.core.journal import DecisionJournal, PendingWrite
from moderator_gui.core.store import RecordedEvent, Store, StoreError
from moderator_gui.core.write_queue import Failure, Outcome, SessionEntry, WriteQueue

HERE = Path(__file__).resolve()
TEST_BACKOFF_MS = (100, 200, 400)


def decision(item_id: int, reviewer: str, **kw: object) -> DecisionInput:
    """A decision as the desk makes it: the item seen without events (``expected_head=None``)."""
    return DecisionInput(
        item_id=item_id, kind=EventKind.DECIDE, reviewer=reviewer, category="cyberbullying",
        actions=("remove_content", "warn"), expected_head=None, time_spent_ms=1500, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


class Desk:
    """One desk's write path (see the module docstring). ``step()`` runs at most one write."""

    def __init__(
        self,
        store: Store,
        reviewer: str,
        journal: DecisionJournal,
        *,
        backoff_ms: tuple[int, ...] = TEST_BACKOFF_MS,
        say: Callable[[str], None] = lambda line: None,
    ) -> None:
        self.store = store
        self.reviewer = reviewer
        self.journal = journal
        self.say = say
        self._due: float | None = None
        self.queue = WriteQueue(schedule_retry=self._schedule, cancel_retry=self._cancel, backoff_ms=backoff_ms)
        self._keeping = False  # mirroring the queue in the journal (from the first retryable failure)
        self._seq = 0
        self.recorded: list[RecordedEvent] = []
        self.failures: list[Failure] = []

    def _schedule(self, ms: int) -> None:
        self._due = time.monotonic() + ms / 1000

    def _cancel(self) -> None:
        self._due = None

    def decide(self, item_id: int, external_id: str = "") -> SessionEntry:
        entry = SessionEntry(decision(item_id, self.reviewer), external_id)
        self.queue.add(entry)
        self._save()
        return entry

    def adopt(self, writes: Iterable[PendingWrite]) -> None:
        """Writes of earlier sessions (their journals): saved like this desk's own."""
        self.queue.adopt(writes)
        self._keeping = True
        self._save()

    def step(self) -> str | None:
        """Start the next write if one may start now (a retry that is due may): returns
        "recorded", or the failure's outcome ("retry", "conflict", "refused"), or None."""
        if self._due is not None and time.monotonic() >= self._due:
            self.queue.cancel_retry()
        self.queue.drop_needless_revert()
        write = self.queue.start(self.reviewer)
        if write is None:
            return None
        try:
            result = write.perform(self.store)
        except Exception as exc:  # the queue sorts it; a bug is raised below
            failure = self.queue.failed(exc)
            if failure.unexpected:
                raise  # not a coded StoreError: the store let a driver error through
            self.failures.append(failure)
            if failure.outcome == Outcome.RETRY:
                self._keeping = True
                self.say(f"retry {failure.reason.code}")
            self._save()
            return failure.outcome.value
        self.queue.succeeded(result)
        assert result.event is not None
        self.recorded.append(result.event)
        self.say(f"recorded {result.event.uuid}")
        self._save()
        return "recorded"

    def _save(self) -> None:
        if not self._keeping:
            return
        snapshot = self.queue.snapshot()
        self._seq += 1
        self.journal.save(snapshot, self._seq)
        if snapshot:
            self.say(f"kept {len(snapshot)}")
        else:
            self._keeping = False  # everything is saved: the journal file goes

    @property
    def idle(self) -> bool:
        return not self.queue

    def wait_for_retry(self, limit_s: float) -> None:
        """Sleep until the scheduled retry is due (at most ``limit_s``): the desk's retry timer."""
        if self._due is not None:
            time.sleep(min(limit_s, max(0.0, self._due - time.monotonic())))

    def save_all(self, timeout_s: float) -> None:
        """Write until the queue is empty (retries included); fail after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while not self.idle:
            if time.monotonic() > deadline:
                raise AssertionError(f"writes still pending after {timeout_s} s: {[f.message for f in self.failures[-3:]]}")
            if self.step() is None:
                self.wait_for_retry(0.5)


# -- the parent's side ------------------------------------------------------------------------------
class Child:
    """This module run as a child process (see the module docstring): its lines read on a
    thread of their own, so that the test waits for a line with a deadline."""

    def __init__(self, *args: str, prefix: Sequence[str] = (), stdin: bool = False) -> None:
        self._err = tempfile.TemporaryFile()  # noqa: SIM115 - the child's stderr, for its whole life
        self.proc = subprocess.Popen(
            [*prefix, sys.executable, str(HERE), *args],
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._err,
            text=True, cwd=HERE.parent,
        )  # fmt: skip
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, name="child-stdout", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    @property
    def stderr(self) -> str:
        self._err.seek(0)
        return self._err.read().decode(errors="replace")

    def line(self, timeout_s: float = 60) -> str:
        """The next line it prints (fail if none comes in time, or if it ends first)."""
        try:
            line = self.lines.get(timeout=timeout_s)
        except queue.Empty:
            raise AssertionError(f"no line from the child within {timeout_s:.0f} s; it said {self.seen[-5:]}") from None
        if line is None:
            self.lines.put(None)  # (and again for the next call)
            self.proc.wait(10)
            raise AssertionError(f"the child ended ({self.proc.returncode}); it said {self.seen[-5:]}:\n{self.stderr}")
        self.seen.append(line)
        return line

    def expect(self, word: str, timeout_s: float = 60) -> str:
        """The rest of the next line that starts with ``word`` (lines before it are kept in ``seen``)."""
        deadline = time.monotonic() + timeout_s
        while True:
            line = self.line(max(0.0, deadline - time.monotonic()))
            if line == word or line.startswith(word + " "):
                return line[len(word) + 1 :]

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        """SIGKILL, and wait until it is gone."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def finish(self, timeout_s: float = 60) -> None:
        """Wait for a clean exit (fail with its stderr otherwise)."""
        try:
            code = self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"the child did not end within {timeout_s:.0f} s; it said {self.seen[-5:]}") from None
        if code != 0:
            raise AssertionError(f"the child failed ({code}):\n{self.stderr}")

    def close(self) -> None:
        """Always: the child is gone afterwards, whatever happened."""
        self.kill()
        self._reader.join(10)  # (it reads to the end of the pipe)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # (a pipe to a process that is gone)
                    stream.close()
        self._err.close()


# -- the child processes ----------------------------------------------------------------------------
def _print(line: str) -> None:
    print(line, flush=True)


def _hold(url: str, reviewer: str, n: int) -> None:
    store = Store.open(url)
    _print("claimed " + json.dumps(store.claim_next(reviewer, n)))
    said = False
    while True:  # the desk's heartbeat, until the test kills it
        held = store.renew_claims(reviewer)
        if not said:
            _print(f"renewed {held}")
            said = True
        time.sleep(0.2)


def _race(url: str, reviewer: str, go: Path) -> None:
    store = Store.open(url)
    store.identity()  # the pool is warm
    _print("ready")
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{go} never appeared")
        time.sleep(0.005)
    decided: list[int] = []
    refused: list[str] = []
    while True:
        ids = store.claim_next(reviewer, 1)
        if not ids:
            break
        try:
            store.record(decision(ids[0], reviewer))
            decided.append(ids[0])
        except StoreError as exc:
            refused.append(exc.code)
    store.close()
    _print(json.dumps({"decided": decided, "refused": refused}))


def _desk(url: str, reviewer: str, journal_root: Path, n: int) -> None:
    store = Store.open(url)
    items = store.claim_next(reviewer, n)
    journal = DecisionJournal.for_database(store.describe(), journal_root)
    journal.open()
    desk = Desk(store, reviewer, journal, say=_print)
    commands: queue.Queue[str] = queue.Queue()

    def read_stdin() -> None:
        for line in sys.stdin:
            commands.put(line.strip())
        commands.put("quit")

    threading.Thread(target=read_stdin, daemon=True).start()
    _print("ready " + json.dumps(items))
    todo = list(items)
    quitting = False
    while not (quitting and desk.idle):
        try:
            command = commands.get(timeout=0.02 if not desk.idle else 0.2)
        except queue.Empty:
            command = ""
        if command == "decide":
            desk.decide(todo.pop(0))
        elif command == "quit":
            quitting = True
        if desk.step() is None and not desk.idle:
            desk.wait_for_retry(0.05)
    journal.close()
    store.close()
    _print("saved " + json.dumps([ev.uuid for ev in desk.recorded]))


def main(argv: list[str]) -> None:
    command, url, reviewer = argv[0], argv[1], argv[2]
    if command == "hold":
        _hold(url, reviewer, int(argv[3]))
    elif command == "race":
        _race(url, reviewer, Path(argv[3]))
    elif command == "desk":
        _desk(url, reviewer, Path(argv[3]), int(argv[4]))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
