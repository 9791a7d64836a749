"""Still images and animations with Pillow: open (one plugin), probe, and render.

The real type decides the one Pillow plugin allowed to read the file. JPEGs are decoded
at reduced scale (``draft``) when the target is small; EXIF orientation is applied after
resizing. A THUMB job also hashes the upright picture it shrinks (``signatures.py``; an
animation's first frame). Animation frames and delays are in ``animation.py``.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from PIL import Image

from moderator_gui.core.media import signatures
from moderator_gui.core.media.animation import delays, render_strip
from moderator_gui.core.media.limits import bomb_error, check_pixels
from moderator_gui.core.media.output import Output
from moderator_gui.core.media.picture import finish, upright
from moderator_gui.core.media.source import IMAGE_PLUGINS
from moderator_gui.core.media.types import MediaKind


def render_image(f: BinaryIO, real_type: str, kind: MediaKind, out: Output) -> dict[str, Any]:
    """Probe an image or animation and write the images of ``kind``; returns the probe."""
    im = _open_image(f, real_type)
    w, h = im.size
    orientation = _orientation(im)
    n = getattr(im, "n_frames", 1)
    if real_type == "png" and n > 1:
        real_type = "apng"
    probe: dict[str, Any] = {
        "real_type": real_type,
        "width": h if orientation in (5, 6, 7, 8) else w,
        "height": w if orientation in (5, 6, 7, 8) else h,
        "orientation": orientation,
        "frames": n,
        "codec": im.format,
    }
    frame_delays = delays(f, real_type, n) if n > 1 else None
    if frame_delays is not None:
        probe["duration_ms"] = sum(frame_delays)
    if n <= 1 or kind is not MediaKind.STRIP:
        size = max(kind.size, signatures.SOURCE_SIZE) if kind is MediaKind.THUMB else kind.size
        if real_type == "jpeg":
            im.draft("RGB", (size, size))  # reduced-scale DCT: decode 1/2..1/8
        if kind is MediaKind.THUMB:  # an animation's thumbnail (and signatures) is its first frame
            picture = upright(im, size, orientation)
            signatures.add_signatures(probe, picture)
            out.add(finish(picture, kind.size, None), None, frame=False)
            return probe
        out.add(finish(im, kind.size, orientation), None, frame=kind is MediaKind.STRIP)
        return probe
    # A strip: the frames the viewer plays, with the time each one starts.
    probe["frames"], probe["duration_ms"] = render_strip(im, n, frame_delays, kind.size, orientation, out)
    return probe


def _open_image(f: BinaryIO, real_type: str) -> Image.Image:
    if real_type == "heic" or (real_type == "avif" and not _has_avif()):
        from pillow_heif import register_heif_opener  # lazy: only HEIF files pay for it

        register_heif_opener()
    try:
        im = Image.open(f, formats=IMAGE_PLUGINS[real_type])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise bomb_error(f, real_type) from None
    check_pixels(*im.size)
    return im


def _has_avif() -> bool:
    from PIL import features

    return bool(features.check("avif"))


def _orientation(im: Image.Image) -> int | None:
    try:
        value = im.getexif().get(0x0112)
    except Exception:  # noqa: BLE001 - broken EXIF must not cost the thumbnail
        return None
    return value if isinstance(value, int) and 1 <= value <= 8 else None
