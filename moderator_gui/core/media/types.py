"""Value types of the media pipeline, shared by the service, the cache and the worker.

Kept free of heavy imports: the worker process imports this module at start-up,
and every millisecond here is paid again on each worker (re)spawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

# Bump whenever the bytes a worker writes for the same input change (sizes, format,
# colour handling, frame choice): old cache entries then stop matching and are evicted.
PIPELINE_VERSION = 3  # 2: THUMB probes carry PDQ signatures; 3: hashed at 64 px

THUMB_SIZE = 256  # long side of a queue-row thumbnail
PREVIEW_SIZE = 1280  # long side of the viewer's image / video poster
STRIP_SIZE = 512  # long side of each filmstrip / animation frame
STRIP_FRAMES = 9  # video filmstrip length
MAX_ANIMATION_FRAMES = 120  # animation frames kept for playback; longer ones are sampled evenly
MAX_PIXELS = 90_000_000  # refuse images larger than this (decompression bombs)


class MediaKind(StrEnum):
    """What to render. The value is used in cache file names and in the worker protocol."""

    THUMB = "thumb"
    PREVIEW = "preview"
    STRIP = "strip"

    @property
    def size(self) -> int:
        """Long side in pixels of the images of this kind (part of the cache key)."""
        return {MediaKind.THUMB: THUMB_SIZE, MediaKind.PREVIEW: PREVIEW_SIZE, MediaKind.STRIP: STRIP_SIZE}[self]


@dataclass(frozen=True)
class MediaJob:
    """One piece of work: render ``kind`` for the content ``sha256`` stored at ``path``.

    ``path`` is the raw file-system bytes from the store (names need not be UTF-8).
    """

    sha256: str
    path: bytes
    kind: MediaKind


@dataclass(frozen=True)
class Frame:
    """One rendered frame in the cache; ``timestamp_ms`` lets the viewer seek (video) or
    play (animation) from pre-decoded frames. ``None`` for a still image."""

    path: Path
    timestamp_ms: int | None


@dataclass(frozen=True)
class MediaResult:
    """The outcome of a job, from the cache or from a worker.

    ``probe`` holds the fields of the store's ``media`` row (real_type, width, height,
    orientation, frames, duration_ms, codec, rotation, has_audio); width/height are the
    *displayed* size, i.e. after EXIF orientation / video rotation. ``image`` is the
    thumbnail or preview (the poster frame for video and animation); ``frames`` is the
    filmstrip (STRIP) and is empty for the other kinds. ``error`` is a specific
    human-readable reason when ``ok`` is false.
    """

    sha256: str
    kind: MediaKind
    ok: bool
    error: str | None
    probe: dict[str, Any] | None
    image: Path | None
    frames: tuple[Frame, ...] = field(default=())
    from_cache: bool = False


class MediaError(Exception):
    """A specific, human-readable reason why a file cannot be rendered.

    ``permanent`` is false for problems outside the file's content (the file is missing
    or unreadable right now): those results are not cached, so a later run retries.
    """

    def __init__(self, message: str, *, permanent: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
