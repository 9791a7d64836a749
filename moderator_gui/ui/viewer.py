"""The viewer: the current item's media, blurred until revealed.

Everything shown here was produced by the media pipeline in its worker processes
(preview, thumbnail, filmstrip/animation frames) and rendered into QImages by
:class:`~moderator_gui.ui.media_bridge.MediaBridge` in worker threads, with a
sharp and a blurred variant, so that holding R or pressing B switches instantly.
The only media the GUI process decodes itself is video playback with
QtMultimedia — only for an item the pipeline probed OK, only when the reviewer
presses Play, muted by default, and blurred like the rest.

Text posts are shown as plain text, never as HTML.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QMouseEvent, QPainter, QPaintEvent, QPixmap, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsBlurEffect,
    QGraphicsColorizeEffect,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from moderator_gui.core.store import QueueRow
from moderator_gui.ui.media_bridge import MediaBridge, Rendered, Variant
from moderator_gui.ui.wellbeing import Wellbeing

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.05, 16.0
MIN_FRAME_MS = 20  # browsers clamp faster animation frames the same way
FILMSTRIP_ICON = QSize(96, 54)
MEDIA_TYPES = ("image", "animation", "video", "live_clip")
MOVING_TYPES = ("video", "live_clip")


class _Shown:
    """A sharp and a blurred rendering of one picture, as the render threads made them
    (QImages); each becomes a QPixmap (GUI thread) the first time it is shown, so moving
    on converts only the blurred one, and revealing converts the sharp one once."""

    __slots__ = ("_images", "_pixmaps")

    def __init__(self, sharp: QImage, blurred: QImage) -> None:
        self._images = (sharp, blurred)
        self._pixmaps: list[QPixmap | None] = [None, None]

    def pick(self, blurred: bool) -> QPixmap:
        i = int(blurred)
        pm = self._pixmaps[i]
        if pm is None:
            pm = self._pixmaps[i] = QPixmap.fromImage(self._images[i])
        return pm


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

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP**steps)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self._zoom is not None:
            self._drag = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drag is not None:
            self._offset += event.position() - self._drag
            self._drag = event.position()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._drag = None
        self.unsetCursor()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.fit()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
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
            p.drawText(self.rect().adjusted(24, 24, -24, -24), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message)
        p.end()


class Filmstrip(QListWidget):
    """Frames of a video under the viewer; a click (or , and .) picks one."""

    frame_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(FILMSTRIP_ICON)
        self.setFixedHeight(FILMSTRIP_ICON.height() + 34)
        self.setMovement(QListWidget.Movement.Static)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.itemClicked.connect(lambda item: self.frame_chosen.emit(self.row(item)))

    def set_frames(self, frames: list[tuple[int | None, QPixmap]]) -> None:
        self.clear()
        for ts, pm in frames:
            item = QListWidgetItem(QIcon(pm), "" if ts is None else f"{ts / 1000:.1f} s")
            self.addItem(item)


class Viewer(QWidget):
    def __init__(self, bridge: MediaBridge | None, wellbeing: Wellbeing, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._wellbeing = wellbeing
        self._row: QueueRow | None = None
        self._token = 0
        self._poster: _Shown | None = None
        self._frames: list[tuple[int | None, _Shown]] = []
        self._frame = -1  # shown filmstrip/animation frame; -1: the poster/preview
        self._rendered: tuple[Variant, Variant] | None = None  # the variants last asked for
        self._probed_ok = False  # the pipeline checked this item's media: it may be played
        self._animating = False
        self._anim = QTimer(self)
        self._anim.setSingleShot(True)
        self._anim.timeout.connect(self._next_animation_frame)
        self._player = None  # QMediaPlayer, made only on explicit Play
        self._audio = None
        self._video_item = None  # QGraphicsVideoItem: carries the blur
        self._video_frame: QGraphicsRectItem | None = None  # its invisible parent: carries the grayscale
        self._message: tuple[str, str | None] | None = None  # what the canvas says instead of media
        self._playback_error: str | None = None

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.pages = QStackedWidget(self)
        self.canvas = ImageCanvas(self.pages)
        self.text = QPlainTextEdit(self.pages)  # plain text: markup in a post is shown, never rendered
        self.text.setReadOnly(True)
        self.text.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        f = self.text.font()
        f.setPointSizeF(f.pointSizeF() * 1.25)
        self.text.setFont(f)
        self.video_view = QGraphicsView(self.pages)
        self.video_view.setScene(QGraphicsScene(self.video_view))
        self.video_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.video_view.setBackgroundBrush(QColor(0, 0, 0))
        for w in (self.canvas, self.text, self.video_view):
            self.pages.addWidget(w)
        lay.addWidget(self.pages, 1)
        self.filmstrip = Filmstrip(self)
        self.filmstrip.frame_chosen.connect(self.show_frame)
        lay.addWidget(self.filmstrip)

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 0, 6, 0)
        self.state_label = QLabel(self)
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        bar.addWidget(self.state_label, 1)
        self.zoom_label = QLabel(self)
        self.canvas.zoom_changed.connect(self.zoom_label.setText)
        bar.addWidget(self.zoom_label)
        self.play_button = QPushButton(self)
        self.play_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.play_button.clicked.connect(self.play_pause)
        bar.addWidget(self.play_button)
        self.reveal_button = QPushButton(self)
        self.reveal_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.reveal_button.pressed.connect(lambda: wellbeing.set_revealed(True))
        self.reveal_button.released.connect(lambda: wellbeing.set_revealed(False))
        bar.addWidget(self.reveal_button)
        lay.addLayout(bar)

        wellbeing.changed.connect(self._on_settings_changed)
        wellbeing.reveal_changed.connect(lambda _on: self._redisplay())
        self.retranslate()
        self.show_item(None)

    # -- items ----------------------------------------------------------------------------
    @property
    def row(self) -> QueueRow | None:
        return self._row

    def show_item(self, row: QueueRow | None) -> None:
        self._stop_video()
        self._anim.stop()
        self._animating = False
        self._token += 1
        self._row = row
        self._poster = None
        self._probed_ok = row is not None and row.media_state == "ok"
        self._frames = []
        self._frame = -1
        self.filmstrip.clear()
        self.filmstrip.setVisible(row is not None and row.content_type in MOVING_TYPES)
        self.play_button.setVisible(row is not None and row.content_type in ("animation", *MOVING_TYPES))
        self._sync_play_button()
        self.pages.setCurrentWidget(self.canvas)
        if row is None:
            self._say("none")
        elif row.content_type == "text":
            self.pages.setCurrentWidget(self.text)
            self.text.setPlainText(row.text_body or self.tr("(this post has no text)"))
        elif row.media_path is None:
            self._say("no_media")
        elif row.media_state == "failed":
            self._say("failed", row.media_error)
        else:
            self._request(row)
        self._update_state_label()

    # -- texts --------------------------------------------------------------------------------
    def _say(self, kind: str, detail: str | None = None) -> None:
        """Show a message instead of media; kept by kind, so a language change can say it again."""
        self._message = (kind, detail)
        self.canvas.set_message(self._message_text(kind, detail))

    def _message_text(self, kind: str, detail: str | None) -> str:
        if kind == "failed":
            return self.tr("The media could not be shown:\n%1\n\nYou can still decide this item.").replace(
                "%1", detail or self.tr("unknown reason")
            )
        return {
            "none": self.tr("No item selected. The queue may be empty for this filter."),
            "no_media": self.tr("This item has no media file. You can still decide it."),
            "no_pipeline": self.tr("Preview not available: the media pipeline is not running."),
            "loading": self.tr("Loading preview…"),
        }[kind]

    def _sync_play_button(self) -> None:
        from_player = False
        if self._player is not None:
            from PySide6.QtMultimedia import QMediaPlayer

            from_player = self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        playing = self._animating or from_player
        self.play_button.setText(self.tr("Pause (Space)") if playing else self.tr("Play (Space)"))

    def retranslate(self) -> None:
        """The UI language changed (the main window says so): every text of the viewer anew."""
        self.reveal_button.setText(self.tr("Hold to reveal (R)"))
        self._sync_play_button()
        self.zoom_label.setText(self.canvas.zoom_text())
        self._update_state_label()
        if self.canvas.pixmap is None and self._message is not None:
            self.canvas.set_message(self._message_text(*self._message))
        row = self._row
        if row is not None and row.content_type == "text" and not row.text_body:
            self.text.setPlainText(self.tr("(this post has no text)"))

    def paint_now(self) -> None:
        """Put the item on screen now, before anything else of the window repaints: the
        layout first (the filmstrip and Play come and go with the content type), then a
        synchronous paint of the viewer."""
        self.layout().activate()
        self.repaint()

    def preload(self, row: QueueRow | None) -> None:
        """Render the preview of ``row`` (the item ahead) now, so Enter shows it at once."""
        if (
            row is None
            or self._bridge is None
            or not self._bridge.available
            or row.content_type == "text"
            or row.media_state == "failed"
            or not row.sha256
            or row.media_path is None
        ):
            return
        self._bridge.preload(row.sha256, row.media_path, self._variants())

    def _variants(self) -> tuple[Variant, Variant]:
        s = self._wellbeing.state
        return Variant(0, s.grayscale), Variant(s.blur_strength, s.grayscale)

    def _request(self, row: QueueRow) -> None:
        if self._bridge is None or not self._bridge.available or not row.sha256:
            self._say("no_pipeline")
            return
        self._say("loading")
        token, variants = self._token, self._variants()
        self._rendered = variants
        assert row.media_path is not None
        sha, path = row.sha256, row.media_path

        def preview(res: Rendered) -> None:
            if token != self._token:
                return
            if res.ok and res.images:
                self._probed_ok = True  # the pipeline probed and rendered it in its sandbox
                self._set_poster(res)
            else:
                # No preview (too large, failed): the thumbnail is better than nothing.
                self._bridge.request(sha, path, "thumb", variants, lambda r: thumb(r, res.error), priority=0.0)  # type: ignore[union-attr]

        def thumb(res: Rendered, preview_error: str | None) -> None:
            if token != self._token:
                return
            if res.ok and res.images:
                self._set_poster(res)
            else:
                self._say("failed", res.error or preview_error)

        def strip(res: Rendered) -> None:
            if token != self._token or not res.ok:
                return
            self._frames = [
                (f.timestamp_ms, _Shown(f.images[0], f.images[1])) for f in res.frames
            ]
            self._refill_filmstrip()
            if row.content_type == "animation" and self._frames:
                self._animating = True
                self._sync_play_button()
                self._next_animation_frame()

        self._bridge.request(sha, path, "preview", variants, preview, priority=-1.0)
        if row.content_type in ("animation", *MOVING_TYPES):
            self._bridge.request(sha, path, "strip", variants, strip, priority=-1.0)

    def _set_poster(self, res: Rendered) -> None:
        self._poster = _Shown(res.images[0], res.images[1])
        if self._frame < 0:
            self.canvas.set_pixmap(self._poster.pick(self._wellbeing.effective_blur))

    def _refill_filmstrip(self) -> None:
        if self._row is not None and self._row.content_type in MOVING_TYPES:
            blurred = self._wellbeing.state.blur  # thumbnails ignore the transient reveal
            self.filmstrip.set_frames([(ts, shown.pick(blurred)) for ts, shown in self._frames])

    def _current_shown(self) -> _Shown | None:
        if 0 <= self._frame < len(self._frames):
            return self._frames[self._frame][1]
        return self._poster

    def _redisplay(self) -> None:
        shown = self._current_shown()
        if shown is not None:
            self.canvas.set_pixmap(shown.pick(self._wellbeing.effective_blur), keep_view=True)
        self._apply_video_effect()
        self._update_state_label()

    def _on_settings_changed(self) -> None:
        if self._player is not None:
            self._audio.setMuted(self._wellbeing.state.muted)  # type: ignore[union-attr]
        row = self._row
        if row is not None and self._poster is not None and self._variants() != self._rendered:
            # Grayscale or strength changed (blur on/off needs no new rendering: both are
            # there). Render again, and keep showing the old images until the new arrive.
            self._token += 1
            self._request_keep(row)
        self._redisplay()
        self._refill_filmstrip()

    def _request_keep(self, row: QueueRow) -> None:
        token, variants = self._token, self._variants()
        self._rendered = variants
        assert row.sha256 is not None and row.media_path is not None and self._bridge is not None

        def preview(res: Rendered) -> None:
            if token == self._token and res.ok and res.images:
                self._poster = _Shown(res.images[0], res.images[1])
                self._redisplay()

        def strip(res: Rendered) -> None:
            if token == self._token and res.ok:
                self._frames = [
                    (f.timestamp_ms, _Shown(f.images[0], f.images[1]))
                    for f in res.frames
                ]
                self._refill_filmstrip()
                self._redisplay()

        self._bridge.request(row.sha256, row.media_path, "preview", variants, preview, priority=-1.0)
        if self._frames:
            self._bridge.request(row.sha256, row.media_path, "strip", variants, strip, priority=-1.0)

    def _playback_failed(self, _error: object, text: str) -> None:
        self._playback_error = text
        self._update_state_label()

    def _update_state_label(self) -> None:
        if self._playback_error is not None:  # says why until the video stops (another item)
            self.state_label.setText(self.tr("Playback failed: %1").replace("%1", self._playback_error))
            return
        s = self._wellbeing.state
        parts = []
        if self._row is not None and self._row.content_type != "text":
            if self._wellbeing.revealed:
                parts.append(self.tr("Revealed"))
            elif s.blur:
                parts.append(self.tr("Blurred — hold R to reveal, B to turn blur off"))
            if s.grayscale:
                parts.append(self.tr("Grayscale (G)"))
            if self._row.content_type in MOVING_TYPES:
                parts.append(self.tr("Sound off") if s.muted else self.tr("Sound on"))
        self.state_label.setText(" · ".join(parts))

    # -- zoom -------------------------------------------------------------------------------
    def zoom_in(self) -> None:
        self.canvas.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.canvas.zoom_by(1 / ZOOM_STEP)

    def zoom_fit(self) -> None:
        self.canvas.fit()

    # -- frames, animation, video --------------------------------------------------------------
    def show_frame(self, index: int) -> None:
        """Show filmstrip frame ``index`` (and seek the video there if it is playing)."""
        if not self._frames:
            return
        self._frame = max(0, min(len(self._frames) - 1, index))
        ts = self._frames[self._frame][0]
        if self._player is not None and ts is not None:
            self._player.setPosition(ts)
        else:
            self.pages.setCurrentWidget(self.canvas)
            self._redisplay()
        if self.filmstrip.isVisible():
            self.filmstrip.setCurrentRow(self._frame)

    def step(self, delta: int) -> None:
        """, and . : stop any animation and move one filmstrip frame."""
        if not self._frames:
            return
        self._animating = False
        self._anim.stop()
        start = self._frame if self._frame >= 0 else (-1 if delta > 0 else len(self._frames))
        self.show_frame(start + delta)

    def _next_animation_frame(self) -> None:
        if not self._animating or not self._frames:
            return
        nxt = (self._frame + 1) % len(self._frames)
        self._frame = nxt
        self._redisplay()
        here = self._frames[nxt][0] or 0
        after = self._frames[(nxt + 1) % len(self._frames)][0]
        delay = (after - here) if after is not None and after > here else 100
        self._anim.start(max(MIN_FRAME_MS, delay))

    def play_pause(self) -> None:
        row = self._row
        if row is None:
            return
        if row.content_type == "animation":
            self._animating = not self._animating
            self._sync_play_button()
            if self._animating:
                self._next_animation_frame()
            else:
                self._anim.stop()
            return
        if row.content_type not in MOVING_TYPES:
            return
        if not self._probed_ok or row.media_path is None:
            self.state_label.setText(self.tr("This video cannot be played: the media pipeline has not checked it (yet)."))
            return
        if self._player is None:
            self._start_video(row)
            return
        from PySide6.QtMultimedia import QMediaPlayer

        if self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self._player.pause()
        else:
            self._player.play()
        self._sync_play_button()

    def _start_video(self, row: QueueRow) -> None:
        # Imported here: QtMultimedia is loaded only when a reviewer actually plays a video.
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        from PySide6.QtMultimediaWidgets import QGraphicsVideoItem

        assert row.media_path is not None
        self._audio = QAudioOutput(self)
        self._audio.setMuted(self._wellbeing.state.muted)
        self._player = QMediaPlayer(self)
        self._player.setAudioOutput(self._audio)
        # A graphics item carries one effect, but a parent's effect applies to the rendering
        # of its children (their own effects included): the parent grays, the video blurs,
        # so blur and grayscale are independent, as they are for the still images.
        self._video_frame = QGraphicsRectItem()
        self._video_frame.setPen(Qt.PenStyle.NoPen)
        self._video_frame.setBrush(Qt.BrushStyle.NoBrush)
        gray = QGraphicsColorizeEffect()
        # Colorize = grayscale, then "screen" with the colour: black adds nothing, so this is
        # plain grayscale (as the still images are), not a washed-out gray tint.
        gray.setColor(QColor(0, 0, 0))
        gray.setStrength(1.0)
        self._video_frame.setGraphicsEffect(gray)
        self._video_item = QGraphicsVideoItem(self._video_frame)
        self._video_item.setGraphicsEffect(QGraphicsBlurEffect())
        self.video_view.scene().addItem(self._video_frame)
        self._player.setVideoOutput(self._video_item)
        self._player.errorOccurred.connect(self._playback_failed)
        self._player.setSource(QUrl.fromLocalFile(os.fsdecode(row.media_path)))
        self.pages.setCurrentWidget(self.video_view)
        self._apply_video_effect()
        self._fit_video()
        if 0 <= self._frame < len(self._frames) and self._frames[self._frame][0] is not None:
            self._player.setPosition(self._frames[self._frame][0])  # type: ignore[arg-type]
        self._player.play()
        self._sync_play_button()

    def _fit_video(self) -> None:
        if self._video_item is not None and self._video_frame is not None:
            self._video_item.setSize(self.video_view.viewport().size().toSizeF())
            rect = QRectF(QPointF(0, 0), self._video_item.size())
            self._video_frame.setRect(rect)
            self.video_view.setSceneRect(rect)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_video()

    def _apply_video_effect(self) -> None:
        """Blur (unless revealed) and grayscale on the playing video, each on its own item."""
        if self._video_item is None or self._video_frame is None:
            return
        s = self._wellbeing.state
        blur = self._video_item.graphicsEffect()
        gray = self._video_frame.graphicsEffect()
        assert isinstance(blur, QGraphicsBlurEffect) and isinstance(gray, QGraphicsColorizeEffect)
        blur.setBlurRadius(s.blur_strength * 2)
        blur.setEnabled(self._wellbeing.effective_blur)
        gray.setEnabled(s.grayscale)

    def _stop_video(self) -> None:
        self._playback_error = None
        if self._player is not None:
            self._player.stop()
            self._player.setVideoOutput(None)
            self._player.deleteLater()
            self._audio.deleteLater()  # type: ignore[union-attr]
            self._player = self._audio = None
        if self._video_frame is not None:
            self.video_view.scene().removeItem(self._video_frame)  # the video item goes with it
        self._video_frame = self._video_item = None

    @property
    def playing_video(self) -> bool:
        return self._player is not None

    def shutdown(self) -> None:
        self._anim.stop()
        self._stop_video()
