"""Video with PyAV: probe, poster frame, and the filmstrip of keyframes.

One video stream, a single-threaded decoder (with frame threading the first frame after
a seek arrives several packets late). The poster is the keyframe at or before 10 % of
the duration; a STRIP has ``STRIP_FRAMES`` frames at (2i+1)/18 of the duration, each
from the keyframe at or before its target. PyAV is imported on the first video only.

A THUMB job also hashes the poster (``signatures.py``): one PDQ signature set per video,
from the frame decoded anyway. We do not use Meta's vPDQ (a PDQ per second of video):
its Python package needs the ffmpeg program (it shells out to it) and decodes the whole
video to hash a frame every second: a second decoder outside the worker's limits, and
seconds of work per video in a prefetch that takes milliseconds per video now.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from PIL import Image

from moderator_gui.core.media import signatures
from moderator_gui.core.media.limits import check_pixels
from moderator_gui.core.media.output import Output
from moderator_gui.core.media.types import STRIP_FRAMES, MediaError, MediaKind


def render_video(f: BinaryIO, real_type: str, kind: MediaKind, out: Output) -> dict[str, Any]:
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
            check_pixels(w, h)
        duration_ms = _video_duration_ms(container, vs)
        fps = float(vs.average_rate) if vs.average_rate else None
        frames = vs.frames or (round(duration_ms * fps / 1000) if duration_ms and fps else None)
        size = kind.size
        if kind is MediaKind.STRIP and duration_ms:
            targets = [duration_ms * (2 * i + 1) // (2 * STRIP_FRAMES) for i in range(STRIP_FRAMES)]
        else:
            targets = [duration_ms // 10 if duration_ms else 0]  # poster: skip fade-ins at 0 s
        rotation = 0
        probe_extra: dict[str, Any] = {}
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
            if kind is MediaKind.THUMB:  # the poster keyframe, hashed at the signatures' size
                picture = _video_image(frame, max(size, signatures.SOURCE_SIZE), rotation)
                signatures.add_signatures(probe_extra, picture)
                picture.thumbnail((size, size), Image.Resampling.BICUBIC, reducing_gap=2.0)
                out.add(picture, pts, frame=False)
                continue
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
        **probe_extra,
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

    with contextlib.suppress(av.FFmpegError):
        container.seek(0)
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
        ccw = round(frame.rotation)
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
