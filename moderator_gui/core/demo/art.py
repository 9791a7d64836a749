"""The demo's drawing: abstract sample pictures and animations, and the encoders that save them.

Everything is drawn from the ``random.Random`` it is given (one per file, see
``media_pool.generate_media``), so a file depends only on its seed: the same seed
gives the same bytes. Encoders run single-threaded with ``bitexact`` for the same reason.
Nothing here is real content: gradients, shapes, film grain, a "DEMO" label, a tone.

Each ``save_*`` builder writes one file and returns what the platform would report
about it (:class:`Written`: the displayed size and the duration).
"""

from __future__ import annotations

import io
import math
import random
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
from PIL import Image, ImageDraw, ImageFont

# -- drawing ------------------------------------------------------------------------------------


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randrange(256), rng.randrange(256), rng.randrange(256))


def _noise(rng: random.Random, size: tuple[int, int], grain: int) -> Image.Image:
    """Greyscale noise from the seeded RNG (``Image.effect_noise`` uses C ``rand()``: not reproducible)."""
    w, h = max(1, size[0] // grain), max(1, size[1] // grain)
    return Image.frombytes("L", (w, h), rng.randbytes(w * h)).resize(size, Image.Resampling.BILINEAR)


def _gradient(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """A two-colour linear or radial gradient."""
    kind = rng.choice(("linear", "linear_h", "radial"))
    mask = Image.radial_gradient("L") if kind == "radial" else Image.linear_gradient("L")
    if kind == "linear_h":
        mask = mask.transpose(Image.Transpose.ROTATE_90)
    mask = mask.resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", size, _colour(rng)), Image.new("RGB", size, _colour(rng)), mask)


def _shapes(rng: random.Random, img: Image.Image, count: int) -> None:
    """Translucent ellipses, rectangles and polygons drawn onto an RGBA overlay."""
    w, h = img.size
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(count):
        fill = (*_colour(rng), rng.randrange(90, 230))
        x0, y0 = rng.randrange(w), rng.randrange(h)
        x1, y1 = x0 + rng.randrange(w // 10 + 1, w // 2 + 2), y0 + rng.randrange(h // 10 + 1, h // 2 + 2)
        shape = rng.randrange(3)
        if shape == 0:
            draw.ellipse((x0, y0, x1, y1), fill=fill)
        elif shape == 1:
            draw.rectangle((x0, y0, x1, y1), fill=fill)
        else:
            draw.polygon([(rng.randrange(w), rng.randrange(h)) for _ in range(rng.randrange(3, 7))], fill=fill)
    if img.mode == "RGBA":
        img.alpha_composite(layer)
    else:
        img.paste(layer, (0, 0), layer)


def _label(img: Image.Image, text: str) -> None:
    """Stamp 'DEMO' and a file label in a corner, so nobody mistakes a sample for real content."""
    draw = ImageDraw.Draw(img)
    size = max(12, img.size[1] // 24)
    font = ImageFont.load_default(size)
    pad = size // 2
    box = draw.textbbox((pad, pad), f"DEMO · {text}", font=font)
    fill: Any = (0, 0, 0, 160) if img.mode == "RGBA" else (0, 0, 0)
    draw.rectangle((box[0] - 4, box[1] - 4, box[2] + 4, box[3] + 4), fill=fill)
    draw.text((pad, pad), f"DEMO · {text}", font=font, fill=(255, 255, 255))


def _abstract(rng: random.Random, size: tuple[int, int], label: str, *, grain: int = 3) -> Image.Image:
    """The basic sample picture: gradient, shapes, a little film grain, a DEMO label."""
    img = _gradient(rng, size)
    _shapes(rng, img, rng.randrange(6, 14))
    grain_img = _noise(rng, size, grain)
    img = Image.blend(img, Image.merge("RGB", (grain_img, grain_img, grain_img)), 0.07)
    _label(img, label)
    return img


def _frames(rng: random.Random, size: tuple[int, int], count: int, label: str) -> Iterator[Image.Image]:
    """Frames of a simple animation: shapes bouncing over a fixed gradient background."""
    w, h = size
    background = _gradient(rng, size)
    _label(background, label)
    movers = [
        (rng.random() * w, rng.random() * h, rng.uniform(-9, 9), rng.uniform(-9, 9),
         rng.randrange(w // 12 + 4, w // 5 + 6), _colour(rng))
        for _ in range(rng.randrange(2, 5))
    ]
    for i in range(count):
        frame = background.copy()
        draw = ImageDraw.Draw(frame)
        for x, y, dx, dy, r, colour in movers:
            cx = abs((x + dx * i * 3) % (2 * w) - w)
            cy = abs((y + dy * i * 3) % (2 * h) - h)
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
        draw.rectangle((0, h - 6, int(w * (i + 1) / count), h), fill=(255, 255, 255))
        yield frame


# -- the encoders --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """What the platform reports about a file (goes into the manifest)."""

    width: int | None
    height: int | None
    duration_ms: int | None = None


Build = Callable[[random.Random, Path], Written]
"""Writes one sample file from its own RNG; returns what the manifest says about it."""


def save_jpeg(size: tuple[int, int]) -> Build:
    def build(rng: random.Random, out: Path) -> Written:
        _abstract(rng, size, out.stem).save(out, "JPEG", quality=85)
        return Written(*size)

    return build


def save_png(rng: random.Random, out: Path) -> Written:
    size = (600, 600)
    _abstract(rng, size, out.stem, grain=6).save(out, "PNG", compress_level=3)
    return Written(*size)


def save_exif_rotated(rng: random.Random, out: Path) -> Written:
    """Stored landscape 640x480 with EXIF orientation 6: shown upright it is portrait 480x640."""
    img = _abstract(rng, (640, 480), out.stem)
    ImageDraw.Draw(img).polygon([(600, 240), (480, 140), (480, 340)], fill=(255, 255, 255))  # "up" once rotated
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display
    img.save(out, "JPEG", quality=85, exif=exif.tobytes())
    return Written(480, 640)


def save_alpha_png(rng: random.Random, out: Path) -> Written:
    img = Image.new("RGBA", (512, 512), (0, 0, 0, 0))
    _shapes(rng, img, 9)
    _label(img, out.stem)
    img.save(out, "PNG")
    return Written(512, 512)


def save_cmyk_jpeg(rng: random.Random, out: Path) -> Written:
    _abstract(rng, (600, 400), out.stem).convert("CMYK").save(out, "JPEG", quality=85)
    return Written(600, 400)


def save_png16(rng: random.Random, out: Path) -> Written:
    """16-bit greyscale PNG: a ramp with a seeded ripple, using ~64000 of the 65536 levels.

    Computed as floats on an eighth of the rows and scaled up (a Python loop over
    every pixel would cost a quarter of a second).
    """
    w, h = 640, 480
    phase, rows = rng.random() * math.tau, h // 8
    ramp = Image.new("F", (w, rows))
    ramp.putdata(
        [min(65535.0, max(0.0, x * 65535 / (w - 1) + 6000 * math.sin(phase + y / 3))) for y in range(rows) for x in range(w)]
    )
    ramp.resize((w, h), Image.Resampling.BILINEAR).convert("I").convert("I;16").save(out, "PNG")
    return Written(w, h)


def save_large_jpeg(rng: random.Random, out: Path) -> Written:
    """4000x3000: drawn at a quarter of the size and scaled up (drawing 12 MP is needlessly slow)."""
    img = _abstract(rng, (1000, 750), out.stem).resize((4000, 3000), Image.Resampling.BICUBIC)
    img.save(out, "JPEG", quality=88)
    return Written(4000, 3000)


def save_gif(size: tuple[int, int], frames: int) -> Build:
    def build(rng: random.Random, out: Path) -> Written:
        imgs = [f.quantize(64, dither=Image.Dither.NONE) for f in _frames(rng, size, frames, out.stem)]
        imgs[0].save(out, "GIF", save_all=True, append_images=imgs[1:], duration=100, loop=0, disposal=2)
        return Written(*size, duration_ms=100 * frames)

    return build


def save_animated(fmt: str, size: tuple[int, int], frames: int) -> Build:
    """Animated WebP or APNG."""

    def build(rng: random.Random, out: Path) -> Written:
        imgs = list(_frames(rng, size, frames, out.stem))
        extra: dict[str, Any] = {"quality": 70, "method": 4} if fmt == "WEBP" else {}
        imgs[0].save(out, fmt, save_all=True, append_images=imgs[1:], duration=80, loop=0, **extra)
        return Written(*size, duration_ms=80 * frames)

    return build


def encode_mp4(
    rng: random.Random,
    out: io.BytesIO | Path,
    label: str,
    size: tuple[int, int],
    seconds: int,
    *,
    audio: bool = False,
    rotation: int | None = None,
    live: bool = False,
) -> Written:
    """H.264 (libx264, one keyframe per second), optional AAC tone track and rotation matrix.

    Width and height must be multiples of 16: for other sizes libx264 reads the
    uninitialised padding rows of the input frames and the output bytes vary from run to run.
    """
    if size[0] % 16 or size[1] % 16:
        raise ValueError(f"video size {size} is not a multiple of 16 (output would not be reproducible)")
    fps = 15
    target: Any = out if isinstance(out, io.BytesIO) else str(out)
    with av.open(target, "w", format="mp4", options={"fflags": "+bitexact"}) as container:
        video = container.add_stream(
            "libx264",
            rate=fps,
            options={"preset": "superfast", "crf": "30", "g": str(fps), "keyint_min": str(fps),
                     "sc_threshold": "0", "threads": "1"},
        )
        video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
        if rotation is not None:
            video.set_display_rotation(rotation)
        tone = container.add_stream("aac", rate=44100, layout="mono") if audio else None
        for index, picture in enumerate(_frames(rng, size, seconds * fps, label)):
            if live:
                draw = ImageDraw.Draw(picture)
                draw.rounded_rectangle((size[0] - 70, 10, size[0] - 10, 34), 6, fill=(230, 30, 60))
                draw.text((size[0] - 60, 14), "LIVE", fill=(255, 255, 255))
            frame = av.VideoFrame.from_image(picture)
            frame.pts = index
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        if tone is not None:
            _encode_tone(container, tone, seconds, rng.choice((70, 100, 140, 200)))  # 630 Hz .. 220 Hz
    # A platform reports the size the clip is shown at, i.e. after the rotation.
    shown = size[::-1] if rotation in (90, 270, -90) else size
    return Written(shown[0], shown[1], duration_ms=seconds * 1000)


def _encode_tone(container: Any, stream: Any, seconds: int, period: int) -> None:
    """A quiet sine tone whose period is a whole number of samples: one cycle is computed, then repeated."""
    rate, chunk = 44100, 1024
    total = seconds * rate
    cycle = struct.pack(f"<{period}f", *(0.2 * math.sin(math.tau * k / period) for k in range(period)))
    samples = cycle * (total // period + 1)
    for start in range(0, total, chunk):
        n = min(chunk, total - start)
        frame = av.AudioFrame(format="fltp", layout="mono", samples=n)
        frame.planes[0].update(samples[4 * start : 4 * (start + n)])
        frame.sample_rate, frame.pts = rate, start
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


def save_mp4(size: tuple[int, int], seconds: int, **kw: Any) -> Build:
    def build(rng: random.Random, out: Path) -> Written:
        return encode_mp4(rng, out, out.stem, size, seconds, **kw)

    return build


def save_truncated_jpeg(rng: random.Random, out: Path) -> Written:
    """A real JPEG cut at 40 %: the header sniffs fine, decoding fails ("truncated")."""
    buf = io.BytesIO()
    _abstract(rng, (800, 600), out.stem).save(buf, "JPEG", quality=85)
    out.write_bytes(buf.getvalue()[: len(buf.getvalue()) * 2 // 5])
    return Written(800, 600)


def save_truncated_mp4(rng: random.Random, out: Path) -> Written:
    """An MP4 cut in half: 'ftyp' is there, the 'moov' index (written last) is not."""
    buf = io.BytesIO()
    written = encode_mp4(rng, buf, out.stem, (480, 272), 3)
    out.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    return written


def save_garbage(rng: random.Random, out: Path) -> Written:
    out.write_bytes(b"this is not an image\n" + rng.randbytes(4096))
    return Written(640, 480)


def save_empty(rng: random.Random, out: Path) -> Written:
    out.write_bytes(b"")
    return Written(240, 240)
