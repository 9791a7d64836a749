"""The decision store (SQLAlchemy 2; SQLite by default, PostgreSQL for teams)."""

from moderator_gui.core.store.errors import (
    ConflictError,
    DatabaseLockedError,
    DiskFullError,
    InvalidDecisionError,
    NotFoundError,
    ReadOnlyDatabaseError,
    SchemaError,
    StorageUnavailableError,
    StoreError,
)
from moderator_gui.core.store.store import (
    HistoryRow,
    QueueFilter,
    QueueRow,
    RecordedEvent,
    Store,
    display_path,
    open_store,
    path_from_db,
    path_to_db,
)

__all__ = [
    "ConflictError",
    "DatabaseLockedError",
    "DiskFullError",
    "HistoryRow",
    "InvalidDecisionError",
    "NotFoundError",
    "QueueFilter",
    "QueueRow",
    "ReadOnlyDatabaseError",
    "RecordedEvent",
    "SchemaError",
    "StorageUnavailableError",
    "Store",
    "StoreError",
    "display_path",
    "open_store",
    "path_from_db",
    "path_to_db",
]
