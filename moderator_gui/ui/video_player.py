"""The viewer's video playback with QtMultimedia: made only on an explicit Play, blurred and
grayed like the still images.

The only media the GUI process decodes itself. QtMultimedia is imported on the first
Play, not before. The video is shown in a QGraphicsView: a graphics item carries one
effect, but a parent's effect applies to the rendering of its children (their own effects
included), so the video item carries the blur and its invisible parent the grayscale,
and the two are independent, as they are for the still images.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QUrl
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGraphicsBlurEffect,
    QGraphicsColorizeEffect,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QWidget,
)

if TYPE_CHECKING:  # imported for real on the first Play (load)
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
    from PySide6.QtMultimediaWidgets import QGraphicsVideoItem


class VideoPlayer:
    """One video at a time in ``view`` (a child of ``parent``)."""

    def __init__(self, parent: QWidget) -> None:
        self.view = QGraphicsView(parent)
        self.view.setScene(QGraphicsScene(self.view))
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.setBackgroundBrush(QColor(0, 0, 0))
        self.player: QMediaPlayer | None = None  # made only on explicit Play
        self.audio: QAudioOutput | None = None
        self.item: QGraphicsVideoItem | None = None  # carries the blur
        self.frame: QGraphicsRectItem | None = None  # its invisible parent: carries the grayscale

    @property
    def active(self) -> bool:
        """A video is loaded (playing or paused)."""
        return self.player is not None

    def is_playing(self) -> bool:
        if self.player is None:
            return False
        from PySide6.QtMultimedia import QMediaPlayer

        return self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def load(self, path: bytes, *, muted: bool, owner: QObject, on_error: Callable[[object, str], None]) -> None:
        """Make the player for ``path`` (not playing yet), a child of ``owner``; its items go into
        the view's scene; ``on_error(error, text)`` hears when playback fails."""
        # Imported here: QtMultimedia is loaded only when a reviewer actually plays a video.
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        from PySide6.QtMultimediaWidgets import QGraphicsVideoItem

        self.audio = QAudioOutput(owner)
        self.audio.setMuted(muted)
        self.player = QMediaPlayer(owner)
        self.player.setAudioOutput(self.audio)
        # A graphics item carries one effect, but a parent's effect applies to the rendering
        # of its children (their own effects included): the parent grays, the video blurs,
        # so blur and grayscale are independent, as they are for the still images.
        self.frame = QGraphicsRectItem()
        self.frame.setPen(Qt.PenStyle.NoPen)
        self.frame.setBrush(Qt.BrushStyle.NoBrush)
        gray = QGraphicsColorizeEffect()
        # Colorize = grayscale, then "screen" with the colour: black adds nothing, so this is
        # plain grayscale (as the still images are), not a washed-out gray tint.
        gray.setColor(QColor(0, 0, 0))
        gray.setStrength(1.0)
        self.frame.setGraphicsEffect(gray)
        self.item = QGraphicsVideoItem(self.frame)
        self.item.setGraphicsEffect(QGraphicsBlurEffect())
        self.view.scene().addItem(self.frame)
        self.player.setVideoOutput(self.item)
        self.player.errorOccurred.connect(on_error)
        self.player.setSource(QUrl.fromLocalFile(os.fsdecode(path)))

    def play(self) -> None:
        assert self.player is not None
        self.player.play()

    def toggle(self) -> None:
        """Pause if playing, else play."""
        assert self.player is not None
        if self.is_playing():
            self.player.pause()
        else:
            self.player.play()

    def seek(self, ms: int) -> None:
        assert self.player is not None
        self.player.setPosition(ms)

    def set_muted(self, muted: bool) -> None:
        if self.audio is not None:  # made and dropped with the player
            self.audio.setMuted(muted)

    def fit(self) -> None:
        """The video fills the view (after a resize, too)."""
        if self.item is not None and self.frame is not None:
            self.item.setSize(self.view.viewport().size().toSizeF())
            rect = QRectF(QPointF(0, 0), self.item.size())
            self.frame.setRect(rect)
            self.view.setSceneRect(rect)

    def set_effects(self, *, blur_radius: float, blurred: bool, grayscale: bool) -> None:
        """Blur and grayscale on the playing video, each on its own item."""
        if self.item is None or self.frame is None:
            return
        blur = self.item.graphicsEffect()
        gray = self.frame.graphicsEffect()
        assert isinstance(blur, QGraphicsBlurEffect) and isinstance(gray, QGraphicsColorizeEffect)
        blur.setBlurRadius(blur_radius)
        blur.setEnabled(blurred)
        gray.setEnabled(grayscale)

    def stop(self) -> None:
        """Stop and drop the player; its items leave the scene."""
        if self.player is not None:
            self.player.stop()
            self.player.setVideoOutput(None)  # type: ignore[arg-type]  # Qt takes None (detach); the stub does not say so
            self.player.deleteLater()
            if self.audio is not None:
                self.audio.deleteLater()
            self.player = self.audio = None
        if self.frame is not None:
            self.view.scene().removeItem(self.frame)  # the video item goes with it
        self.frame = self.item = None
