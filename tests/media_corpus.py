"""Generators of real media files for the media tests and benchmarks, including a hostile corpus.

Everything is written with the real encoders (Pillow, PyAV/libx264, zlib), small and
fast, so the tests exercise the decoders on genuine bytes. ``hostile_corpus`` returns
each file with what the pipeline must say about it: a thumbnail, or a specific error.
"""

from __future__ import annotations

import io
import os
import random
import struct
import zlib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from PIL import Image

RED = (220, 20, 20)
BLUE = (20, 20, 220)


def halves(size: tuple[int, int], left: tuple[int, int, int] = RED, right: tuple[int, int, int] = BLUE) -> Image.Image:
    """An image whose left half is ``left`` and right half ``right``: orientation is visible."""
    im = Image.new("RGB", size, right)
    im.paste(left, (0, 0, size[0] // 2, size[1]))
    return im


def write_jpeg(path: Path, size: tuple[int, int], *, progressive: bool = False, quality: int = 85) -> Path:
    """A photo-like JPEG (gradients + shapes) so its entropy data is realistic, not flat."""
    w, h = size
    small = Image.linear_gradient("L").resize((max(1, w // 8), max(1, h // 8)))
    im = Image.merge("RGB", (small, small.rotate(90), small.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    im = im.resize(size, Image.Resampling.BILINEAR)
    rnd = random.Random(w * 31 + h)
    noise = Image.frombytes("L", (max(1, w // 4), max(1, h // 4)), rnd.randbytes(max(1, w // 4) * max(1, h // 4)))
    im = Image.blend(im, Image.merge("RGB", (noise,) * 3).resize(size), 0.25)
    im.save(path, "JPEG", quality=quality, progressive=progressive)
    return path


def write_png_stream(
    path: Path, width: int, height: int, *, bit_depth: int = 8, colour: int = 2, level: int = 9, paeth: bool = False
) -> Path:
    """A PNG of any size whose pixels are all zero, written row by row with zlib.

    A 30000×30000 "bomb" compresses to kilobytes this way without ever holding the
    image in memory. ``colour`` is the PNG colour type (0 grey, 2 RGB, 6 RGBA);
    ``paeth`` marks every row with the slowest filter to undo (a slow but legal file).
    """
    channels = {0: 1, 2: 3, 6: 4}[colour]
    row = (b"\x04" if paeth else b"\x00") + bytes((width * channels * bit_depth + 7) // 8)
    comp = zlib.compressobj(level)
    chunks: list[bytes] = []
    batch = max(1, (1 << 22) // len(row))
    for y in range(0, height, batch):
        chunks.append(comp.compress(row * min(batch, height - y)))
    chunks.append(comp.flush())

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)))
        f.write(chunk(b"IDAT", b"".join(chunks)))
        f.write(chunk(b"IEND", b""))
    return path


def write_gif(path: Path, frames: int, size: tuple[int, int] = (16, 16), duration: int = 40) -> Path:
    """An animated GIF; every frame a different colour so Pillow cannot merge them."""
    ims = [Image.new("P", size, i % 250) for i in range(frames)]
    palette = [c for i in range(256) for c in ((i * 37) % 256, (i * 91) % 256, (i * 13) % 256)]
    for im in ims:
        im.putpalette(palette)
    ims[0].save(path, "GIF", save_all=True, append_images=ims[1:], duration=duration, loop=0, optimize=False)
    return path


def write_video(
    path: Path,
    *,
    seconds: float = 2.0,
    size: tuple[int, int] = (160, 96),
    fps: int = 10,
    gop: int = 10,
    audio: bool = False,
    faststart: bool = False,
    rotate_cw: int = 0,
    noise: float = 0.15,
) -> Path:
    """H.264 MP4 (ultrafast, a keyframe every ``gop`` frames); each second a new colour.

    ``noise`` (0-1) makes frames cost real bits; ``rotate_cw`` writes a display matrix
    into the track header, as phones do.
    """
    import av

    frames = [av.VideoFrame.from_image(_noisy(halves(size, (200 - 40 * k, 20, 20), BLUE), k, noise)) for k in range(4)]
    n = max(1, int(seconds * fps))
    with av.open(str(path), "w", options={"movflags": "faststart"} if faststart else {}) as c:
        vs = c.add_stream("libx264", rate=fps)
        vs.width, vs.height = size
        vs.pix_fmt = "yuv420p"
        vs.options = {"preset": "ultrafast", "g": str(gop), "keyint_min": str(gop), "sc_threshold": "0", "bf": "0"}
        aus = c.add_stream("aac", rate=16000) if audio else None
        for i in range(n):
            frame = frames[(i // fps) % len(frames)]
            frame.pts = i
            frame.time_base = Fraction(1, fps)
            for p in vs.encode(frame):
                c.mux(p)
        for p in vs.encode():
            c.mux(p)
        if aus is not None:
            _encode_silence(c, aus, seconds)
    if rotate_cw:
        _set_rotation(path, rotate_cw)
    return path


def _noisy(im: Image.Image, seed: int, amount: float) -> Image.Image:
    """Blend in noise so frames cost real bits (flat colour would compress to nothing)."""
    rnd = random.Random(seed)
    noise = Image.frombytes("RGB", im.size, rnd.randbytes(im.size[0] * im.size[1] * 3))
    return Image.blend(im, noise, amount)


def write_audio_only(path: Path, seconds: float = 0.5) -> Path:
    import av

    with av.open(str(path), "w", format="mp4") as c:
        _encode_silence(c, c.add_stream("aac", rate=16000), seconds)
    return path


def _encode_silence(c: object, stream: object, seconds: float) -> None:
    import av

    samples = 1024
    for i in range(max(1, int(seconds * 16000 / samples))):
        frame = av.AudioFrame(format="fltp", layout="mono", samples=samples)
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.sample_rate = 16000
        frame.pts = i * samples
        for p in stream.encode(frame):  # type: ignore[attr-defined]
            c.mux(p)  # type: ignore[attr-defined]
    for p in stream.encode():  # type: ignore[attr-defined]
        c.mux(p)  # type: ignore[attr-defined]


def _set_rotation(path: Path, degrees_cw: int) -> None:
    """Patch the first track header's matrix (the video track) like a phone's 'rotate' tag."""
    data = bytearray(path.read_bytes())
    box = data.index(b"tkhd") - 4
    assert data[box + 8] == 0, "tkhd version 0 expected"
    cos, sin = {90: (0, 1), 180: (-1, 0), 270: (0, -1)}[degrees_cw]
    struct.pack_into(">5i", data, box + 48, cos * 0x10000, sin * 0x10000, 0, -sin * 0x10000, cos * 0x10000)
    path.write_bytes(bytes(data))


def mp4_boxes(data: bytes) -> list[tuple[bytes, int, int]]:
    """Top-level MP4 boxes as (type, start, end)."""
    out = []
    pos = 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if size < 8:
            break
        out.append((kind, pos, pos + size))
        pos += size
    return out


@dataclass(frozen=True)
class Case:
    """A generated file and what the pipeline must make of it."""

    path: Path
    error: str | None  # None: a thumbnail; else a substring of the specific error


def hostile_corpus(dest: Path) -> list[Case]:
    """The issue's bad-input list, plus good controls in the same batch."""
    dest.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []
    jpeg = write_jpeg(dest / "good.jpg", (640, 480))
    png_buf = io.BytesIO()
    halves((300, 200)).save(png_buf, "PNG")
    png = png_buf.getvalue()
    (dest / "good.png").write_bytes(png)
    cases += [Case(jpeg, None), Case(dest / "good.png", None)]
    jdata = jpeg.read_bytes()
    for frac in (0.02, 0.3, 0.6, 0.95):
        p = dest / f"truncated_{int(frac * 100)}.jpg"
        p.write_bytes(jdata[: int(len(jdata) * frac)])
        cases.append(Case(p, "truncated JPEG"))
    for frac in (0.05, 0.5, 0.9):
        p = dest / f"truncated_{int(frac * 100)}.png"
        p.write_bytes(png[: int(len(png) * frac)])
        cases.append(Case(p, "PNG"))
    rnd = random.Random(3)
    (dest / "garbage.jpg").write_bytes(rnd.randbytes(5000))
    cases.append(Case(dest / "garbage.jpg", "unrecognised content"))
    (dest / "header_then_garbage.jpg").write_bytes(b"\xff\xd8\xff\xe0" + rnd.randbytes(3000))
    cases.append(Case(dest / "header_then_garbage.jpg", "JPEG"))
    (dest / "empty.jpg").write_bytes(b"")
    cases.append(Case(dest / "empty.jpg", "empty file (0 bytes)"))
    bomb = write_png_stream(dest / "bomb.png", 30000, 30000, bit_depth=1, colour=0)
    assert bomb.stat().st_size < 1_000_000
    cases.append(Case(bomb, "image of 30000×30000 pixels exceeds the 90-megapixel limit"))
    cases.append(Case(write_gif(dest / "many_frames.gif", 3000, (8, 8), duration=20), None))
    cases.append(Case(write_audio_only(dest / "audio_only.mp4"), "file has only audio, no video"))
    video = write_video(dest / "good.mp4", seconds=2.0, faststart=True)
    cases.append(Case(video, None))
    vdata = video.read_bytes()
    boxes = {kind: (start, end) for kind, start, end in mp4_boxes(vdata)}
    (dest / "header_only.mp4").write_bytes(vdata[: boxes[b"moov"][1]])
    cases.append(Case(dest / "header_only.mp4", "video has no decodable frames"))
    mdat_start, mdat_end = boxes[b"mdat"]
    (dest / "truncated_in_data.mp4").write_bytes(vdata[: (mdat_start + mdat_end) // 2])
    cases.append(Case(dest / "truncated_in_data.mp4", None))  # index intact: the frames that exist are shown
    late = write_video(dest / "moov_at_end.mp4", seconds=2.0)
    ldata = late.read_bytes()
    for frac in (0.1, 0.5, 0.9):
        p = dest / f"truncated_{int(frac * 100)}.mp4"
        p.write_bytes(ldata[: int(len(ldata) * frac)])
        cases.append(Case(p, "corrupt or truncated MP4"))
    weird = dest / os.fsdecode(b"caf\xe9_\xff.jpg")
    weird.write_bytes(jdata)
    cases.append(Case(weird, None))
    fifo = dest / "fifo.jpg"
    os.mkfifo(fifo)
    cases.append(Case(fifo, "not a regular file (a FIFO)"))
    (dest / "folder.jpg").mkdir()
    cases.append(Case(dest / "folder.jpg", "is a directory"))
    cases.append(Case(dest / "missing.jpg", "file not found"))
    return cases
