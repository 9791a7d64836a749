"""Media pipeline (Qt-free): probe, thumbnails, previews, filmstrips, in isolated worker processes.

CONTRACT used by the UI and by `moderator-cli prefetch` (the implementation fills it in):

    MediaKind            THUMB (256 px long side), PREVIEW (viewer size), STRIP (filmstrip / animation frames)
    MediaJob(sha256: str, path: bytes, kind: MediaKind)          # path: raw file-system bytes from the store
    Frame(path: Path, timestamp_ms: int | None)                  # one image file in the cache
    MediaResult(sha256, kind, ok: bool, error: str | None, probe: dict | None,
                image: Path | None, frames: tuple[Frame, ...], from_cache: bool)
    MediaService(cache_dir: Path | None = None, *, workers: int = 2, timeout_s: float = 10.0,
                 memory_mb: int = 1024, store: Store | None = None)
        .lookup(sha256, kind) -> MediaResult | None        # cache only; fast; any thread
        .request(job, priority: float, callback)            # lower number = sooner; callback(MediaResult)
                                                            # is called from a service thread, never the caller's
        .reprioritize(sha_priorities: dict[str, float])     # e.g. what is on screen now = 0, next items 1..N
        .close()                                            # stops workers; idempotent

Extensions (additive): ``MediaService(..., cache_max_bytes=2 GiB, prestarted=Prestarted(n))``
(workers started ahead, while the caller opens its store); ``.wait_idle(timeout)``
(block until every request was delivered); ``.worker_pids(busy_only=False)``; ``.cache``
(``MediaCache``: ``discard(sha256, kind)`` forces a re-render); ``media_row(result)`` (the
``media`` table fields of a result); ``PIPELINE_VERSION``. Sizes: THUMB 256, PREVIEW 1280,
STRIP frames 512 px on the long side; a video STRIP has up to 9 frames, an animation STRIP
up to 120 (with timestamps, so the viewer can play it). ``MediaResult.image`` is the
thumbnail/preview, or the first frame of a STRIP. See docs/media-pipeline.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from moderator_gui.core.media.types import PIPELINE_VERSION, Frame, MediaJob, MediaKind, MediaResult

if TYPE_CHECKING:
    from moderator_gui.core.media.service import MediaService, media_row
    from moderator_gui.core.media.worker_pool import Prestarted

__all__ = ["PIPELINE_VERSION", "Frame", "MediaJob", "MediaKind", "MediaResult", "MediaService", "Prestarted", "media_row"]


def __getattr__(name: str) -> Any:
    """MediaService and media_row load on first use: every worker process imports this
    package, and must not pay for the service's imports (subprocess, selectors, the cache)."""
    if name in ("MediaService", "media_row"):
        from moderator_gui.core.media import service

        return getattr(service, name)
    if name == "Prestarted":
        from moderator_gui.core.media import worker_pool

        return worker_pool.Prestarted
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
