"""What the queue's cells say: its columns, statuses, ages and SLA colours, in the current language."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from moderator_gui.core.messages import Message
from moderator_gui.core.store import QueueRow
from moderator_gui.ui.message_text import media_error_text, message_text
from moderator_gui.ui.names import platform_name
from moderator_gui.ui.queue_thumbs import content_type_text

# Service-level targets: an item flagged longer ago than this is late.
SLA_AMBER_HOURS = 4
SLA_RED_HOURS = 24
SLA_AMBER = QColor(245, 158, 11, 90)
SLA_RED = QColor(220, 38, 38, 100)


class Column(IntEnum):
    THUMB = 0
    TYPE = 1
    PLATFORM = 2
    REASON = 3
    REPORTS = 4
    AGE = 5
    PRIORITY = 6
    STATUS = 7


def column_title(col: Column) -> str:
    return {
        Column.THUMB: "",
        Column.TYPE: QCoreApplication.translate("QueueModel", "Type"),
        Column.PLATFORM: QCoreApplication.translate("QueueModel", "Platform"),
        Column.REASON: QCoreApplication.translate("QueueModel", "Flag reason"),
        Column.REPORTS: QCoreApplication.translate("QueueModel", "Reports"),
        Column.AGE: QCoreApplication.translate("QueueModel", "Age"),
        Column.PRIORITY: QCoreApplication.translate("QueueModel", "Priority"),
        Column.STATUS: QCoreApplication.translate("QueueModel", "Status"),
    }[col]


def status_text(status: str, local: str | None = None, holder: str | None = None) -> str:
    if holder is not None and local is None:
        return QCoreApplication.translate("QueueModel", "held by %1").replace("%1", holder)
    if local == "saving":
        return QCoreApplication.translate("QueueModel", "saving…")
    if local == "failed":
        return QCoreApplication.translate("QueueModel", "not saved")
    names = {
        "pending": QCoreApplication.translate("QueueModel", "pending"),
        "skipped": QCoreApplication.translate("QueueModel", "skipped"),
        "escalated": QCoreApplication.translate("QueueModel", "escalated"),
        "decided": QCoreApplication.translate("QueueModel", "decided"),
    }
    return names.get(status, status)


def age_text(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return QCoreApplication.translate("QueueModel", "%1 min").replace("%1", str(max(0, minutes)))
    hours = minutes // 60
    if hours < 48:
        return QCoreApplication.translate("QueueModel", "%1 h").replace("%1", str(hours))
    return QCoreApplication.translate("QueueModel", "%1 d").replace("%1", str(hours // 24))


def sla_colour(seconds: float) -> QColor | None:
    hours = seconds / 3600
    if hours > SLA_RED_HOURS:
        return SLA_RED
    if hours >= SLA_AMBER_HOURS:
        return SLA_AMBER
    return None


def cell_text(row: QueueRow, col: Column) -> str | None:
    """What a cell shows (age and status depend on the clock and the desk: the model's)."""
    if col == Column.TYPE:
        return content_type_text(row.content_type)
    if col == Column.PLATFORM:
        return platform_name(row.platform)
    if col == Column.REASON:
        return (row.flag_reason or "").replace("\n", " ")
    if col == Column.REPORTS:
        return str(row.report_count)
    if col == Column.PRIORITY:
        return str(row.priority)
    return None


def cell_tooltip(row: QueueRow, col: Column, holder: str | None) -> str | None:
    if col == Column.THUMB and row.media_retired_at is not None:
        return message_text(Message.of("media.retired", date=row.media_retired_at.date().isoformat()))
    if col == Column.THUMB and row.media_state == "failed":
        if row.media_error:
            return media_error_text(row.media_error)
        return QCoreApplication.translate("QueueModel", "the media could not be rendered")
    if col == Column.REASON:
        return row.flag_reason
    if col == Column.AGE:
        return row.flagged_at.astimezone().strftime("%Y-%m-%d %H:%M")
    if col == Column.STATUS and holder is not None and row.claim_expires is not None:
        return (
            QCoreApplication.translate("QueueModel", "%1 is working on this item until %2")
            .replace("%1", holder)
            .replace("%2", row.claim_expires.astimezone().strftime("%H:%M"))
        )
    return f"{platform_name(row.platform)} · {row.external_id}"
