"""Telling other desks about claims AFTER their commit, from a thread of its own (PostgreSQL).

PostgreSQL serialises the commits of transactions that sent NOTIFY: each takes one lock
for the whole database and holds it through its WAL flush. A claim that notified from a
trigger (migration 0005) therefore waited for every other desk's notifying commit —
``bench/bench_claim.py`` measured claim p50 2.4× a bare ``SELECT … FOR UPDATE SKIP LOCKED``
with the trigger, 0.9× without. So claims and renewals are committed without NOTIFY
(migration 0008 drops those two triggers) and the store sends the same notification
(``{"k": "c", "i": [item ids]}`` on ``moderator_changes``) right after, on its own
connection: other desks hear of it a moment later, the claim does not wait for them.
Releases (DELETE) still notify from their trigger; a notification is a hint — a desk reads
the rows it names again — and the server, not the notification, refuses what breaks a claim.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Iterable

from sqlalchemy import Engine, text

log = logging.getLogger(__name__)

CHANNEL = "moderator_changes"  # (watch.py listens on it)
_LIST_LIMIT = 100  # ids named in one notification; more: {"k": "all"} (as the triggers do)
_NOTIFY = text("SELECT pg_notify(:channel, :body)")


class ClaimNotifier:
    """One daemon thread, started on first use; ``close()`` sends what is queued, then stops it."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._queue: queue.SimpleQueue[list[int] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def send(self, item_ids: Iterable[int]) -> None:
        ids = sorted(set(item_ids))
        if not ids:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="claim-notifier", daemon=True)
                self._thread.start()
        self._queue.put(ids)

    def close(self, timeout_s: float = 5.0) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout_s)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            ids, stop = set(first), False
            while True:  # what queued up meanwhile goes in the same notification
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                ids.update(more)
            body = {"k": "all"} if len(ids) > _LIST_LIMIT else {"k": "c", "i": sorted(ids)}
            try:
                with self._engine.connect() as conn:
                    conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                        _NOTIFY, {"channel": CHANNEL, "body": json.dumps(body)}
                    )
            except Exception:
                log.warning("could not notify other desks of claims on %d item(s)", len(ids), exc_info=True)
            if stop:
                return
