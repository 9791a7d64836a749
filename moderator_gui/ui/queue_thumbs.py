"""The queue's thumbnails: asked for only for the rows on screen and the next few, rendered
with the wellbeing blur/grayscale in worker threads, kept in a bounded cache of pixmaps."""

from __future__ import annotations

import functools
from collections import OrderedDict

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPixmap

from moderator_gui.core.store import QueueRow
from moderator_gui.ui.media_bridge import MediaBridge, Rendered, Variant
from moderator_gui.ui.queue_rows import LoadedRows
from moderator_gui.ui.wellbeing import Wellbeing

THUMB_PX = 48  # thumbnail cell size (logical pixels)
THUMB_CACHE = 600  # pixmaps kept; far below one page of screens
LOOKAHEAD = 8  # rows after the last visible one whose thumbnails are fetched too
# A thumbnail is seen at ~48 px: the same relative blur as the viewer's would leave
# shapes recognisable, so thumbnails are blurred this much more, relative to their size.
THUMB_BLUR_FACTOR = 2.5


def content_type_text(code: str) -> str:
    names = {
        "image": QCoreApplication.translate("QueueModel", "Image"),
        "animation": QCoreApplication.translate("QueueModel", "Sticker"),
        "video": QCoreApplication.translate("QueueModel", "Video"),
        "live_clip": QCoreApplication.translate("QueueModel", "Live clip"),
        "text": QCoreApplication.translate("QueueModel", "Text"),
    }
    return names.get(code, code)


def _placeholder(text: str, failed: bool = False) -> QPixmap:
    """A neutral tile shown until (or instead of) a pipeline thumbnail."""
    pm = QPixmap(THUMB_PX, THUMB_PX)
    pm.fill(QColor(120, 120, 120, 60) if not failed else QColor(220, 38, 38, 70))
    p = QPainter(pm)
    p.setPen(QColor(90, 90, 90))
    f = QFont()
    f.setPointSize(8)
    p.setFont(f)
    p.drawText(pm.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
    p.end()
    return pm


def _device_pixel_ratio() -> float:
    app = QGuiApplication.instance()
    return app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0


class QueueThumbnails(QObject):
    changed = Signal(str)  # sha256 whose thumbnail (or failure) arrived
    invalidated = Signal()  # wellbeing changed: every thumbnail must be asked for again

    def __init__(self, rows: LoadedRows, wellbeing: Wellbeing, bridge: MediaBridge | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = rows
        self._wellbeing = wellbeing
        self._bridge = bridge
        self._thumbs: OrderedDict[str, QPixmap] = OrderedDict()
        self._pending: set[str] = set()
        self._failed: dict[str, str] = {}
        self._placeholders: dict[str, QPixmap] = {}
        wellbeing.changed.connect(self._on_wellbeing_changed)

    def cached(self, sha: str) -> bool:
        return sha in self._thumbs

    def failed(self, sha: str) -> bool:
        return sha in self._failed

    def pending(self, sha: str) -> bool:
        """Asked for, not yet arrived."""
        return sha in self._pending

    def forget_failures(self, shas: list[str] | None = None) -> None:
        """Ask again for failed thumbnails (all, or of these media): a failure may have been transient."""
        if shas is None:
            self._failed.clear()
        for sha in shas or ():
            self._failed.pop(sha, None)

    def retranslate(self) -> None:
        self._placeholders.clear()

    def variant(self) -> Variant:
        s = self._wellbeing.state
        # Device pixels on high-DPI screens, so a 48 px cell is sharp at 200 %.
        side = round(THUMB_PX * _device_pixel_ratio())
        return Variant(blur=round(s.blur_strength * THUMB_BLUR_FACTOR) if s.blur else 0, grayscale=s.grayscale, size=side)

    def pixmap(self, row: QueueRow) -> QPixmap:
        if row.sha256 and row.sha256 in self._thumbs:
            self._thumbs.move_to_end(row.sha256)
            return self._thumbs[row.sha256]
        failed = row.media_state == "failed" or (row.sha256 or "") in self._failed
        key = f"{row.content_type}:{failed}"
        pm = self._placeholders.get(key)
        if pm is None:
            text = QCoreApplication.translate("QueueModel", "failed") if failed else content_type_text(row.content_type)
            pm = self._placeholders[key] = _placeholder(text, failed)
        return pm

    def want(self, first: int, last: int) -> None:
        """Rows ``first..last`` are on screen: fetch their thumbnails, then the next few."""
        if self._bridge is None or not self._bridge.available or not self._rows:
            return
        stop = min(len(self._rows) - 1, last + LOOKAHEAD)
        variant = self.variant()
        priorities: dict[str, float] = {}
        for r in range(max(0, first), stop + 1):
            row = self._rows[r]
            sha = row.sha256
            if not sha or not row.media_path or row.media_state == "failed" or sha in self._failed:
                continue
            prio = 0.0 if r <= last else float(r - last)
            priorities[sha] = prio
            if sha in self._thumbs or sha in self._pending:
                continue
            self._pending.add(sha)
            self._bridge.request(
                sha, row.media_path, "thumb", (variant,), functools.partial(self._arrived, variant=variant), priority=prio
            )
        self._bridge.reprioritize(priorities)

    def _arrived(self, res: Rendered, variant: Variant) -> None:
        self._pending.discard(res.sha256)
        if variant != self.variant():
            return  # rendered for wellbeing settings that changed meanwhile
        if not res.ok or not res.images:
            self._failed[res.sha256] = res.error or ""
        else:
            # Already scaled to the cell in the render thread: only the QPixmap is made here.
            pm = QPixmap.fromImage(res.images[0])
            pm.setDevicePixelRatio(_device_pixel_ratio())
            self._thumbs[res.sha256] = pm
            while len(self._thumbs) > THUMB_CACHE:
                self._thumbs.popitem(last=False)
        self.changed.emit(res.sha256)

    def _on_wellbeing_changed(self) -> None:
        # Blur/grayscale changed: drop thumbnails rendered the old way; the view asks again.
        self._thumbs.clear()
        self._pending.clear()
        self.invalidated.emit()
