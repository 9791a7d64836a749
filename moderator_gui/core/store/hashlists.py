"""Hash lists shared between teams: import (replacing a list of the same name), matches, export.

A list is CSV ``signal_type,signal,category,note`` (``core/dupes/hashlist.py`` reads it, one
row at a time: a list of ten million rows streams in constant memory). Importing one marks
every content that matches it — by SHA-256, by MD5 (taken at import), or by PDQ within
the threshold — in ``media_matches``; a content imported or hashed later is matched as
it arrives (:meth:`_match_new_media`). Re-importing a list under its name replaces it in
one transaction: signals no longer in it unmark their media. Only leads import lists;
the server refuses anyone else (team_sql.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TextIO

from sqlalchemy import Connection, delete, func, insert, select, update

from moderator_gui.core.changes import Changes
from moderator_gui.core.domain import ItemStatus, utcnow
from moderator_gui.core.messages import QT_TRANSLATE_NOOP, catalogue
from moderator_gui.core.store import dupes_snapshot as snapshot
from moderator_gui.core.store.dupes import MIN_QUALITY, PDQ_THRESHOLD, DupesMixin
from moderator_gui.core.store.dupes_index import ListIndex, ShaIndex
from moderator_gui.core.store.errors import StoreError

if TYPE_CHECKING:
    from pathlib import Path

    from moderator_gui.core.store.team import Identity
from moderator_gui.core.store.tables import (
    decisions_t,
    hash_list_signals_t,
    hash_lists_t,
    items_t,
    media_matches_t,
    media_signatures_t,
)

catalogue(
    {
        "hashlist.bad_name": QT_TRANSLATE_NOOP(
            "Messages", "a hash list needs a name of 1 to 200 characters, not {name!r}"
        ),
        "hashlist.bad_file": QT_TRANSLATE_NOOP("Messages", "the hash list cannot be read: {detail}"),
    }
)

log = logging.getLogger(__name__)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _microseconds(at: datetime | None) -> int:
    """``at`` as whole microseconds since 1970 (0 for none)."""
    if at is None:
        return 0
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return (aware - _EPOCH) // timedelta(microseconds=1)

_BATCH = 5000
_LOAD_BATCH = 50_000  # rows of a list read at once into its index
_KEEP_REJECTS = 100


@dataclass
class HashListReport:
    name: str
    replaced: bool = False
    signals: int = 0
    rejected: int = 0
    rejects: list[tuple[int, str]] = field(default_factory=list)  # (line, reason), the first 100
    matched_media: int = 0  # contents that match the list now
    unmarked_media: int = 0  # contents the list's previous version matched and this one does not


@dataclass(frozen=True)
class Match:
    """A content's closest match over all lists."""

    source: str  # the list's name
    category: str
    distance: int


# Best match first: closest, then the list imported first.
_Best = dict[str, tuple[int, int, str, int]]  # sha256 -> (distance, list_id, category, signal id or 0)


def _better(best: _Best, sha: str, cand: tuple[int, int, str, int]) -> None:
    if sha not in best or cand < best[sha]:
        best[sha] = cand


class HashListsMixin(DupesMixin):
    # -- import ----------------------------------------------------------------------------------------
    def import_hash_list(self, name: str, f: TextIO) -> HashListReport:
        """Import (or replace) the list ``name`` from the CSV text ``f``, in one transaction."""
        from moderator_gui.core.dupes.hashlist import HashListError, ListRowError, read_hash_list

        if not name.strip() or len(name) > 200:
            raise StoreError("hashlist.bad_name", name=name)
        self.require_lead("import hash lists")
        report = HashListReport(name)
        categories = [c.code for c in self.policy.categories]
        try:
            with self.write() as conn:
                self._lock_dupes(conn)
                old = conn.execute(select(hash_lists_t.c.id).where(hash_lists_t.c.name == name)).scalar()
                before: set[str] = set()
                if old is not None:
                    report.replaced = True
                    before = set(conn.execute(select(media_matches_t.c.sha256).where(media_matches_t.c.list_id == old)).scalars())
                    for t in (media_matches_t, hash_list_signals_t):
                        conn.execute(delete(t).where(t.c.list_id == old))
                    conn.execute(delete(hash_lists_t).where(hash_lists_t.c.id == old))
                list_id = conn.execute(
                    insert(hash_lists_t)
                    .values(name=name, imported_at=utcnow(), imported_by=self._who(), signals=0)
                    .returning(hash_lists_t.c.id)
                ).scalar_one()
                best: _Best = {}
                media = self._media_index(conn)
                batch: list[dict[str, Any]] = []
                for row in read_hash_list(f, categories):
                    if isinstance(row, ListRowError):
                        report.rejected += 1
                        if len(report.rejects) < _KEEP_REJECTS:
                            report.rejects.append((row.line, row.reason))
                        continue
                    batch.append(
                        {
                            "list_id": list_id,
                            "signal_type": row.signal_type,
                            "signal": row.signal,
                            "category": row.category,
                            "note": row.note,
                        }
                    )
                    if len(batch) >= _BATCH:
                        self._store_batch(conn, batch, media, best)
                        report.signals += len(batch)
                        batch = []
                if batch:
                    self._store_batch(conn, batch, media, best)
                    report.signals += len(batch)
                conn.execute(update(hash_lists_t).where(hash_lists_t.c.id == list_id).values(signals=report.signals))
                if best:
                    conn.execute(
                        insert(media_matches_t),
                        [
                            {"sha256": sha, "list_id": lid, "category": cat, "distance": d, "signal_id": sid or None}
                            for sha, (d, lid, cat, sid) in best.items()
                        ],
                    )
                report.matched_media = len(best)
                report.unmarked_media = len(before - set(best))
                changed = before | set(best)
                if changed:
                    self.note(conn, Changes(media=frozenset(changed), items=frozenset(self._items_of(conn, changed))))
        except HashListError as exc:
            raise StoreError("hashlist.bad_file", detail=str(exc)) from exc
        finally:
            with self.dupes.lock:
                self.dupes.lists = None  # lists changed (or the transaction rolled back): rebuilt on next use
        return report

    if TYPE_CHECKING:

        def require_lead(self, what: str) -> None: ...  # TeamMixin's

        def identity(self) -> Identity: ...

    def _who(self) -> str:
        if self.dialect == "postgresql":
            return self.identity().login or "unknown"
        import getpass

        try:
            return getpass.getuser()
        except (KeyError, OSError):  # no user name in the environment or the password database
            return "local"

    def _store_batch(self, conn: Connection, batch: list[dict[str, Any]], media: ShaIndex, best: _Best) -> None:
        conn.execute(insert(hash_list_signals_t), batch)
        by_type: dict[str, list[dict[str, Any]]] = {}
        for r in batch:
            by_type.setdefault(r["signal_type"], []).append(r)
        if rows := by_type.get("sha256"):
            cat = {r["signal"]: (r["list_id"], r["category"]) for r in rows}
            q = select(items_t.c.sha256).where(items_t.c.sha256.in_(list(cat))).distinct()
            for sha in conn.execute(q).scalars():
                _better(best, sha, (0, *cat[sha], 0))
        if rows := by_type.get("md5"):
            cat = {r["signal"]: (r["list_id"], r["category"]) for r in rows}
            t = media_signatures_t
            q = select(t.c.sha256, t.c.signal).where(t.c.signal_type == "md5", t.c.signal.in_(list(cat)))
            for sha, md5 in conn.execute(q):
                _better(best, sha, (0, *cat[md5], 0))
        if rows := by_type.get("pdq"):
            for r, hits in zip(rows, media.search([r["signal"] for r in rows], PDQ_THRESHOLD), strict=True):
                for sha, d in hits:
                    _better(best, sha, (d, r["list_id"], r["category"], 0))

    @staticmethod
    def _items_of(conn: Connection, shas: set[str]) -> set[int]:
        ids: set[int] = set()
        ordered = sorted(shas)
        for start in range(0, len(ordered), 500):
            ids.update(conn.execute(select(items_t.c.id).where(items_t.c.sha256.in_(ordered[start : start + 500]))).scalars())
        return ids

    # -- new media ---------------------------------------------------------------------------------
    def _list_index(self, conn: Connection) -> ListIndex:
        """The lists' PDQ signals (payload: (list_id, category, signal id)); rebuilt when the set of lists changed."""
        stamp = self._list_stamp(conn)
        with self.dupes.lock:
            idx = self.dupes.lists
            if idx is None or idx.stamp != stamp:
                idx = ListIndex(stamp=stamp)
                file = snapshot.snapshot_file(self.url, "lists")
                snap = snapshot.read(file, snapshot.LISTS)
                if snap is not None and self._list_snapshot_holds(conn, snap, stamp):
                    c = snap.columns
                    try:
                        idx.add_arrays(snap.ids, snap.codes, c["lists"], c["cats"], snap.labels, snap.tables)
                    except ValueError:
                        idx = ListIndex(stamp=stamp)
                if idx.index is None:
                    self._load_list_index(conn, idx)
                    self._list_snapshot_write(conn, idx, file)
                self.dupes.lists = idx
            return idx

    @staticmethod
    def _load_list_index(conn: Connection, idx: ListIndex) -> None:
        t = hash_list_signals_t
        # Page by page along the primary key (a list of millions is never all in rows at
        # once), each page as the DB-API cursor's plain tuples. ``signal_type || ''``: SQLite
        # would otherwise read them through the (signal_type, signal) index and sort each
        # page by id (5 s of 7 at 1,000,000 signals).
        q = select(t.c.id, t.c.signal, t.c.list_id, t.c.category).where(t.c.signal_type.concat("") == "pdq")
        after = 0
        while part := conn.execute(q.where(t.c.id > after).order_by(t.c.id).limit(_LOAD_BATCH)).cursor.fetchall():
            idx.add_signals(part)
            after = part[-1][0]

    @staticmethod
    def _list_stamp(conn: Connection) -> tuple[int, ...]:
        """What the lists' index is made of: each list's id, size and time of import (in µs).
        The time tells a list re-imported from one that was not: SQLite hands the ids of the
        rows deleted last out again, so the new version of the newest list has its old id."""
        hl = hash_lists_t
        rows = conn.execute(select(hl.c.id, hl.c.signals, hl.c.imported_at).order_by(hl.c.id)).all()
        return tuple(v for lid, n, at in rows for v in (lid, n or 0, _microseconds(at)))

    def _list_snapshot_holds(self, conn: Connection, snap: snapshot.Snapshot, stamp: tuple[int, ...]) -> bool:
        """Whether the hash lists' snapshot is true of this database (see ``dupes_snapshot.py``):
        the same lists (ids, sizes, times of import), the same number of signal rows up to its
        last id, and a sample of its signals identical."""
        t = hash_list_signals_t
        if snap.stamp is None or tuple(snap.stamp.tolist()) != stamp:
            return False
        if conn.execute(select(func.count()).select_from(t).where(t.c.id <= snap.last_id)).scalar() != snap.rows:
            return False
        lists, cats = snap.columns["lists"], snap.columns["cats"]
        if len(cats) and int(cats.max()) >= len(snap.labels):
            return False
        at = snap.sample()
        want = {
            int(snap.ids[k]): (snap.codes[k].tobytes().hex(), int(lists[k]), snap.labels[int(cats[k])]) for k in at
        }
        q = select(t.c.id, t.c.signal, t.c.list_id, t.c.category, t.c.signal_type).where(t.c.id.in_(list(want)))
        got = {r[0]: (r[1], r[2], r[3]) for r in conn.execute(q) if r[4] == "pdq"}
        if got != want:
            log.info("the hash-list index snapshot does not match the database; the index is loaded from the database")
            return False
        return True

    def _list_snapshot_write(self, conn: Connection, idx: ListIndex, file: Path | None) -> None:
        """Keep the index just loaded (from committed rows: the loads run before a list import
        inserts any, in the import's transaction) on disk for the next cold store."""
        if len(idx) < snapshot.MIN_HASHES or idx.index is None:
            return
        t = hash_list_signals_t
        rows = conn.execute(select(func.count()).select_from(t).where(t.c.id <= idx.last_id)).scalar() or 0
        ids, codes, lists, cats = idx.arrays()
        columns = {"lists": lists, "cats": cats}
        snap = snapshot.Snapshot(ids, codes, columns, idx.last_id, rows, idx.index.tables(), idx.categories, idx.stamp)
        snapshot.write(file, snap)

    def _match_new_media(self, conn: Connection, shas: list[str], good: Mapping[str, list[str]]) -> set[str]:
        """Mark the contents whose signatures were just stored if they match a list."""
        if conn.execute(select(hash_lists_t.c.id).limit(1)).first() is None:
            return set()
        best: _Best = {}
        s, m = hash_list_signals_t, media_signatures_t
        q = (
            select(m.c.sha256, s.c.list_id, s.c.category, s.c.id)
            .join(s, (s.c.signal_type == m.c.signal_type) & (s.c.signal == m.c.signal))
            .where(m.c.signal_type == "md5", m.c.sha256.in_(shas))
        )
        q2 = select(s.c.signal, s.c.list_id, s.c.category, s.c.id).where(s.c.signal_type == "sha256", s.c.signal.in_(shas))
        for sha, lid, cat, sid in [*conn.execute(q), *conn.execute(q2)]:
            _better(best, sha, (0, lid, cat, sid))
        if good:
            lists = self._list_index(conn)
            owners = [sha for sha, hexes in good.items() for _h in hexes]
            found = lists.search([h for hexes in good.values() for h in hexes], PDQ_THRESHOLD)
            for sha, hits in zip(owners, found, strict=True):
                for (lid, cat, sid), d in hits:
                    _better(best, sha, (d, lid, cat, sid))
        if not best:
            return set()
        mm = media_matches_t
        q3 = select(mm.c.sha256, mm.c.list_id, mm.c.distance).where(mm.c.sha256.in_(list(best)))
        known = {(sha, lid): d for sha, lid, d in conn.execute(q3)}
        for sha, (d, lid, cat, sid) in best.items():
            row = {"category": cat, "distance": d, "signal_id": sid or None}  # (a team server checks it: MD012)
            if (sha, lid) not in known:
                conn.execute(insert(mm).values(sha256=sha, list_id=lid, **row))
            elif d < known[(sha, lid)]:
                conn.execute(update(mm).where(mm.c.sha256 == sha, mm.c.list_id == lid).values(**row))
        return set(best)

    def _match_imported(self, conn: Connection, shas: list[str]) -> set[str]:
        """Items just imported whose SHA-256 is on a list (their MD5 and PDQ come later)."""
        return self._match_new_media(conn, shas, {})

    # -- reading ---------------------------------------------------------------------------------------
    def hash_lists(self) -> list[dict[str, Any]]:
        t = hash_lists_t
        with self.read() as conn:
            return [dict(r._mapping) for r in conn.execute(select(t).order_by(t.c.name))]

    def matches(self, shas: list[str]) -> dict[str, Match]:
        """The closest list match of each content that has one."""
        mm, hl = media_matches_t, hash_lists_t
        best: dict[str, tuple[int, int, str, str]] = {}
        with self.read() as conn:
            for start in range(0, len(shas), 500):
                q = (
                    select(mm.c.sha256, mm.c.distance, mm.c.list_id, mm.c.category, hl.c.name)
                    .join(hl, hl.c.id == mm.c.list_id)
                    .where(mm.c.sha256.in_(shas[start : start + 500]))
                )
                for sha, d, lid, cat, name in conn.execute(q):
                    if sha not in best or (d, lid) < best[sha][:2]:
                        best[sha] = (d, lid, cat, name)
        return {sha: Match(name, cat, d) for sha, (d, _lid, cat, name) in best.items()}

    # -- export ----------------------------------------------------------------------------------------
    def hash_list_rows(self, category: str | None = None) -> Iterator[tuple[str, str, str, str]]:
        """(signal_type, signal, category, note) of every content decided in a violating category:
        its SHA-256, its MD5 and its PDQ hash (the whole picture, if of good quality)."""
        self.require_lead("export hash lists")  # (here, not on the first row: before any file is made)
        violating = [c.code for c in self.policy.categories if c.is_violation]
        if category is not None:
            self.policy.category(category)  # PolicyError for an unknown code
            violating = [c for c in violating if c == category]
        return self._violating_signals(violating)

    def _violating_signals(self, violating: list[str]) -> Iterator[tuple[str, str, str, str]]:
        d, t = decisions_t, media_signatures_t
        q = (
            select(items_t.c.sha256, d.c.category, items_t.c.platform, items_t.c.external_id)
            .join(d, d.c.uuid == items_t.c.head_event)
            .where(items_t.c.status == ItemStatus.DECIDED.value, d.c.category.in_(violating), items_t.c.sha256.is_not(None))
            .order_by(items_t.c.id)
        )
        with self.read() as conn:
            seen: set[str] = set()
            first: list[tuple[str, str, str]] = []
            for sha, cat, platform, ext in conn.execute(q):
                if sha not in seen:
                    seen.add(sha)
                    first.append((sha, cat, f"{platform}:{ext}"))
            for start in range(0, len(first), 500):
                part = first[start : start + 500]
                sigs: dict[str, list[tuple[str, str]]] = {}
                sq = (
                    select(t.c.sha256, t.c.signal_type, t.c.signal)
                    .where(
                        t.c.sha256.in_([p[0] for p in part]),
                        ((t.c.signal_type == "md5") | ((t.c.variant == "full") & (func.coalesce(t.c.quality, 0) >= MIN_QUALITY))),
                    )
                    .order_by(t.c.id)
                )
                for sha, kind, signal in conn.execute(sq):
                    sigs.setdefault(sha, []).append((kind, signal))
                for sha, cat, note in part:
                    yield ("sha256", sha, cat, note)
                    for kind, signal in sorted(sigs.get(sha, []), key=lambda ks: ks[0] != "md5"):
                        yield (kind, signal, cat, note)
