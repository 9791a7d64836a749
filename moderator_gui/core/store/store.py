"""The decision store: the one way the rest of the program reads and writes the database.

Thread-safe: every call takes its own connection from the pool, so the UI's
worker threads can share one ``Store``. Writes run in ``BEGIN IMMEDIATE``
transactions and a call returns only after its COMMIT has succeeded: the
returned event is the acknowledgement that the decision is on disk.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple
from uuid import uuid4

from sqlalchemy import Connection, Engine, and_, bindparam, func, insert, or_, select, text, update
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, SQLAlchemyError

from moderator_gui.core.domain import (
    OPEN_STATUSES,
    DecisionInput,
    EventKind,
    EventRef,
    ItemStatus,
    derive_state,
    utcnow,
)
from moderator_gui.core.policy import Policy, PolicyError, load_policy
from moderator_gui.core.store import migrate
from moderator_gui.core.store.engine import (
    DEFAULT_BUSY_TIMEOUT_MS,
    WRITE,
    describe,
    make_engine,
    resolve_target,
)
from moderator_gui.core.store.errors import (
    ConflictError,
    InvalidDecisionError,
    NotFoundError,
    StorageUnavailableError,
    StoreError,
    translate,
)
from moderator_gui.core.store.models import Decision, Item, Media, Reviewer

items_t = Item.__table__
decisions_t = Decision.__table__
reviewers_t = Reviewer.__table__
media_t = Media.__table__


def path_to_db(path: str | os.PathLike[str]) -> bytes:
    """File-system path as stored: raw bytes, so names that are not valid UTF-8 survive."""
    return os.fsencode(path)


def path_from_db(raw: bytes | None) -> Path | None:
    return None if raw is None else Path(os.fsdecode(raw))


def display_path(raw: bytes | None) -> str | None:
    """A path for people and JSON: undecodable bytes shown as U+FFFD."""
    return None if raw is None else raw.decode("utf-8", errors="replace")


@contextmanager
def _storage_errors() -> Iterator[None]:
    """Driver errors about the storage (locked, full, read-only...) become StoreErrors.

    Only database errors: an OSError from the caller's own work inside the block
    (say, writing an export file) stays what it is.
    """
    try:
        yield
    except StoreError:
        raise
    except DBAPIError as exc:
        err = translate(exc)
        if err is None:
            raise
        raise err from exc


@dataclass(frozen=True)
class RecordedEvent:
    """Acknowledgement of a committed event."""

    seq: int
    uuid: str
    item_id: int
    kind: EventKind
    category: str | None
    actions: tuple[str, ...]
    note: str
    reviewer: str
    decided_at: datetime
    time_spent_ms: int | None
    policy_version: str
    reverts: str | None
    supersedes: str | None
    item_status: ItemStatus  # the item's status after this event


@dataclass(frozen=True)
class QueueFilter:
    status: str = "pending"  # pending | skipped | escalated | decided | open (pending+skipped) | all
    content_type: str | None = None
    platform: str | None = None
    search: str | None = None  # external id or uploader account (substring)
    order: str = "priority"  # priority | oldest


class QueueRow(NamedTuple):
    """One queue row (a NamedTuple: cheap to build by the hundred per page, and
    ``tuple(row)`` / ``QueueRow._make`` convert it losslessly — the queue model keeps
    plain tuples, which the cycle collector does not walk)."""

    id: int
    external_id: str
    platform: str
    content_type: str
    media_path: bytes | None
    media_type: str | None
    sha256: str | None
    size_bytes: int | None
    uploader: str | None
    flagged_at: datetime
    flag_source: str | None
    flag_reason: str | None
    report_count: int
    classifier_score: float | None
    suspected_category: str | None
    priority: int
    status: str
    head_event: str | None
    text_body: str | None
    width: int | None
    height: int | None
    duration_ms: int | None
    media_state: str | None = None  # None: not probed yet; "ok"; "failed"
    media_error: str | None = None
    thumb_ready: bool = False

    @property
    def sort_key(self) -> tuple[Any, ...]:
        return (self.priority, self.flagged_at, self.id)


@dataclass(frozen=True)
class HistoryRow:
    uuid: str
    item_id: int
    external_id: str
    kind: str
    category: str | None
    actions: tuple[str, ...]
    note: str
    reviewer: str
    decided_at: datetime
    reverted: bool
    time_spent_ms: int | None = None


@dataclass
class Store:
    engine: Engine
    url: URL
    policy: Policy
    _reviewer_ids: dict[str, int] = field(default_factory=dict)

    # -- opening -----------------------------------------------------------------
    @classmethod
    def open(
        cls,
        target: str | os.PathLike[str] | None = None,
        *,
        policy: Policy | None = None,
        migrate_schema: bool = True,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
        create: bool = True,
    ) -> Store:
        """Open (creating if needed) the database and bring its schema up to date.

        With ``create=False`` a SQLite file that does not exist is an error rather
        than a new empty database: commands that only read (export, stats, queue)
        must not answer "nothing" for a mistyped ``--db``.

        Every failure is a StoreError naming the database (without its password);
        nothing is left open behind a failed open.
        """
        try:
            pol = policy or load_policy()
        except PolicyError as exc:
            raise StoreError(str(exc)) from exc
        try:
            url = resolve_target(target)
        except (ArgumentError, ValueError) as exc:  # make_url: unparsable URL, or a port that is no number
            raise StorageUnavailableError(f"not a database file path or URL: {exc}") from None
        if not create and url.get_backend_name() == "sqlite":
            db = url.database or ""
            if db and db != ":memory:" and not db.startswith("file:") and not Path(db).exists():
                raise StorageUnavailableError(
                    f"there is no database at {db} (check --db / MODERATOR_DB; "
                    "`moderator-cli import` or `demo` creates one)"
                )
        engine: Engine | None = None
        try:
            engine = make_engine(url, busy_timeout_ms=busy_timeout_ms)
            if migrate_schema:
                migrate.upgrade(engine)
        except StoreError:
            if engine is not None:
                engine.dispose()
            raise
        except (SQLAlchemyError, OSError) as exc:
            if engine is not None:
                engine.dispose()
            err = translate(exc)
            if err is not None:
                raise type(err)(f"cannot open the database {describe(url)}: {err.message}") from exc
            raise StoreError(f"cannot open the database {describe(url)}: {exc}") from exc
        return cls(engine=engine, url=url, policy=pol)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def describe(self) -> str:
        return describe(self.url)

    # -- transactions ------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction (BEGIN IMMEDIATE on SQLite). Storage failures become StoreErrors."""
        with _storage_errors(), self.engine.execution_options(**WRITE).begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with _storage_errors(), self.engine.connect() as conn:
            yield conn

    # -- reviewers -----------------------------------------------------------------
    def reviewer_id(self, name: str, conn: Connection | None = None) -> int:
        name = name.strip()
        if not name:
            raise InvalidDecisionError("a reviewer name is required")
        if name in self._reviewer_ids:
            return self._reviewer_ids[name]
        if conn is None:
            with self.write() as c:
                return self.reviewer_id(name, c)
        rid = conn.execute(select(reviewers_t.c.id).where(reviewers_t.c.name == name)).scalar()
        if rid is not None:
            self._reviewer_ids[name] = rid
            return rid
        # Not cached: this transaction may still roll back (conflict, disk full), and a
        # cached id of a row that was never committed would later be reused by SQLite
        # for another reviewer. The next call finds the committed row and caches it.
        try:
            with conn.begin_nested():
                return conn.execute(
                    insert(reviewers_t).values(name=name, created_at=utcnow()).returning(reviewers_t.c.id)
                ).scalar_one()
        except IntegrityError:
            # PostgreSQL: another instance added this reviewer just now (SQLite's BEGIN
            # IMMEDIATE cannot race). Its row is committed, so this statement sees it.
            return conn.execute(select(reviewers_t.c.id).where(reviewers_t.c.name == name)).scalar_one()

    def reviewers(self) -> list[str]:
        with self.read() as conn:
            return list(conn.execute(select(reviewers_t.c.name).order_by(reviewers_t.c.name)).scalars())

    # -- recording events ----------------------------------------------------------
    def record(self, inp: DecisionInput) -> RecordedEvent:
        """Append one event and commit. Returns only once the COMMIT succeeded.

        Idempotent on ``inp.uuid``: retrying a write whose acknowledgement was
        lost returns the event already stored instead of recording it twice.
        """
        try:
            kind = EventKind(inp.kind)
        except ValueError:
            raise InvalidDecisionError(f"unknown event kind {inp.kind!r}") from None
        if inp.time_spent_ms is not None and inp.time_spent_ms < 0:
            raise InvalidDecisionError(f"time spent on the item cannot be negative ({inp.time_spent_ms} ms)")
        if inp.decided_at is not None and inp.decided_at.tzinfo is None:
            raise InvalidDecisionError("decided_at must be an aware datetime (UTC), not a naive one")
        if kind == EventKind.REVERT:
            raise InvalidDecisionError("use Store.revert() to undo an event")
        category = inp.category
        actions = tuple(inp.actions)
        if kind == EventKind.DECIDE and category is None:
            raise InvalidDecisionError("choose a category (or No violation) before recording")
        if kind != EventKind.DECIDE and category is not None:
            raise InvalidDecisionError(f"a {kind} event carries no category")
        if kind == EventKind.ESCALATE and "escalate" not in actions and self.policy.has_action("escalate"):
            actions = actions + ("escalate",)
        try:
            self.policy.validate_decision(category, actions, inp.note)
        except PolicyError as exc:
            raise InvalidDecisionError(str(exc)) from None
        return self._append(inp, kind, category, actions, reverts=None)

    def revert(
        self, event_uuid: str, reviewer: str, note: str = "", *, uuid: str | None = None, decided_at: datetime | None = None
    ) -> RecordedEvent:
        """Undo an event by appending a revert event. The item's state is derived anew.

        ``decided_at``: when the reviewer undid it (an undo saved late keeps its time); now if None.
        """
        if decided_at is not None and decided_at.tzinfo is None:
            raise InvalidDecisionError("decided_at must be an aware datetime (UTC), not a naive one")
        with self.read() as conn:
            target = conn.execute(
                select(decisions_t.c.item_id, decisions_t.c.kind).where(decisions_t.c.uuid == event_uuid)
            ).first()
        if target is None:
            raise NotFoundError(f"no event {event_uuid}")
        if target.kind == EventKind.REVERT:
            raise InvalidDecisionError("an undo cannot itself be undone; record a new decision instead")
        inp = DecisionInput(
            item_id=target.item_id,
            kind=EventKind.REVERT,
            reviewer=reviewer,
            note=note,
            check_head=False,
            uuid=uuid or str(uuid4()),
            decided_at=decided_at,
        )
        return self._append(inp, EventKind.REVERT, None, (), reverts=event_uuid)

    def _append(
        self,
        inp: DecisionInput,
        kind: EventKind,
        category: str | None,
        actions: tuple[str, ...],
        reverts: str | None,
    ) -> RecordedEvent:
        try:
            with self.write() as conn:
                # Lock the item row first (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE
                # already serialises writers), so that the checks below see every event
                # committed before us and two instances cannot both pass the head check.
                item = conn.execute(
                    select(items_t.c.id, items_t.c.head_event).where(items_t.c.id == inp.item_id).with_for_update()
                ).first()
                existing = self._event_by_uuid(conn, inp.uuid)
                if existing is not None:
                    return existing  # an earlier attempt of this very write committed
                if item is None:
                    raise NotFoundError(f"no item {inp.item_id}")
                rid = self.reviewer_id(inp.reviewer, conn)
                if inp.check_head and item.head_event != inp.expected_head:
                    raise self._conflict(conn, item.head_event)
                if reverts is not None:
                    already = conn.execute(
                        select(decisions_t.c.uuid).where(decisions_t.c.reverts == reverts).limit(1)
                    ).scalar()
                    if already is not None:
                        raise ConflictError("that decision has already been undone")
                now = (inp.decided_at or utcnow()).astimezone(UTC)
                supersedes = item.head_event if kind != EventKind.REVERT else None
                seq = conn.execute(
                    insert(decisions_t)
                    .values(
                        uuid=inp.uuid,
                        item_id=inp.item_id,
                        kind=kind.value,
                        category=category,
                        actions=json.dumps(list(actions)),
                        note=inp.note,
                        reviewer_id=rid,
                        decided_at=now,
                        time_spent_ms=inp.time_spent_ms,
                        policy_version=self.policy.version,
                        reverts=reverts,
                        supersedes=supersedes,
                    )
                    .returning(decisions_t.c.seq)
                ).scalar_one()
                status, head = self._reproject(conn, inp.item_id)
        except IntegrityError as exc:
            raise ConflictError(f"the event could not be recorded: {exc.orig}") from exc
        return RecordedEvent(
            seq=seq,
            uuid=inp.uuid,
            item_id=inp.item_id,
            kind=kind,
            category=category,
            actions=actions,
            note=inp.note,
            reviewer=inp.reviewer.strip(),
            decided_at=now,
            time_spent_ms=inp.time_spent_ms,
            policy_version=self.policy.version,
            reverts=reverts,
            supersedes=supersedes,
            item_status=status,
        )

    def _conflict(self, conn: Connection, head: str | None) -> ConflictError:
        if head is None:
            return ConflictError("the item changed since you opened it (an earlier decision was undone)")
        row = conn.execute(
            select(decisions_t.c.kind, decisions_t.c.decided_at, reviewers_t.c.name)
            .join(reviewers_t, reviewers_t.c.id == decisions_t.c.reviewer_id)
            .where(decisions_t.c.uuid == head)
        ).first()
        who = f"{row.name} ({row.kind}, {row.decided_at:%Y-%m-%d %H:%M} UTC)" if row else "someone else"
        return ConflictError(f"the item was changed by {who} since you opened it; nothing was recorded")

    def _event_by_uuid(self, conn: Connection, uuid: str) -> RecordedEvent | None:
        row = conn.execute(
            select(decisions_t, reviewers_t.c.name.label("reviewer"), items_t.c.status)
            .join(reviewers_t, reviewers_t.c.id == decisions_t.c.reviewer_id)
            .join(items_t, items_t.c.id == decisions_t.c.item_id)
            .where(decisions_t.c.uuid == uuid)
        ).first()
        if row is None:
            return None
        return RecordedEvent(
            seq=row.seq,
            uuid=row.uuid,
            item_id=row.item_id,
            kind=EventKind(row.kind),
            category=row.category,
            actions=tuple(json.loads(row.actions)),
            note=row.note,
            reviewer=row.reviewer,
            decided_at=row.decided_at,
            time_spent_ms=row.time_spent_ms,
            policy_version=row.policy_version,
            reverts=row.reverts,
            supersedes=row.supersedes,
            item_status=ItemStatus(row.status),
        )

    def _reproject(self, conn: Connection, item_id: int) -> tuple[ItemStatus, str | None]:
        events = [
            EventRef(uuid=r.uuid, kind=EventKind(r.kind), reverts=r.reverts)
            for r in conn.execute(
                select(decisions_t.c.uuid, decisions_t.c.kind, decisions_t.c.reverts)
                .where(decisions_t.c.item_id == item_id)
                .order_by(decisions_t.c.seq)
            )
        ]
        status, head = derive_state(events)
        conn.execute(update(items_t).where(items_t.c.id == item_id).values(status=status.value, head_event=head))
        return status, head

    def rebuild_projection(self) -> int:
        """Recompute every item's status from its events. Returns the number of items changed.

        One ordered pass over items and one over events, merged by item id (the
        per-item query this replaces took minutes on a million events).
        """
        changed: list[dict[str, Any]] = []
        with self.write() as conn:
            stream = {"stream_results": True, "yield_per": 10_000}
            items = conn.execute(
                select(items_t.c.id, items_t.c.status, items_t.c.head_event)
                .order_by(items_t.c.id)
                .execution_options(**stream)
            )
            events = iter(
                conn.execute(
                    select(decisions_t.c.item_id, decisions_t.c.uuid, decisions_t.c.kind, decisions_t.c.reverts)
                    .order_by(decisions_t.c.item_id, decisions_t.c.seq)
                    .execution_options(**stream)
                )
            )
            ev = next(events, None)
            for item in items:
                refs: list[EventRef] = []
                while ev is not None and ev.item_id <= item.id:
                    if ev.item_id == item.id:
                        refs.append(EventRef(uuid=ev.uuid, kind=EventKind(ev.kind), reverts=ev.reverts))
                    ev = next(events, None)
                status, head = derive_state(refs)
                if (item.status, item.head_event) != (status.value, head):
                    changed.append({"item": item.id, "status": status.value, "head": head})
            if changed:
                conn.execute(
                    update(items_t)
                    .where(items_t.c.id == bindparam("item"))
                    .values(status=bindparam("status"), head_event=bindparam("head")),
                    changed,
                )
        return len(changed)

    def refresh_statistics(self) -> None:
        """ANALYZE after bulk changes: the planner needs row counts to read the default
        "open" queue off its partial index instead of sorting every open item
        (93 ms vs 4 ms a page at 100k items)."""
        with self.write() as conn:
            conn.exec_driver_sql("ANALYZE")

    # -- reading the queue -----------------------------------------------------------
    def _queue_where(self, f: QueueFilter) -> list[Any]:
        conds: list[Any] = []
        if f.status == "open":
            # Literal values, not bound parameters: SQLite uses the partial "open" indexes
            # only when it can see that the query's condition is the index's own.
            conds.append(text(f"items.status IN ({', '.join(repr(s) for s in OPEN_STATUSES)})"))
        elif f.status != "all":
            conds.append(items_t.c.status == ItemStatus(f.status).value)
        if f.content_type:
            conds.append(items_t.c.content_type == f.content_type)
        if f.platform:
            conds.append(items_t.c.platform == f.platform)
        if f.search:
            # Literal substring (ids and account names often hold "_" or "%", which LIKE would
            # treat as wildcards), case-insensitive on both backends (PostgreSQL's LIKE is not).
            term = f.search.strip()
            conds.append(
                or_(
                    items_t.c.external_id.icontains(term, autoescape=True),
                    items_t.c.uploader.icontains(term, autoescape=True),
                )
            )
        return conds

    def _queue_order(self, f: QueueFilter) -> list[Any]:
        if f.order == "oldest":
            return [items_t.c.flagged_at.asc(), items_t.c.id.asc()]
        return [items_t.c.priority.desc(), items_t.c.flagged_at.asc(), items_t.c.id.asc()]

    def _after(self, f: QueueFilter, key: tuple[Any, ...]) -> Any:
        prio, flagged, iid = key
        later = or_(
            items_t.c.flagged_at > flagged,
            and_(items_t.c.flagged_at == flagged, items_t.c.id > iid),
        )
        if f.order == "oldest":
            return later
        return or_(items_t.c.priority < prio, and_(items_t.c.priority == prio, later))

    def _queue_select(self) -> Any:
        return select(
            items_t.c.id,
            items_t.c.external_id,
            items_t.c.platform,
            items_t.c.content_type,
            items_t.c.media_path,
            items_t.c.media_type,
            items_t.c.sha256,
            items_t.c.size_bytes,
            items_t.c.uploader,
            items_t.c.flagged_at,
            items_t.c.flag_source,
            items_t.c.flag_reason,
            items_t.c.report_count,
            items_t.c.classifier_score,
            items_t.c.suspected_category,
            items_t.c.priority,
            items_t.c.status,
            items_t.c.head_event,
            items_t.c.text_body,
            func.coalesce(media_t.c.width, items_t.c.width).label("width"),
            func.coalesce(media_t.c.height, items_t.c.height).label("height"),
            func.coalesce(media_t.c.duration_ms, items_t.c.duration_ms).label("duration_ms"),
            media_t.c.state.label("media_state"),
            media_t.c.error.label("media_error"),
            func.coalesce(media_t.c.thumb_ready, False).label("thumb_ready"),
        ).select_from(items_t.outerjoin(media_t, media_t.c.sha256 == items_t.c.sha256))

    def queue_page(
        self, f: QueueFilter = QueueFilter(), *, after: tuple[Any, ...] | None = None, limit: int = 200
    ) -> list[QueueRow]:
        """One page of the queue in queue order, starting after the row whose ``sort_key`` is ``after``.

        Keyset paging: page N costs the same as page 1, however deep the queue is.
        """
        q = self._queue_select().where(*self._queue_where(f)).order_by(*self._queue_order(f)).limit(limit)
        if after is not None:
            q = q.where(self._after(f, after))
        with self.read() as conn:
            return [QueueRow(**r._mapping) for r in conn.execute(q)]

    def queue_count(self, f: QueueFilter = QueueFilter()) -> int:
        q = select(func.count()).select_from(items_t).where(*self._queue_where(f))
        with self.read() as conn:
            return conn.execute(q).scalar_one()

    def item(self, item_id: int) -> QueueRow:
        with self.read() as conn:
            r = conn.execute(self._queue_select().where(items_t.c.id == item_id)).first()
        if r is None:
            raise NotFoundError(f"no item {item_id}")
        return QueueRow(**r._mapping)

    def platforms(self) -> list[str]:
        with self.read() as conn:
            return list(conn.execute(select(items_t.c.platform).distinct().order_by(items_t.c.platform)).scalars())

    # -- history ---------------------------------------------------------------------
    def _history(self, where: Any, limit: int) -> list[HistoryRow]:
        reverting = decisions_t.alias("reverting")
        q = (
            select(
                decisions_t.c.uuid,
                decisions_t.c.item_id,
                items_t.c.external_id,
                decisions_t.c.kind,
                decisions_t.c.category,
                decisions_t.c.actions,
                decisions_t.c.note,
                reviewers_t.c.name.label("reviewer"),
                decisions_t.c.decided_at,
                decisions_t.c.time_spent_ms,
                select(reverting.c.seq)
                .where(reverting.c.reverts == decisions_t.c.uuid)
                .limit(1)
                .scalar_subquery()
                .label("reverted_by"),
            )
            .join(items_t, items_t.c.id == decisions_t.c.item_id)
            .join(reviewers_t, reviewers_t.c.id == decisions_t.c.reviewer_id)
            .where(where, decisions_t.c.kind != EventKind.REVERT.value)
            .order_by(decisions_t.c.seq.desc())
            .limit(limit)
        )
        with self.read() as conn:
            return [
                HistoryRow(
                    uuid=r.uuid,
                    item_id=r.item_id,
                    external_id=r.external_id,
                    kind=r.kind,
                    category=r.category,
                    actions=tuple(json.loads(r.actions)),
                    note=r.note,
                    reviewer=r.reviewer,
                    decided_at=r.decided_at,
                    reverted=r.reverted_by is not None,
                    time_spent_ms=r.time_spent_ms,
                )
                for r in conn.execute(q)
            ]

    def item_history(self, item_id: int, limit: int = 50) -> list[HistoryRow]:
        return self._history(decisions_t.c.item_id == item_id, limit)

    def account_history(self, uploader: str, limit: int = 50) -> list[HistoryRow]:
        return self._history(items_t.c.uploader == uploader, limit)

    def media_history(self, sha256: str, limit: int = 50) -> list[HistoryRow]:
        return self._history(items_t.c.sha256 == sha256, limit)

    def reviewer_history(self, reviewer: str, since: datetime | None = None, limit: int = 50) -> list[HistoryRow]:
        cond = reviewers_t.c.name == reviewer
        if since is not None:
            cond = and_(cond, decisions_t.c.decided_at >= since)
        return self._history(cond, limit)

    # -- media pipeline results ----------------------------------------------------------
    def save_media(self, sha256: str, **fields: Any) -> None:
        self.save_media_many([(sha256, fields)])

    def save_media_many(self, rows: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """Upsert media-pipeline results in ONE transaction (one fsync for a whole batch).

        A failed preview does not undo a working thumbnail: when a row is already
        ``ok`` and a result that carries no ``thumb_ready`` says ``failed``, only
        ``preview_ready`` changes, so the queue keeps showing the thumbnail.
        """
        if not rows:
            return
        now = utcnow()
        with self.write() as conn:
            shas = sorted({sha for sha, _ in rows})
            states = dict(
                conn.execute(select(media_t.c.sha256, media_t.c.state).where(media_t.c.sha256.in_(shas))).all()
            )
            for sha, given in rows:
                fields = {"probed_at": now, **given}
                if sha in states:
                    if states[sha] == "ok" and fields.get("state") == "failed" and "thumb_ready" not in fields:
                        fields = {k: v for k, v in fields.items() if k not in ("state", "error")}
                    conn.execute(update(media_t).where(media_t.c.sha256 == sha).values(**fields))
                else:
                    fields.setdefault("thumb_ready", False)
                    fields.setdefault("preview_ready", False)
                    conn.execute(insert(media_t).values(sha256=sha, **fields))
                states[sha] = fields.get("state", states.get(sha))


def open_store(target: str | os.PathLike[str] | None = None, **kw: Any) -> Store:
    return Store.open(target, **kw)


__all__ = [
    "HistoryRow",
    "QueueFilter",
    "QueueRow",
    "RecordedEvent",
    "Store",
    "display_path",
    "open_store",
    "path_from_db",
    "path_to_db",
]


