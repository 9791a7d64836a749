"""Pixel limits against decompression bombs: Pillow's process-wide settings and our own checks.

Pillow warns above ``Image.MAX_IMAGE_PIXELS`` and raises above twice that; the worker
refuses both, and checks every size it learns from a header (image, GIF frame extent,
video) against :data:`~moderator_gui.core.media.types.MAX_PIXELS` before decoding.
"""

from __future__ import annotations

import warnings
from typing import BinaryIO

from PIL import Image

from moderator_gui.core.media.source import IMAGE_PLUGINS
from moderator_gui.core.media.types import MAX_PIXELS, MediaError


def configure_pillow() -> None:
    """Process-wide Pillow limits for decoding untrusted files; the worker calls it at start.

    Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; we refuse both. Not
    done at import: processes that only import this package (GUI, CLI) keep Pillow's defaults.
    """
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    warnings.simplefilter("error", Image.DecompressionBombWarning)


def bomb_error(f: BinaryIO, real_type: str) -> MediaError:
    """Pillow's bomb error carries no dimensions: re-read only the header to name them."""
    f.seek(0)
    limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        with Image.open(f, formats=IMAGE_PLUGINS[real_type]) as im:
            w, h = im.size
    except Exception:  # noqa: BLE001 - still refused, just without the size
        return MediaError(f"{real_type.upper()} image exceeds the {MAX_PIXELS // 1_000_000}-megapixel limit")
    finally:
        Image.MAX_IMAGE_PIXELS = limit
    return too_big(w, h)


def too_big(w: int, h: int, what: str = "image") -> MediaError:
    return MediaError(f"{what} of {w}×{h} pixels exceeds the {MAX_PIXELS // 1_000_000}-megapixel limit")


def check_pixels(w: int, h: int) -> None:
    """Refuse an invalid size, or one over the pixel limit, before any pixel is decoded."""
    if w <= 0 or h <= 0:
        raise MediaError(f"invalid image size {w}×{h}")
    if w * h > MAX_PIXELS:
        raise too_big(w, h)
