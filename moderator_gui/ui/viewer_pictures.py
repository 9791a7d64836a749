"""The pictures of the viewer's item, from the media pipeline, in the reviewer's wellbeing variants.

Every picture (the preview, else the thumbnail; the strip's frames) comes rendered by the
media bridge's threads twice: sharp, and blurred with the reviewer's strength (both gray
when grayscale is on). Holding R or pressing B therefore switches at once; only a new
strength or grayscale renders again. Answers for an item no longer shown, or for settings
since changed, are dropped.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QImage, QPixmap

from moderator_gui.core.store import QueueRow
from moderator_gui.ui.media_bridge import MediaBridge, Rendered, Variant
from moderator_gui.ui.wellbeing import Wellbeing


class Shown:
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


Frames = list[tuple[int | None, Shown]]  # (start in ms, picture) of each strip frame


def _frames(res: Rendered) -> Frames:
    return [(f.timestamp_ms, Shown(f.images[0], f.images[1])) for f in res.frames]


class ItemPictures:
    """Asks the media bridge for the item's pictures; each answer reaches its callback on the
    GUI thread unless ``forget`` was called since the request."""

    def __init__(self, bridge: MediaBridge | None, wellbeing: Wellbeing) -> None:
        self._bridge = bridge
        self._wellbeing = wellbeing
        self._token = 0
        self._rendered: tuple[Variant, Variant] | None = None  # the variants last asked for

    @property
    def available(self) -> bool:
        return self._bridge is not None and self._bridge.available

    def forget(self) -> None:
        """Answers to the requests made so far are dropped (another item, other settings)."""
        self._token += 1

    def outdated(self) -> bool:
        """Grayscale or strength changed since the last request (blur on/off needs no new
        rendering: both variants are there)."""
        return self._variants() != self._rendered

    def _variants(self) -> tuple[Variant, Variant]:
        s = self._wellbeing.state
        return Variant(0, s.grayscale), Variant(s.blur_strength, s.grayscale)

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

    def load(
        self,
        row: QueueRow,
        *,
        strip: bool,
        poster: Callable[[Shown, bool], None],
        failed: Callable[[str | None], None],
        frames: Callable[[Frames], None],
    ) -> None:
        """The preview (``poster(shown, True)``: the pipeline probed the media in its sandbox),
        else the thumbnail (``poster(shown, False)``), else ``failed(reason)``; with ``strip``,
        the strip's frames too (``frames``; a failed strip says nothing)."""
        token, variants = self._token, self._variants()
        self._rendered = variants
        assert row.media_path is not None and row.sha256 is not None and self._bridge is not None
        bridge, sha, path = self._bridge, row.sha256, row.media_path

        def preview(res: Rendered) -> None:
            if token != self._token:
                return
            if res.ok and res.images:
                poster(Shown(res.images[0], res.images[1]), True)
            else:
                # No preview (too large, failed): the thumbnail is better than nothing.
                bridge.request(sha, path, "thumb", variants, lambda r: thumb(r, res.error), priority=0.0)

        def thumb(res: Rendered, preview_error: str | None) -> None:
            if token != self._token:
                return
            if res.ok and res.images:
                poster(Shown(res.images[0], res.images[1]), False)
            else:
                failed(res.error or preview_error)

        def on_strip(res: Rendered) -> None:
            if token != self._token or not res.ok:
                return
            frames(_frames(res))

        bridge.request(sha, path, "preview", variants, preview, priority=-1.0)
        if strip:
            bridge.request(sha, path, "strip", variants, on_strip, priority=-1.0)

    def reload(
        self, row: QueueRow, *, strip: bool, poster: Callable[[Shown], None], frames: Callable[[Frames], None]
    ) -> None:
        """The item's pictures again, in the variants of the settings now; the old ones stay
        on screen until the new arrive (failures say nothing)."""
        token, variants = self._token, self._variants()
        self._rendered = variants
        assert row.sha256 is not None and row.media_path is not None and self._bridge is not None

        def preview(res: Rendered) -> None:
            if token == self._token and res.ok and res.images:
                poster(Shown(res.images[0], res.images[1]))

        def on_strip(res: Rendered) -> None:
            if token == self._token and res.ok:
                frames(_frames(res))

        self._bridge.request(row.sha256, row.media_path, "preview", variants, preview, priority=-1.0)
        if strip:
            self._bridge.request(row.sha256, row.media_path, "strip", variants, on_strip, priority=-1.0)
