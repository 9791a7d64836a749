"""Decoding untrusted media: probe + render thumbnails, previews and filmstrips.

Runs inside a worker process (``worker.py``); never call it in the GUI process on
hostile input. The benchmarks also run it in-process to measure what isolation costs.

Every failure that is about the file's content becomes a ``MediaError`` with a
specific reason; anything the decoders raise that we did not foresee is mapped to
"corrupt <TYPE> file (...)" by ``render`` so a reviewer never sees a traceback.

Output images are JPEG (see docs/media-pipeline.md for why): alpha is composited
onto a light checkerboard first, so transparent areas never turn black.
"""

from __future__ import annotations

import io
import mmap
import os
import stat
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from PIL import Image

from moderator_gui.core.media.cache import digest
from moderator_gui.core.sniff import sniff as sniff_mime
from moderator_gui.core.media.timing import scan
from moderator_gui.core.media.types import (
    MAX_ANIMATION_FRAMES,
    MAX_PIXELS,
    STRIP_FRAMES,
    MediaError,
    MediaKind,
)

JPEG_QUALITY = 85
SNIFF_BYTES = 64

# Formats decoded with Pillow, restricted to one plugin each so a file cannot reach
# a decoder we did not choose (the fuzz cases in the Pillow corpus target SGI, FLI,
# JPEG 2000, ICO ...: those are refused as unsupported instead of being decoded).
IMAGE_PLUGINS: dict[str, tuple[str, ...]] = {
    "jpeg": ("JPEG",),
    "png": ("PNG",),
    "gif": ("GIF",),
    "webp": ("WEBP",),
    "bmp": ("BMP",),
    "tiff": ("TIFF",),
    "heic": ("HEIF",),
    "avif": ("AVIF", "HEIF"),
}
VIDEO_TYPES = frozenset({"mp4", "mov", "webm", "mkv", "flv"})
UNSUPPORTED = {
    b"\x00\x00\x01\x00": "ICO icon",
    b"\x01\xda": "SGI image",
    b"\xffO\xffQ": "JPEG 2000 codestream",
    b"\x00\x00\x00\x0cjP  ": "JPEG 2000 image",
    b"8BPS": "Photoshop document",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip archive",
}

# EXIF orientation -> the transpose that shows the image upright (as ImageOps.exif_transpose).
_ORIENT: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_CHECKER = 8  # checkerboard square, px
_CHECKER_COLOURS = ((0xF2, 0xF2, 0xF2), (0xD6, 0xD6, 0xD6))


def configure_pillow() -> None:
    """Process-wide Pillow limits for decoding untrusted files; the worker calls it at start.

    Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; we refuse both. Not
    done at import: processes that only import this package (GUI, CLI) keep Pillow's defaults.
    """
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    warnings.simplefilter("error", Image.DecompressionBombWarning)


@dataclass(frozen=True)
class Written:
    """One output file, already in its final place in the cache."""

    name: str
    size: int
    hash: str
    timestamp_ms: int | None


@dataclass(frozen=True)
class Rendered:
    probe: dict[str, Any]
    files: list[Written]


class Output:
    """Writes rendered images next to ``stem`` atomically (temp file in ``tmp_dir`` + os.replace).

    A reader therefore sees either no file or a complete one; the manifest that makes
    an entry visible is written by the parent only after every file is in place.
    """

    def __init__(self, stem: Path, tmp_dir: Path) -> None:
        self.stem = stem
        self.tmp_dir = tmp_dir
        self.files: list[Written] = []

    def add(self, im: Image.Image, timestamp_ms: int | None, *, frame: bool) -> None:
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=JPEG_QUALITY)
        data = buf.getvalue()
        name = f"{self.stem.name}.{len(self.files):03d}.jpg" if frame else f"{self.stem.name}.jpg"
        tmp = self.tmp_dir / f"{os.getpid()}-{name}"
        try:
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, self.stem.parent / name)
        except OSError as exc:  # not the media's fault: say so, and do not cache it
            raise MediaError(f"cannot write to the media cache: {exc.strerror or exc}", permanent=False) from None
        self.files.append(Written(name, len(data), digest(data), timestamp_ms))


# -- opening and sniffing ----------------------------------------------------------------


def open_source(path: bytes) -> BinaryIO:
    """Open ``path`` for reading without ever blocking (a FIFO named .jpg must not hang)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise MediaError("file not found", permanent=False) from None
    except PermissionError:
        raise MediaError("permission denied reading the file", permanent=False) from None
    except OSError as exc:
        raise MediaError(f"cannot open the file: {exc.strerror}", permanent=False) from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        if stat.S_ISDIR(st.st_mode):
            raise MediaError("is a directory, not a media file")
        kind = "FIFO" if stat.S_ISFIFO(st.st_mode) else "device or socket"
        raise MediaError(f"not a regular file (a {kind})")
    if st.st_size == 0:
        os.close(fd)
        raise MediaError("empty file (0 bytes)")
    return os.fdopen(fd, "rb")


# The importer's sniffer decides what a file is; the pipeline only maps its MIME
# types to the decoder it uses, so import and decoding never disagree.
_DECODER_FOR_MIME = {
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/apng": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/bmp": "bmp",
    "image/tiff": "tiff",
    "image/heic": "heic",
    "image/heif": "heic",
    "image/avif": "avif",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "video/x-matroska": "mkv",
    "video/x-flv": "flv",
}


def sniff(head: bytes) -> str | None:
    """The decoder for the real type from the first bytes; None when unsupported. Never trusts the extension."""
    mime = sniff_mime(head)
    return None if mime is None else _DECODER_FOR_MIME.get(mime)


def unsupported_name(head: bytes) -> str | None:
    for magic, name in UNSUPPORTED.items():
        if head.startswith(magic):
            return name
    if len(head) >= 6 and head[4:6] in (b"\x11\xaf", b"\x12\xaf"):
        return "FLI/FLC animation"
    return None


# -- rendering ---------------------------------------------------------------------------


def render(path: bytes, kind: MediaKind, stem: Path, tmp_dir: Path) -> Rendered:
    """Probe the file and write the images of ``kind`` next to ``stem``.

    Raises ``MediaError`` with a specific reason; ``MemoryError`` is left to the caller
    (the worker reports it against its memory cap and exits).
    """
    with open_source(path) as f:
        head = f.read(SNIFF_BYTES * 4)
        f.seek(0)
        real_type = sniff(head)
        out = Output(stem, tmp_dir)
        if real_type in IMAGE_PLUGINS:
            probe = _guard(real_type, lambda: _render_image(f, real_type, kind, out))
        elif real_type in VIDEO_TYPES:
            probe = _guard(real_type, lambda: _render_video(f, real_type, kind, out))
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


def _open_image(f: BinaryIO, real_type: str) -> Image.Image:
    if real_type == "heic" or (real_type == "avif" and not _has_avif()):
        from pillow_heif import register_heif_opener  # lazy: only HEIF files pay for it

        register_heif_opener()
    try:
        im = Image.open(f, formats=IMAGE_PLUGINS[real_type])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb(f, real_type) from None
    _check_pixels(*im.size)
    return im


def _has_avif() -> bool:
    from PIL import features

    return bool(features.check("avif"))


def _bomb(f: BinaryIO, real_type: str) -> MediaError:
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
    return _too_big(w, h)


def _too_big(w: int, h: int, what: str = "image") -> MediaError:
    return MediaError(f"{what} of {w}×{h} pixels exceeds the {MAX_PIXELS // 1_000_000}-megapixel limit")


def _check_pixels(w: int, h: int) -> None:
    if w <= 0 or h <= 0:
        raise MediaError(f"invalid image size {w}×{h}")
    if w * h > MAX_PIXELS:
        raise _too_big(w, h)


def _orientation(im: Image.Image) -> int | None:
    try:
        value = im.getexif().get(0x0112)
    except Exception:  # noqa: BLE001 - broken EXIF must not cost the thumbnail
        return None
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def _checkerboard(size: tuple[int, int]) -> Image.Image:
    light, dark = _CHECKER_COLOURS
    board = Image.new("RGB", size, light)
    tile = Image.new("RGB", (_CHECKER, _CHECKER), dark)
    for y in range(0, size[1], _CHECKER):
        for x in range((y // _CHECKER % 2) * _CHECKER, size[0], 2 * _CHECKER):
            board.paste(tile, (x, y))
    return board


def _normalise(im: Image.Image) -> Image.Image:
    """Any Pillow mode -> RGB or RGBA with the right colours, before resizing.

    16-bit and 32-bit integer greys are scaled (Pillow's own conversion would clip
    everything above 255 to white); palette images become RGB(A) so resizing does not
    fall back to nearest-neighbour; CMYK goes through Pillow's conversion.
    """
    mode = im.mode
    if mode.startswith("I;16") or mode == "I":
        return im.convert("I").point(lambda v: v / 257).convert("L").convert("RGB")
    if mode == "F":
        return im.convert("L").convert("RGB")
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info:
        return im.convert("RGBA")
    return im if mode == "RGB" else im.convert("RGB")


def _finish(im: Image.Image, size: int, orientation: int | None) -> Image.Image:
    """Normalised, shrunk to ``size`` on its long side, upright, alpha on a checkerboard."""
    im = _normalise(im)
    im.thumbnail((size, size), Image.Resampling.BICUBIC, reducing_gap=2.0)
    if orientation in _ORIENT:
        im = im.transpose(_ORIENT[orientation])
    if im.mode == "RGBA":
        board = _checkerboard(im.size)
        board.paste(im, mask=im.getchannel("A"))
        im = board
    return im


def _render_image(f: BinaryIO, real_type: str, kind: MediaKind, out: Output) -> dict[str, Any]:
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
    delays = _delays(f, real_type, n) if n > 1 else None
    if delays is not None:
        probe["duration_ms"] = sum(delays)
    if n <= 1 or kind is not MediaKind.STRIP:
        if real_type == "jpeg":
            im.draft("RGB", (kind.size, kind.size))  # reduced-scale DCT: decode 1/2..1/8
        out.add(_finish(im, kind.size, orientation), None, frame=kind is MediaKind.STRIP)
        return probe
    # A strip: the frames the viewer plays, with the time each one starts.
    wanted = _spread(n, MAX_ANIMATION_FRAMES)
    t = 0
    decoded = 0
    for i, frame in _frames(im, n):
        if i in wanted:
            out.add(_finish(frame.copy(), kind.size, orientation), t, frame=True)
        t += delays[i] if delays else _clamp(frame.info.get("duration"))
        decoded = i + 1
    probe["frames"] = decoded
    probe["duration_ms"] = t
    return probe


def _delays(f: BinaryIO, real_type: str, n: int) -> list[int] | None:
    """Each frame's delay from the container (no pixel decoding); None if it disagrees with Pillow.

    Also refuses a GIF whose later frames reach outside any sane canvas (Pillow would
    only notice when decoding that frame, so a thumbnail of frame 0 would pass).
    """
    with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        found = scan(data, real_type)
    if found is None:
        return None
    if found.extent[0] * found.extent[1] > MAX_PIXELS:
        raise _too_big(*found.extent, what="GIF frame")
    raw = found.delays
    if real_type == "apng" and len(raw) == n - 1:
        raw = [0, *raw]  # Pillow counts an APNG's default image (IDAT before any fcTL) as frame 0
    return [_clamp(d) for d in raw] if len(raw) == n else None


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


def _clamp(delay: object) -> int:
    """Frame delay in ms; like browsers, 0-10 ms counts as 100 ms (many GIFs rely on it)."""
    try:
        d = int(delay)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        d = 0
    return 100 if d <= 10 else d


def _spread(n: int, k: int) -> set[int]:
    """Up to k indices spread evenly over 0..n-1, always including the first frame."""
    if n <= k:
        return set(range(n))
    return {i * n // k for i in range(k)}


# -- video -----------------------------------------------------------------------------------


def _render_video(f: BinaryIO, real_type: str, kind: MediaKind, out: Output) -> dict[str, Any]:
    import av  # lazy: image-only workers never pay for FFmpeg

    av.logging.set_level(av.logging.PANIC)
    label = real_type.upper()
    try:
        container = av.open(f, mode="r", metadata_errors="ignore")
    except av.error.InvalidDataError:
        raise MediaError(f"corrupt or truncated {label}: no readable header or index") from None
    except av.FFmpegError as exc:
        raise MediaError(f"cannot read {label}: {exc.strerror or exc}") from None
    with container:
        has_audio = bool(container.streams.audio)
        if not container.streams.video:
            if has_audio:
                raise MediaError("file has only audio, no video")
            raise MediaError(f"{label} file has no video stream")
        vs = container.streams.video[0]
        vs.thread_type = "NONE"  # one thread: seek-then-one-frame gets no latency from frame threads
        cc = vs.codec_context
        w, h = cc.width, cc.height
        if w and h:
            _check_pixels(w, h)
        duration_ms = _video_duration_ms(container, vs)
        fps = float(vs.average_rate) if vs.average_rate else None
        frames = vs.frames or (round(duration_ms * fps / 1000) if duration_ms and fps else None)
        size = kind.size
        if kind is MediaKind.STRIP and duration_ms:
            targets = [duration_ms * (2 * i + 1) // (2 * STRIP_FRAMES) for i in range(STRIP_FRAMES)]
        else:
            targets = [duration_ms // 10 if duration_ms else 0]  # poster: skip fade-ins at 0 s
        rotation = 0
        seen: set[int] = set()
        slack = duration_ms // (2 * len(targets)) if duration_ms else 0
        for target in targets:
            frame = _frame_at(container, vs, target, slack)
            if frame is None and not out.files:
                frame = _first_frame(container, vs)
            if frame is None:
                break
            pts = _pts_ms(frame, vs)
            if pts in seen:
                continue
            seen.add(pts)
            rotation = _rotation(frame, vs)
            out.add(_video_image(frame, size, rotation), pts, frame=kind is MediaKind.STRIP)
        if not out.files:
            raise MediaError("video has no decodable frames")
    if rotation in (90, 270):
        w, h = h, w
    return {
        "real_type": real_type,
        "width": w,
        "height": h,
        "orientation": None,
        "frames": frames,
        "duration_ms": duration_ms,
        "codec": cc.name,
        "rotation": rotation,
        "has_audio": has_audio,
    }


def _video_duration_ms(container: Any, vs: Any) -> int | None:
    if vs.duration and vs.time_base:
        return int(vs.duration * vs.time_base * 1000)
    if container.duration:
        return container.duration // 1000  # AV_TIME_BASE is microseconds
    return None


def _frame_at(container: Any, vs: Any, target_ms: int, slack_ms: int) -> Any | None:
    """A frame near ``target_ms``: seek to the keyframe at or before it and decode from there.

    The keyframe itself is taken when it lies within ``slack_ms`` of the target (long
    videos: one decoded frame per strip image). Only when keyframes are sparser than
    that (a short clip) does it decode on to the target, at most one GOP.
    """
    import av

    try:
        if vs.time_base:
            offset = int(target_ms / 1000 / vs.time_base) + (vs.start_time or 0)
            container.seek(offset, stream=vs, backward=True, any_frame=False)
        frame = None
        for frame in _decode(container, vs):
            if _pts_ms(frame, vs) >= target_ms - slack_ms:
                break
        return frame
    except av.FFmpegError:
        return None


def _first_frame(container: Any, vs: Any) -> Any | None:
    """Fallback for files whose index cannot seek: demux from the start."""
    import av

    try:
        container.seek(0)
    except av.FFmpegError:
        pass
    try:
        return next(_decode(container, vs), None)
    except av.FFmpegError:
        return None


def _decode(container: Any, vs: Any) -> Iterator[Any]:
    for packet in container.demux(vs):
        yield from packet.decode()


def _pts_ms(frame: Any, vs: Any) -> int:
    if frame.pts is None or not vs.time_base:
        return 0
    return max(0, int((frame.pts - (vs.start_time or 0)) * vs.time_base * 1000))


def _rotation(frame: Any, vs: Any) -> int:
    """Clockwise display rotation in degrees (0/90/180/270): display matrix, else the 'rotate' tag."""
    try:
        ccw = int(round(frame.rotation))
    except (AttributeError, TypeError, ValueError):
        ccw = 0
    if ccw:
        return (-ccw) % 360
    try:
        return int(vs.metadata.get("rotate", 0)) % 360
    except (TypeError, ValueError):
        return 0


def _video_image(frame: Any, size: int, rotation: int) -> Image.Image:
    """Scale in swscale straight to the target size (never a full-size RGB copy), then rotate."""
    w, h = frame.width, frame.height
    scale = min(1.0, size / max(w, h))
    # AREA: box-average downscaling, ~3x faster than swscale's default bicubic and alias-free.
    im = frame.to_image(width=max(1, round(w * scale)), height=max(1, round(h * scale)), interpolation="AREA")
    transpose = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
    return im.transpose(transpose[rotation]) if rotation in transpose else im
