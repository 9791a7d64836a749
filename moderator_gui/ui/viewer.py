"""The viewer: the current item's media, blurred until revealed.

Everything shown here was produced by the media pipeline in its worker processes
(preview, thumbnail, filmstrip/animation frames) and rendered into QImages by
:class:`~moderator_gui.ui.media_bridge.MediaBridge` in worker threads, with a
sharp and a blurred variant, so that holding R or pressing B switches instantly.
The only media the GUI process decodes itself is video playback with
QtMultimedia — only for an item the pipeline probed OK, only when the reviewer
presses Play, muted by default, and blurred like the rest.

Text posts are shown as plain text, never as HTML.

The parts: ``viewer_pictures.py`` (the item's pictures from the pipeline, sharp and
blurred), ``image_canvas.py`` (the picture, zoom and pan), ``filmstrip.py`` (the frames
under it), ``video_player.py`` (QtMultimedia playback); this module shows the item on
them, plays animations from the strip, and says what is shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from moderator_gui.core.messages import Message
from moderator_gui.core.store import QueueRow
from moderator_gui.ui.filmstrip import Filmstrip
from moderator_gui.ui.image_canvas import ZOOM_STEP, ImageCanvas
from moderator_gui.ui.media_bridge import MediaBridge
from moderator_gui.ui.message_text import media_error_text, message_text
from moderator_gui.ui.video_player import VideoPlayer
from moderator_gui.ui.viewer_pictures import Frames, ItemPictures, Shown
from moderator_gui.ui.wellbeing import Wellbeing

MIN_FRAME_MS = 20  # browsers clamp faster animation frames the same way
MEDIA_TYPES = ("image", "animation", "video", "live_clip")
MOVING_TYPES = ("video", "live_clip")


class Viewer(QWidget):
    def __init__(self, bridge: MediaBridge | None, wellbeing: Wellbeing, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pictures = ItemPictures(bridge, wellbeing)
        self._wellbeing = wellbeing
        self._row: QueueRow | None = None
        self._poster: Shown | None = None
        self._frames: Frames = []
        self._frame = -1  # shown filmstrip/animation frame; -1: the poster/preview
        self._probed_ok = False  # the pipeline checked this item's media: it may be played
        self._animating = False
        self._anim = QTimer(self)
        self._anim.setSingleShot(True)
        self._anim.timeout.connect(self._next_animation_frame)
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
        self.video = VideoPlayer(self.pages)
        self.video_view = self.video.view
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
        self._pictures.forget()
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
        elif row.media_retired_at is not None:
            self._say("retired", row.media_retired_at.date().isoformat())
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
        if kind == "retired":
            return message_text(Message.of("media.retired", date=detail or ""))
        if kind == "failed":
            return self.tr("The media could not be shown:\n%1\n\nYou can still decide this item.").replace(
                "%1", media_error_text(detail) if detail else self.tr("unknown reason")
            )
        return {
            "none": self.tr("No item selected. The queue may be empty for this filter."),
            "no_media": self.tr("This item has no media file. You can still decide it."),
            "no_pipeline": self.tr("Preview not available: the media pipeline is not running."),
            "loading": self.tr("Loading preview…"),
        }[kind]

    def _sync_play_button(self) -> None:
        playing = self._animating or self.video.is_playing()
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
        if (layout := self.layout()) is not None:
            layout.activate()
        self.repaint()

    def preload(self, row: QueueRow | None) -> None:
        """Render the preview of ``row`` (the item ahead) now, so Enter shows it at once (on a team
        database its original is fetched ahead too, in a media worker)."""
        if row is not None and row.media_retired_at is not None:
            return  # a retention purge removed it: nothing to render
        self._pictures.preload(row)

    def _request(self, row: QueueRow) -> None:
        if not self._pictures.available or not row.sha256:
            self._say("no_pipeline")
            return
        self._say("loading")
        self._pictures.load(
            row,
            strip=row.content_type in ("animation", *MOVING_TYPES),
            poster=self._poster_arrived,
            failed=lambda reason: self._say("failed", reason),
            frames=lambda frames: self._frames_arrived(row, frames),
        )

    def _poster_arrived(self, shown: Shown, probed: bool) -> None:
        if probed:
            self._probed_ok = True  # the pipeline probed and rendered it in its sandbox
        self._set_poster(shown)

    def _frames_arrived(self, row: QueueRow, frames: Frames) -> None:
        self._frames = frames
        self._refill_filmstrip()
        if row.content_type == "animation" and self._frames:
            self._animating = True
            self._sync_play_button()
            self._next_animation_frame()

    def _set_poster(self, shown: Shown) -> None:
        self._poster = shown
        if self._frame < 0:
            self.canvas.set_pixmap(self._poster.pick(self._wellbeing.effective_blur))

    def _refill_filmstrip(self) -> None:
        if self._row is not None and self._row.content_type in MOVING_TYPES:
            blurred = self._wellbeing.state.blur  # thumbnails ignore the transient reveal
            self.filmstrip.set_frames([(ts, shown.pick(blurred)) for ts, shown in self._frames])

    def _current_shown(self) -> Shown | None:
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
        self.video.set_muted(self._wellbeing.state.muted)
        row = self._row
        if row is not None and self._poster is not None and self._pictures.outdated():
            # Grayscale or strength changed (blur on/off needs no new rendering: both are
            # there). Render again, and keep showing the old images until the new arrive.
            self._pictures.forget()
            self._pictures.reload(row, strip=bool(self._frames), poster=self._poster_rerendered, frames=self._frames_rerendered)
        self._redisplay()
        self._refill_filmstrip()

    def _poster_rerendered(self, shown: Shown) -> None:
        self._poster = shown
        self._redisplay()

    def _frames_rerendered(self, frames: Frames) -> None:
        self._frames = frames
        self._refill_filmstrip()
        self._redisplay()

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
        if self.video.active and ts is not None:
            self.video.seek(ts)
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
        if not self.video.active:
            self._start_video(row)
            return
        self.video.toggle()
        self._sync_play_button()

    def _start_video(self, row: QueueRow) -> None:
        assert row.media_path is not None
        self.video.load(row.media_path, muted=self._wellbeing.state.muted, owner=self, on_error=self._playback_failed)
        self.pages.setCurrentWidget(self.video_view)
        self._apply_video_effect()
        self.video.fit()
        if 0 <= self._frame < len(self._frames) and (at_ms := self._frames[self._frame][0]) is not None:
            self.video.seek(at_ms)
        self.video.play()
        self._sync_play_button()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.video.fit()

    def _apply_video_effect(self) -> None:
        """Blur (unless revealed) and grayscale on the playing video, each on its own item."""
        s = self._wellbeing.state
        self.video.set_effects(blur_radius=s.blur_strength * 2, blurred=self._wellbeing.effective_blur, grayscale=s.grayscale)

    def _stop_video(self) -> None:
        self._playback_error = None
        self.video.stop()

    @property
    def playing_video(self) -> bool:
        return self.video.active

    # What the tests look at on the player (the names from before it had its own module).
    @property
    def _audio(self) -> Any:
        return self.video.audio

    @property
    def _video_item(self) -> Any:
        return self.video.item

    def shutdown(self) -> None:
        self._anim.stop()
        self._stop_video()
