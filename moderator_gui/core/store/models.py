"""Typed SQLAlchemy 2 models. The schema itself is created and upgraded by the
Alembic migrations in ``db/``; a test checks that the two agree."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from moderator_gui.core.domain import OPEN_STATUSES

# SQLite only makes an INTEGER PRIMARY KEY an alias of the rowid (auto-increment);
# PostgreSQL gets a real 64-bit identity.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Reviewer(Base):
    __tablename__ = "reviewers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(64))
    import_source: Mapped[str] = mapped_column(Text)  # resolved path of the folder/manifest it came from
    content_type: Mapped[str] = mapped_column(String(16))  # domain.ContentType
    media_path: Mapped[bytes | None] = mapped_column(LargeBinary)  # raw file-system bytes (names need not be UTF-8)
    media_type: Mapped[str | None] = mapped_column(String(64))  # MIME type sniffed from the first bytes
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    text_body: Mapped[str | None] = mapped_column(Text)
    uploader: Mapped[str | None] = mapped_column(String(200))
    flagged_at: Mapped[datetime] = mapped_column(UtcDateTime)
    flag_source: Mapped[str | None] = mapped_column(String(64))
    flag_reason: Mapped[str | None] = mapped_column(Text)
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    classifier_score: Mapped[float | None] = mapped_column(Float)
    suspected_category: Mapped[str | None] = mapped_column(String(40))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    # Projection of the item's decision events (see domain.derive_state), kept in
    # the same transaction as each event; Store.rebuild_projection recomputes it.
    status: Mapped[str] = mapped_column(String(16), default="pending")
    head_event: Mapped[str | None] = mapped_column(String(36))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Never read or written. PostgreSQL lets a login lock rows (claiming takes the next items
    # FOR UPDATE SKIP LOCKED) only with the right to update some column of them: reviewers get
    # that right on this column alone, never on anything that means something (migration 0005).
    claim_lock: Mapped[int | None] = mapped_column(SmallInteger)

    __table_args__ = (
        UniqueConstraint("platform", "external_id"),
        Index("ix_items_queue_age", "status", "flagged_at", "id"),
        Index("ix_items_source_sha", "import_source", "sha256"),
        Index("ix_items_sha256", "sha256"),
        Index("ix_items_uploader", "uploader"),
    )


class Decision(Base):
    """One append-only review event. Never updated or deleted (database triggers refuse it)."""

    __tablename__ = "decisions"

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    # Explicit BIGINT (as migration 0001 creates it): a bare ForeignKey would copy
    # items.id's SQLite variant (INTEGER) and the model would disagree with the schema.
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("items.id"))
    kind: Mapped[str] = mapped_column(String(16))  # domain.EventKind
    category: Mapped[str | None] = mapped_column(String(40))
    actions: Mapped[str] = mapped_column(Text, default="[]")  # JSON array of action codes
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewers.id"))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)
    time_spent_ms: Mapped[int | None] = mapped_column(Integer)
    policy_version: Mapped[str] = mapped_column(String(64))
    reverts: Mapped[str | None] = mapped_column(String(36))  # uuid of the event this one undoes
    supersedes: Mapped[str | None] = mapped_column(String(36))  # uuid of the head event it replaced

    __table_args__ = (
        Index("ix_decisions_item", "item_id", "seq"),
        Index("ix_decisions_reviewer", "reviewer_id", "decided_at"),
        Index("ix_decisions_decided_at", "decided_at"),
        Index("ix_decisions_reverts", "reverts"),
    )


class Media(Base):
    """What the media pipeline learnt about one content (keyed by SHA-256: identical media decode once)."""

    __tablename__ = "media"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))  # ok | failed
    error: Mapped[str | None] = mapped_column(Text)  # specific human-readable reason when failed
    real_type: Mapped[str | None] = mapped_column(String(32))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    orientation: Mapped[int | None] = mapped_column(Integer)  # EXIF orientation 1-8
    frames: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    codec: Mapped[str | None] = mapped_column(String(32))
    rotation: Mapped[int | None] = mapped_column(Integer)  # video rotation metadata, degrees
    has_audio: Mapped[bool | None] = mapped_column(Boolean)
    thumb_ready: Mapped[bool] = mapped_column(Boolean, default=False)
    preview_ready: Mapped[bool] = mapped_column(Boolean, default=False)
    pipeline_version: Mapped[int] = mapped_column(Integer)
    probed_at: Mapped[datetime] = mapped_column(UtcDateTime)


# In the queue's own directions (priority DESC, flagged_at, id): a page is then read
# straight off the index instead of sorting every open item (migration 0004).
Index("ix_items_queue_priority", Item.status, Item.priority.desc(), Item.flagged_at, Item.id)

# The reviewer's default queue is "open" = pending or skipped. Partial indexes over
# exactly that set give its pages in order too (an IN over two statuses on the index
# above would make SQLite merge and sort). Store._queue_where writes the same literal
# condition, which is what lets SQLite's planner prove the index applies.
_open = Item.status.in_(OPEN_STATUSES)
Index(
    "ix_items_open_priority",
    Item.priority.desc(),
    Item.flagged_at,
    Item.id,
    sqlite_where=_open,
    postgresql_where=_open,
)
Index("ix_items_open_age", Item.flagged_at, Item.id, sqlite_where=_open, postgresql_where=_open)
# The "all" filter (team leads) in both orders.
Index("ix_items_all_priority", Item.priority.desc(), Item.flagged_at, Item.id)
Index("ix_items_all_age", Item.flagged_at, Item.id)


# -- team work (migration 0005) -----------------------------------------------------------------


class Claim(Base):
    """Who is working on an item, until when. One row per item: never two holders.

    A lease: renewed by the holder's heartbeat, released by deciding, skipping or
    quitting; once ``expires_at`` has passed, anyone may claim the item again.
    """

    __tablename__ = "claims"

    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("items.id"), primary_key=True)
    reviewer: Mapped[str] = mapped_column(String(200))
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_claims_reviewer", "reviewer"),)


class SkipMark(Base):
    """A reviewer skipped this item: it is not handed to them again until a lead resets it."""

    __tablename__ = "skip_marks"

    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("items.id"), primary_key=True)
    reviewer: Mapped[str] = mapped_column(String(200), primary_key=True)
    skipped_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Setting(Base):
    """The team's settings, kept in the database (``team init``): e.g. the lease length."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Desk(Base):
    """An open desk and its heartbeat: who is online."""

    __tablename__ = "desks"

    desk_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reviewer: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime)


class Conflict(Base):
    """A decision that arrived too late: someone else had decided the item meanwhile (its
    desk was cut off past its lease). Kept, never dropped and never applied, until a lead
    adjudicates it."""

    __tablename__ = "conflicts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)  # the late decision's own id
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("items.id"))
    kind: Mapped[str] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(40))
    actions: Mapped[str] = mapped_column(Text, default="[]")
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)
    time_spent_ms: Mapped[int | None] = mapped_column(Integer)
    expected_head: Mapped[str | None] = mapped_column(String(36))  # what the reviewer saw
    found_head: Mapped[str | None] = mapped_column(String(36))  # what was there instead
    kept_at: Mapped[datetime] = mapped_column(UtcDateTime)
    resolution: Mapped[str | None] = mapped_column(String(16))  # accepted | dismissed
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_conflicts_open", "resolution", "kept_at"),)


class ChangeLog(Base):
    """What other processes on the same SQLite file changed, in commit order (filled by
    triggers; SQLite serialises writers, so ``seq`` follows commit order). PostgreSQL
    desks are told by NOTIFY instead and leave this table empty."""

    __tablename__ = "change_log"

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[str] = mapped_column(String(1))  # e: event, c: claim/skip mark, m: media
    item_id: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))


class Blob(Base):
    """A content stored in the team database (migration 0006); inserted after all its chunks."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    chunks: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str | None] = mapped_column(String(64))
    stored_at: Mapped[datetime] = mapped_column(UtcDateTime)
    stored_by: Mapped[str] = mapped_column(String(200))


class BlobChunk(Base):
    __tablename__ = "blob_chunks"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class MediaPurge(Base):
    """One retention purge: who, when, the cut-off, how many items and bytes."""

    __tablename__ = "media_purges"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    purged_by: Mapped[str] = mapped_column(String(200))
    purged_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_before: Mapped[datetime] = mapped_column(UtcDateTime)
    items: Mapped[int] = mapped_column(Integer)
    blobs: Mapped[int] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(BigInteger)


class MediaRetired(Base):
    """A content whose stored bytes a purge removed (its hash and decisions stay)."""

    __tablename__ = "media_retired"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    purge_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("media_purges.id"))
    retired_at: Mapped[datetime] = mapped_column(UtcDateTime)


# -- duplicates and hash lists (migration 0007) -------------------------------------------------


class MediaSignature(Base):
    """A signature of one content: PDQ hashes (one per variant: full, trimmed, central crops)
    computed by the media workers, and the file's MD5 taken at import for hash lists."""

    __tablename__ = "media_signatures"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    signal_type: Mapped[str] = mapped_column(String(16))  # pdq | md5
    variant: Mapped[str] = mapped_column(String(16))  # full | trim | crop90 ... ; "file" for md5
    signal: Mapped[str] = mapped_column(String(64))  # lowercase hex (threatexchange's PdqSignal)
    quality: Mapped[int | None] = mapped_column(SmallInteger)  # PDQ quality 0-100

    __table_args__ = (
        UniqueConstraint("sha256", "signal_type", "variant"),
        Index("ix_media_signatures_signal", "signal_type", "signal"),
    )


class MediaCluster(Base):
    """Near-duplicate clusters: one row per content linked to at least one other; ``cluster`` is
    the smallest SHA-256 of its members (merging two clusters rewrites the larger key)."""

    __tablename__ = "media_clusters"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    cluster: Mapped[str] = mapped_column(String(64), index=True)


class HashList(Base):
    """A hash list imported from another team (ThreatExchange / HMA style CSV)."""

    __tablename__ = "hash_lists"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    imported_by: Mapped[str] = mapped_column(String(200))
    signals: Mapped[int] = mapped_column(Integer)


class HashListSignal(Base):
    __tablename__ = "hash_list_signals"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    list_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("hash_lists.id", ondelete="CASCADE"), index=True)
    signal_type: Mapped[str] = mapped_column(String(16))  # pdq | sha256 | md5
    signal: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_hash_list_signals_signal", "signal_type", "signal"),)


class MediaMatch(Base):
    """A content that matches a hash list: the closest signal of that list."""

    __tablename__ = "media_matches"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    list_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("hash_lists.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    category: Mapped[str] = mapped_column(String(40))
    distance: Mapped[int] = mapped_column(SmallInteger)
    # The list signal matched (hash_list_signals.id): a team server checks the match against it
    # (team_dupes_sql.py). Null in rows made before revision 0009 and in a lead's list import.
    signal_id: Mapped[int | None] = mapped_column(BigInteger)
