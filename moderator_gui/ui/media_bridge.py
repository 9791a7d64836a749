"""MediaService (core, worker processes) -> QImage (worker threads) -> the GUI thread.

Media from the queue is hostile, so the GUI process never decodes it: it only
reads the images the media pipeline already produced in its isolated worker
processes (thumbnails, previews, filmstrip/animation frames in the cache).
Even those are opened here in a worker thread, where the wellbeing blur and
grayscale are applied too; the GUI thread receives finished QImages and only
turns them into QPixmaps.

When the pipeline cannot start (or is missing from a build) the bridge is
"unavailable": every request answers "no image", and the UI shows placeholders.
"""

from __future__ import annotations

import itertools
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PIL import Image, ImageFilter
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QImage

from moderator_gui.core.media.types import MediaJob, MediaKind
from moderator_gui.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

PREVIEW_REFERENCE_SIZE = 1280  # blur strength is given in pixels at this long side
MAX_CACHE_IMAGE_SIDE = 4096
KEPT_PREVIEWS = 5  # rendered previews kept in memory: the two items ahead, this one, the two before
BLUR_DOWNSCALE_ABOVE = 256  # blurred images larger than this are rendered at half size


class MediaServiceLike(Protocol):
    """The part of core.media.MediaService the UI uses (see its module docstring)."""

    def request(self, job: Any, priority: float, callback: Callable[[Any], None]) -> None: ...

    def reprioritize(self, sha_priorities: dict[str, float]) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Variant:
    """How to render one image: Gaussian blur strength (0 = sharp), grayscale, and the long
    side to deliver (0 = as the pipeline made it) — scaled here, not on the GUI thread."""

    blur: int = 0
    grayscale: bool = False
    size: int = 0


@dataclass(frozen=True)
class RenderedFrame:
    timestamp_ms: int | None
    images: tuple[QImage, ...]  # one per requested Variant


@dataclass(frozen=True)
class Rendered:
    """A pipeline result turned into QImages. ``error`` is the pipeline's specific reason."""

    sha256: str
    kind: str  # "thumb" | "preview" | "strip"
    ok: bool
    error: str | None
    images: tuple[QImage, ...] = ()  # one per Variant (the image / poster)
    frames: tuple[RenderedFrame, ...] = ()


def open_media_service(store: Any, prestarted: Any = None) -> MediaServiceLike | None:
    """The pipeline's MediaService, or None if it is not available (the UI then shows placeholders).
    ``prestarted``: its workers, started ahead (``core.media.Prestarted``)."""
    try:
        from moderator_gui.core.media import MediaService
    except ImportError as exc:
        log.info("media pipeline not available (%s): showing placeholders", exc)
        return None
    try:
        return MediaService(store=store, prestarted=prestarted)
    except Exception:  # the app must still open; the reason goes to the log
        log.exception("the media pipeline could not start: showing placeholders")
        return None


def render(path: Path, variants: tuple[Variant, ...]) -> tuple[QImage, ...]:
    """Open one pipeline-made image and render it in each variant. Runs in a worker thread."""
    with Image.open(path) as src:
        if max(src.size) > MAX_CACHE_IMAGE_SIDE:
            raise ValueError(f"{path.name}: {src.size[0]}x{src.size[1]} is not a pipeline image")
        base = src.convert("RGBA")
    out = []
    long_side = max(base.size)
    for v in variants:
        img = base
        if v.grayscale:
            img = img.convert("LA").convert("RGBA")
        if v.blur > 0:
            radius = max(2.0, v.blur * long_side / PREVIEW_REFERENCE_SIZE)
            if long_side > BLUR_DOWNSCALE_ABOVE:
                # A blurred image has no fine detail to keep: half size costs a quarter
                # of the memory (animation frames!) and of the blur time, and looks the same.
                img = img.resize((max(1, img.width // 2), max(1, img.height // 2)), Image.Resampling.BILINEAR)
                radius /= 2
            img = img.filter(ImageFilter.GaussianBlur(radius))
        if v.size and max(img.size) > v.size:
            img = img.copy() if img is base else img
            img.thumbnail((v.size, v.size), Image.Resampling.LANCZOS)
        data = img.tobytes("raw", "RGBA")
        # copy(): the QImage must own its pixels once `data` is garbage.
        out.append(QImage(data, img.width, img.height, img.width * 4, QImage.Format.Format_RGBA8888).copy())
    return tuple(out)


def _render_result(result: Any, variants: tuple[Variant, ...]) -> Rendered:
    kind = str(getattr(result.kind, "value", result.kind))
    if not result.ok:
        return Rendered(result.sha256, kind, False, result.error or "the media could not be rendered")
    images: tuple[QImage, ...] = ()
    if result.image is not None:
        images = render(Path(result.image), variants)
    frames = tuple(RenderedFrame(f.timestamp_ms, render(Path(f.path), variants)) for f in result.frames)
    return Rendered(result.sha256, kind, True, None, images, frames)


class MediaBridge(QObject):
    """Requests pipeline images and delivers them as QImages on the GUI thread."""

    _arrived = Signal(int, object)  # emitted on a service thread; delivered queued on the GUI thread

    def __init__(self, service: MediaServiceLike | None, parent: QObject | None = None, *, threads: int = 2) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = TaskRunner(self, max_threads=threads, name="media-render")
        self._tokens = itertools.count(1)
        self._waiting: dict[int, tuple[tuple[Variant, ...], Callable[[Rendered], None]]] = {}
        self._arrived.connect(self._on_arrived)
        # The last few rendered previews (the item ahead is rendered while the reviewer
        # looks at this one; going back one is free too). A few 1280 px RGBA images.
        self._kept: OrderedDict[tuple[str, str, tuple[Variant, ...]], Rendered] = OrderedDict()
        self._loading: dict[tuple[str, str, tuple[Variant, ...]], list[Callable[[Rendered], None]]] = {}

    @property
    def available(self) -> bool:
        return self._service is not None

    def request(
        self,
        sha256: str,
        path: bytes,
        kind: str,
        variants: tuple[Variant, ...],
        on_done: Callable[[Rendered], None],
        priority: float = 0.0,
    ) -> bool:
        """Ask for ``kind`` of one item; ``on_done`` runs later on the GUI thread. False if unavailable."""
        if self._service is None:
            return False
        key = (sha256, kind, variants)
        kept = self._kept.get(key)
        if kept is not None:
            self._kept.move_to_end(key)
            on_done(kept)  # rendered ahead: shown at once, on the GUI thread (we are on it)
            return True
        if kind == "preview":
            waiters = self._loading.get(key)
            if waiters is not None:  # already on its way (rendered ahead): wait for that one
                waiters.append(on_done)
                return True
            self._loading[key] = [on_done]
            on_done = self._keeping(key)
        token = next(self._tokens)
        self._waiting[token] = (variants, on_done)
        emit = self._arrived.emit
        try:
            self._service.request(MediaJob(sha256, path, MediaKind(kind)), priority, lambda res: emit(token, res))
        except Exception as exc:  # noqa: BLE001 - a broken pipeline must not take the window down
            del self._waiting[token]
            log.error("media request failed: %r", exc)
            on_done(Rendered(sha256, kind, False, f"the media pipeline failed: {exc}"))
        return True

    def preload(self, sha256: str, path: bytes, variants: tuple[Variant, ...]) -> None:
        """Render the preview of the item ahead now, so that moving to it shows it at once."""
        if (sha256, "preview", variants) not in self._kept:
            self.request(sha256, path, "preview", variants, lambda _r: None, priority=-0.5)

    def _keeping(self, key: tuple[str, str, tuple[Variant, ...]]) -> Callable[[Rendered], None]:
        def keep(res: Rendered) -> None:
            if res.ok:
                self._kept[key] = res
                self._kept.move_to_end(key)
                while len(self._kept) > KEPT_PREVIEWS:
                    self._kept.popitem(last=False)
            for waiter in self._loading.pop(key, []):
                waiter(res)

        return keep

    def reprioritize(self, sha_priorities: dict[str, float]) -> None:
        if self._service is not None and sha_priorities:
            try:
                self._service.reprioritize(sha_priorities)
            except Exception:
                log.exception("media reprioritize failed")

    @Slot(int, object)
    def _on_arrived(self, token: int, result: Any) -> None:
        entry = self._waiting.pop(token, None)
        if entry is None:
            return
        variants, on_done = entry

        def failed(exc: BaseException) -> None:
            on_done(Rendered(result.sha256, str(getattr(result.kind, "value", result.kind)), False, str(exc)))

        self._runner.run(lambda: _render_result(result, variants), on_done=on_done, on_error=failed, label="render")

    def close(self) -> None:
        """Stop the pipeline and the render threads; no callbacks afterwards."""
        self._waiting.clear()
        self._kept.clear()
        self._loading.clear()
        self._runner.shutdown()
        if self._service is not None:
            try:
                self._service.close()
            finally:
                self._service = None
