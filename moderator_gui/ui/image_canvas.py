"""The viewer's picture: one pixmap, fit to the window or zoomed and panned, or a message instead."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent, QPixmap, QWheelEvent
from PySide6.QtWidgets import QWidget

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.05, 16.0


class ImageCanvas(QWidget):
    """Paints one pixmap: fit to the window by default, or zoomed and panned."""

    zoom_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap: QPixmap | None = None
        self._message = ""
        self._zoom: float | None = None  # None: fit to window
        self._offset = QPointF(0, 0)
        self._drag: QPointF | None = None
        self.setMinimumSize(200, 150)
        self.setAutoFillBackground(True)

    @property
    def pixmap(self) -> QPixmap | None:
        return self._pixmap

    @property
    def message(self) -> str:
        return self._message

    def set_pixmap(self, pm: QPixmap | None, *, keep_view: bool = False) -> None:
        self._pixmap = pm
        self._message = ""
        if not keep_view:
            self.fit()
        self.update()

    def set_message(self, text: str) -> None:
        self._pixmap = None
        self._message = text
        self.update()

    def _fit_scale(self) -> float:
        if self._pixmap is None or self._pixmap.isNull():
            return 1.0
        w, h = self._pixmap.width(), self._pixmap.height()
        return min(self.width() / max(1, w), self.height() / max(1, h))

    def scale(self) -> float:
        return self._fit_scale() if self._zoom is None else self._zoom

    def zoom_text(self) -> str:
        return self.tr("Fit") if self._zoom is None else f"{self._zoom * 100:.0f} %"

    def fit(self) -> None:
        self._zoom = None
        self._offset = QPointF(0, 0)
        self.zoom_changed.emit(self.zoom_text())
        self.update()

    def zoom_by(self, factor: float) -> None:
        if self._pixmap is None:
            return
        self._zoom = max(MIN_ZOOM, min(MAX_ZOOM, self.scale() * factor))
        self.zoom_changed.emit(self.zoom_text())
        self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP**steps)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._zoom is not None:
            self._drag = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None:
            self._offset += event.position() - self._drag
            self._drag = event.position()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag = None
        self.unsetCursor()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.fit()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self.palette().color(self.backgroundRole()).darker(115))
        if self._pixmap is not None and not self._pixmap.isNull():
            s = self.scale()
            w, h = self._pixmap.width() * s, self._pixmap.height() * s
            x = (self.width() - w) / 2 + self._offset.x()
            y = (self.height() - h) / 2 + self._offset.y()
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawPixmap(QRectF(x, y, w, h), self._pixmap, QRectF(self._pixmap.rect()))
        elif self._message:
            p.setPen(self.palette().color(self.foregroundRole()))
            f = p.font()
            f.setPointSizeF(f.pointSizeF() * 1.15)
            p.setFont(f)
            p.drawText(
                self.rect().adjusted(24, 24, -24, -24), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message
            )
        p.end()
