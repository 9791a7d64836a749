"""Decoding untrusted media: probe + render thumbnails, previews and filmstrips.

Runs inside a worker process (``worker.py``); never call it in the GUI process on
hostile input. The benchmarks also run it in-process to measure what isolation costs.

``render`` opens the file (``source.py``: never blocking, real type from the first
bytes), hands it to the decoder for that type — Pillow for images and animations
(``image.py``, ``animation.py``, ``picture.py``) or PyAV for video (``video.py``) — under
the pixel limits of ``limits.py``, and the images land in the cache through ``output.py``.

Every failure that is about the file's content becomes a ``MediaError`` with a
specific reason; anything the decoders raise that we did not foresee is mapped to
"corrupt <TYPE> file (...)" by ``render`` so a reviewer never sees a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from moderator_gui.core.media.image import render_image
from moderator_gui.core.media.output import Output, Written
from moderator_gui.core.media.source import (
    IMAGE_PLUGINS,
    PROBE_HEAD_BYTES,
    VIDEO_TYPES,
    open_source,
    real_type_of,
    unsupported_name,
)
from moderator_gui.core.media.types import MAX_PIXELS, MediaError, MediaKind
from moderator_gui.core.media.video import render_video

__all__ = ["Rendered", "render"]


@dataclass(frozen=True)
class Rendered:
    probe: dict[str, Any]
    files: list[Written]


def render(path: bytes, kind: MediaKind, stem: Path, tmp_dir: Path) -> Rendered:
    """Probe the file and write the images of ``kind`` next to ``stem``.

    Raises ``MediaError`` with a specific reason; ``MemoryError`` is left to the caller
    (the worker reports it against its memory cap and exits).
    """
    with open_source(path) as f:
        head = f.read(PROBE_HEAD_BYTES)
        f.seek(0)
        real_type = real_type_of(head)
        out = Output(stem, tmp_dir)
        if real_type in IMAGE_PLUGINS:
            probe = _guard(real_type, lambda: render_image(f, real_type, kind, out))
        elif real_type in VIDEO_TYPES:
            probe = _guard(real_type, lambda: render_video(f, real_type, kind, out))
        else:
            name = unsupported_name(head)
            if name:
                raise MediaError(f"unsupported file type: {name}")
            raise MediaError("unrecognised content: not a supported image or video")
    return Rendered(probe, out.files)


def _guard(real_type: str, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Turn whatever a decoder raises into a specific, human-readable MediaError."""
    label = real_type.upper()
    try:
        return work()
    except (MediaError, MemoryError):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # not OSErrors
        raise MediaError(f"{label} frame exceeds the {MAX_PIXELS // 1_000_000}-megapixel limit") from None
    except Image.UnidentifiedImageError:
        raise MediaError(f"corrupt {label} file: the decoder cannot read its header") from None
    except OSError as exc:
        msg = str(exc)
        if "truncated" in msg or "broken data stream" in msg or msg == "decoder error -9":
            raise MediaError(f"truncated {label}") from None
        if msg.startswith("decoder error"):  # Pillow's generic code for bad compressed data
            raise MediaError(f"corrupt {label} file (its compressed data cannot be decoded)") from None
        raise MediaError(f"corrupt {label} file ({msg or type(exc).__name__})") from None
    except EOFError:
        raise MediaError(f"truncated {label}") from None
    except ValueError as exc:
        if "Decompressed data too large" in str(exc):  # PNG text/ICC chunk bomb
            raise MediaError(f"{label} metadata exceeds the decompression limit (decompression bomb)") from None
        raise MediaError(f"corrupt {label} file (ValueError: {exc})") from None
    except Exception as exc:  # noqa: BLE001 - hostile input reaches odd decoder paths
        raise MediaError(f"corrupt {label} file ({type(exc).__name__}: {exc})") from None
