"""The decision store (SQLAlchemy 2; SQLite by default, PostgreSQL for teams).

The only package of the program that imports SQLAlchemy (an import-linter contract
enforces it): everything else reads and writes through :class:`Store`.
"""

from moderator_gui.core.store.claims import CLAIM_AHEAD, DEFAULT_LEASE_S, Claim
from moderator_gui.core.store.dupes import Cluster, ClusterMember, ItemCluster
from moderator_gui.core.store.errors import (
    AuthenticationError,
    ClaimedError,
    ConflictError,
    DatabaseLockedError,
    DiskFullError,
    InvalidDecisionError,
    NotFoundError,
    PermissionDeniedError,
    ReadOnlyDatabaseError,
    SchemaError,
    StorageUnavailableError,
    StoreError,
)
from moderator_gui.core.store.hashlists import HashListReport, Match
from moderator_gui.core.store.media import MediaToPrefetch
from moderator_gui.core.store.rows import HistoryRow, QueueFilter, QueueRow, RecordedEvent
from moderator_gui.core.store.statistics import StatsRows
from moderator_gui.core.store.store import PurgeResult, Store, open_store
from moderator_gui.core.store.tables import ITEM_TEXT_LIMITS, display_path, path_from_db, path_to_db

__all__ = [
    "CLAIM_AHEAD",
    "DEFAULT_LEASE_S",
    "ITEM_TEXT_LIMITS",
    "AuthenticationError",
    "Claim",
    "ClaimedError",
    "Cluster",
    "ClusterMember",
    "ConflictError",
    "DatabaseLockedError",
    "DiskFullError",
    "HashListReport",
    "HistoryRow",
    "InvalidDecisionError",
    "ItemCluster",
    "Match",
    "MediaToPrefetch",
    "NotFoundError",
    "PermissionDeniedError",
    "PurgeResult",
    "QueueFilter",
    "QueueRow",
    "ReadOnlyDatabaseError",
    "RecordedEvent",
    "SchemaError",
    "StatsRows",
    "StorageUnavailableError",
    "Store",
    "StoreError",
    "display_path",
    "open_store",
    "path_from_db",
    "path_to_db",
]
