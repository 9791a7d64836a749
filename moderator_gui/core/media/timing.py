"""Frame delays (and GIF frame extents) of GIF, animated WebP and APNG, read without decoding pixels.

Pillow only knows a frame's delay after seeking to it, which for GIF and WebP means
decoding every frame: a 60-frame sticker costs ~100 ms just to learn the duration for
the probe. Walking the blocks/chunks instead takes microseconds. The input is hostile:
every read is bounds-checked and any inconsistency returns None ("unknown"), never raises.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass, field


@dataclass
class Scan:
    """What the container says: each frame's raw delay in ms, and the largest frame extent."""

    delays: list[int] = field(default_factory=list)
    extent: tuple[int, int] = (0, 0)  # GIF: max (left + width, top + height) of any frame


def scan(data: bytes | mmap.mmap, real_type: str) -> Scan | None:
    """The frames as the file states them, or None when the structure cannot be followed."""
    view = memoryview(data)
    walk = {"gif": _gif, "webp": _webp, "apng": _apng}.get(real_type)
    try:
        result = walk(view) if walk else None
    except (IndexError, struct.error, ValueError):
        return None
    finally:
        view.release()
    return result if result is not None and result.delays else None


def _gif(d: memoryview) -> Scan:
    flags = d[10]
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    out = Scan()
    delay = 0
    while pos < len(d):
        block = d[pos]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension: a graphic control extension carries the next frame's delay
            if d[pos + 1] == 0xF9 and d[pos + 2] >= 4:
                delay = struct.unpack_from("<H", d, pos + 4)[0] * 10
            pos = _skip_sub_blocks(d, pos + 2)
        elif block == 0x2C:  # image descriptor
            left, top, width, height = struct.unpack_from("<4H", d, pos + 1)
            out.extent = (max(out.extent[0], left + width), max(out.extent[1], top + height))
            local = d[pos + 9]
            pos += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0) + 1  # + LZW minimum code size
            pos = _skip_sub_blocks(d, pos)
            out.delays.append(delay)
            delay = 0
        else:
            break  # garbage after the last good frame: what we have is what decoders show
    return out


def _skip_sub_blocks(d: memoryview, pos: int) -> int:
    while True:
        n = d[pos]
        pos += 1 + n
        if n == 0:
            return pos


def _webp(d: memoryview) -> Scan:
    pos = 12
    out = Scan()
    while pos + 8 <= len(d):
        kind = bytes(d[pos : pos + 4])
        (size,) = struct.unpack_from("<I", d, pos + 4)
        if kind == b"ANMF":
            out.delays.append(int.from_bytes(d[pos + 20 : pos + 23], "little"))
        pos += 8 + size + (size & 1)
    return out


def _apng(d: memoryview) -> Scan:
    pos = 8
    out = Scan()
    while pos + 8 <= len(d):
        size, kind = struct.unpack_from(">I4s", d, pos)
        if kind == b"fcTL":
            num, den = struct.unpack_from(">HH", d, pos + 8 + 20)
            out.delays.append(num * 1000 // (den or 100))
        elif kind == b"IEND":
            break
        pos += 12 + size
    return out
