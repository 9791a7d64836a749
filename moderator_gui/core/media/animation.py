"""Animations (GIF, WebP, APNG): frame delays from the container, and the frames the viewer plays.

THUMB and PREVIEW show frame 0 only; a STRIP keeps up to ``MAX_ANIMATION_FRAMES`` frames
spread evenly, each with the time it starts. A broken later frame ends the animation; a
broken first frame is an error.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from typing import Any, BinaryIO

from PIL import Image

from moderator_gui.core.media.limits import too_big
from moderator_gui.core.media.output import Output
from moderator_gui.core.media.picture import finish
from moderator_gui.core.media.timing import scan
from moderator_gui.core.media.types import MAX_ANIMATION_FRAMES, MAX_PIXELS


def delays(f: BinaryIO, real_type: str, n: int) -> list[int] | None:
    """Each frame's delay from the container (no pixel decoding); None if it disagrees with Pillow.

    Also refuses a GIF whose later frames reach outside any sane canvas (Pillow would
    only notice when decoding that frame, so a thumbnail of frame 0 would pass).
    """
    with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        found = scan(data, real_type)
    if found is None:
        return None
    if found.extent[0] * found.extent[1] > MAX_PIXELS:
        raise too_big(*found.extent, what="GIF frame")
    raw = found.delays
    if real_type == "apng" and len(raw) == n - 1:
        raw = [0, *raw]  # Pillow counts an APNG's default image (IDAT before any fcTL) as frame 0
    return [_clamp(d) for d in raw] if len(raw) == n else None


def render_strip(
    im: Image.Image, n: int, frame_delays: list[int] | None, size: int, orientation: int | None, out: Output
) -> tuple[int, int]:
    """Write the frames the viewer plays, with the time each one starts; returns
    (frames decoded, total duration in ms)."""
    wanted = _spread(n, MAX_ANIMATION_FRAMES)
    t = 0
    decoded = 0
    for i, frame in _frames(im, n):
        if i in wanted:
            out.add(finish(frame.copy(), size, orientation), t, frame=True)
        t += frame_delays[i] if frame_delays else _clamp(frame.info.get("duration"))
        decoded = i + 1
    return decoded, t


def _frames(im: Image.Image, n: int) -> Iterator[tuple[int, Image.Image]]:
    """Each frame, loaded. A broken later frame ends the animation; a broken first one is an error."""
    for i in range(n):
        try:
            im.seek(i)
            im.load()
        except (OSError, EOFError, ValueError):
            if i == 0:
                raise
            return
        yield i, im


def _clamp(delay: Any) -> int:
    """Frame delay in ms; like browsers, 0-10 ms counts as 100 ms (many GIFs rely on it)."""
    try:
        d = int(delay)
    except (TypeError, ValueError):
        d = 0
    return 100 if d <= 10 else d


def _spread(n: int, k: int) -> set[int]:
    """Up to k indices spread evenly over 0..n-1, always including the first frame."""
    if n <= k:
        return set(range(n))
    return {i * n // k for i in range(k)}
