"""PDQ signatures of a picture, with the few variants that make re-shares match.

PDQ (Meta's perceptual hash, the one HMA and python-threatexchange use) reduces a picture
to 256 bits; two pictures whose hashes differ in at most ``PDQ_THRESHOLD`` bits are
taken for the same. The hex form is python-threatexchange's, so our hashes can be
compared with theirs (tests/test_pdq_signatures.py checks this on the same files).

Plain PDQ survives resizing, recompression, format changes, brightness and small
overlays, but not geometry: a letterbox, a border, or a crop of more than a few
percent moves the picture inside the 64×64 grid PDQ works on, and the distance jumps
well past 31. ``pdq_signatures`` therefore hashes up to four versions of the picture:

- ``full``: the picture as given (shrunk to ``MAX_SIDE`` on its long side if larger; PDQ
  itself works at 64×64, so this changes few bits and keeps the cost small; the media
  pipeline resamples every variant's luma to :data:`HASH_SIDE` × :data:`HASH_SIDE` first, see there);
- ``trim``: the picture without uniform borders (letterbox, pillarbox, a frame added by
  a re-share), when a border was found and what remains is at least 30 % of each side.
  A bordered copy's ``trim`` then equals the original's ``full``;
- ``crop94`` and ``crop84``: the central 94 % and 84 % of each side (of the trimmed
  picture when there is one). On detailed pictures PDQ stops matching once two crops
  differ by more than about 1 % per side, so each crop level only reaches copies
  cropped within about ±1 % of it. A copy cropped by c % on each side is the original's
  central (100 - 2c) %, and its own variants are crops of that; the pairs that meet
  are c ≈ 3 % (crop94 vs full), 8 % (crop84 vs full) and 5.3 % (the copy's crop94 vs the
  original's crop84: 0.94 × 0.894 ≈ 0.84), so symmetric crops of about 0-1 %, 2-6 % and
  7-9 % per side match. More levels would cost a full PDQ each, per picture, plus
  an index entry; one-sided crops are not covered.

Mirror images and rotations are deliberately not hashed (PDQ's dihedral variants):
each would add a hash per picture, and they are a rarer kind of re-share.

Variants with the same hex as an earlier one are dropped. Each variant keeps its own
PDQ quality; below ``MIN_QUALITY`` (flat or nearly flat pictures) the hash is stored but
must not create near-duplicate links: such hashes match unrelated pictures.

numpy (and pdqhash, for a file hashed as python-threatexchange does) are imported on first
use: the media workers import this module at start-up, and only a thumbnail job needs them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PIL import Image

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "HASH_SIDE", "MAX_SIDE", "MIN_QUALITY", "PDQ_THRESHOLD", "Signature",
    "hamming", "pdq_hex", "pdq_signatures", "pdqhash_compute",
]  # fmt: skip

PDQ_THRESHOLD = 31  # HMA's match distance (python-threatexchange's PDQ_CONFIDENT_MATCH_THRESHOLD)
MIN_QUALITY = 50  # below it a hash is "low quality": stored, but gets no near-duplicate links
MAX_SIDE = 512  # the long side the picture is shrunk to before hashing

# Border trimming: a row (column) is border when this share of its pixels is within
# TRIM_TOLERANCE (per channel) of the edge's colour; JPEG noise and ringing stay well inside.
TRIM_TOLERANCE = 16
TRIM_ROW_SHARE = 0.97
TRIM_MIN_KEEP = 0.30  # what remains after trimming, as a share of each side
TRIM_MIN_CUT = 0.01  # less than this share of a side trimmed in total: not worth a hash
CROPS = (("crop94", 0.94), ("crop84", 0.84))
Box = tuple[float, float, float, float]  # left, top, right, bottom, in pixels of the picture hashed


@dataclass(frozen=True)
class Signature:
    """One hash of one variant of a picture, as the store keeps it."""

    signal_type: str  # "pdq"
    variant: str  # "full", "trim", "crop94", "crop84"
    signal: str  # 64 lowercase hex digits
    quality: int  # PDQ's quality, 0-100

    def to_json(self) -> dict[str, Any]:
        return {"signal_type": self.signal_type, "variant": self.variant, "signal": self.signal, "quality": self.quality}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Signature:
        signal = str(data["signal"])
        if len(signal) != 64 or any(c not in "0123456789abcdef" for c in signal):
            raise ValueError(f"not a PDQ hash: {signal!r}")
        return cls(str(data["signal_type"]), str(data["variant"]), signal, int(data["quality"]))


def pdq_hex(bits: npt.ArrayLike) -> str:
    """python-threatexchange's hex of ``pdqhash.compute``'s 256 bits: bit 0 is the most
    significant bit of the first hex digit."""
    import numpy as np

    arr = np.asarray(bits).astype(np.uint8).ravel()
    if arr.size != 256:
        raise ValueError(f"a PDQ hash has 256 bits, not {arr.size}")
    return np.packbits(arr).tobytes().hex()


def hamming(a_hex: str, b_hex: str) -> int:
    """Number of differing bits between two hex hashes of the same length."""
    if len(a_hex) != len(b_hex):
        raise ValueError("hashes of different lengths")
    return (int(a_hex, 16) ^ int(b_hex, 16)).bit_count()


def pdq_signatures(im: Image.Image, hash_side: int | None = None) -> list[Signature]:
    """The PDQ signatures of ``im`` (any mode; alpha is composited onto white): see the
    module docstring for the variants. ``im`` is not modified.

    ``hash_side``: :data:`HASH_SIDE` (what the media pipeline does with its 256 px pictures, see
    there): each variant is cut out of the picture's luma and resampled to HASH_SIDE × HASH_SIDE
    in one step (``Image.resize`` with a sub-pixel ``box``), and hashed at that size.
    ``None``: each variant is hashed in colour at the size given (at most ``MAX_SIDE``) by
    pdqhash, as python-threatexchange hashes a file."""
    import numpy as np

    if hash_side not in (None, HASH_SIDE):
        raise ValueError(f"hash_side is None or {HASH_SIDE}, not {hash_side}")

    rgb = _rgb(im)
    if max(rgb.size) > MAX_SIDE:
        rgb.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.BICUBIC)
    w, h = rgb.size
    luma = rgb.convert("L")  # PDQ's own weights (ITU-R 601), in whole numbers
    box: Box = (0, 0, w, h)
    trim = _trim_box(rgb, np.asarray(luma))  # borders are found at the size given, to the pixel
    if hash_side is None:
        src, factor = rgb, 1
    else:
        # PDQ reduces a picture to its luma before anything else, and luma is linear in the
        # channels: resampling the luma gives what resampling the colours and then taking their
        # luma gives (to the rounding), for a third of the work. The variants are resampled from
        # a copy shrunk by a whole factor to at least twice hash_side (a box filter, 0.015 ms at
        # 256 px): the resample then reads a quarter of the pixels.
        factor = max(1, max(w, h) // (2 * hash_side))
        src = luma.reduce(factor) if factor > 1 else luma
    boxes: list[tuple[str, Box]] = [("full", (0, 0, src.width, src.height))]
    if trim is not None:
        top, bottom, left, right = trim
        box = (left, top, w - right, h - bottom)
        boxes.append(("trim", _scaled(box, factor)))
    x0, y0, x1, y1 = box
    for name, share in CROPS:
        dx, dy = (x1 - x0) * (1 - share) / 2, (y1 - y0) * (1 - share) / 2
        if hash_side is None:  # whole pixels
            dx, dy = round(dx), round(dy)
        if x1 - x0 - 2 * dx >= 1 and y1 - y0 - 2 * dy >= 1:
            boxes.append((name, _scaled((x0 + dx, y0 + dy, x1 - dx, y1 - dy), factor)))
    cuts = [b for _variant, b in boxes]
    hashed = _hash_luma(src, cuts) if hash_side is not None else _hash_colour(src, cuts)
    out: list[Signature] = []
    for (variant, _box), (signal, quality) in zip(boxes, hashed, strict=True):
        if all(s.signal != signal for s in out):  # the same hex as an earlier variant: dropped
            out.append(Signature("pdq", variant, signal, quality))
    return out


def _scaled(box: Box, factor: int) -> Box:
    """``box`` in the picture reduced by ``factor`` (its pixel i covers pixels factor·i ... of the original)."""
    if factor == 1:
        return box
    return (box[0] / factor, box[1] / factor, box[2] / factor, box[3] / factor)


HASH_SIDE = 64
"""The media pipeline hashes each variant resized to HASH_SIDE × HASH_SIDE (``pdq_signatures(im, HASH_SIDE)``).

PDQ works on a 64×64 picture: given any other size it box-filters and samples one itself,
with filters as wide as the picture allows — at 256 px only 2 px wide, too narrow to stop
fine detail from aliasing. Given exactly 64×64 it takes the picture as it is (the path
Meta's video hashing uses after ffmpeg has downsampled). So each variant is cut with a
sub-pixel box from the 256 px picture's luma halved by a box filter, and resampled (bilinear)
straight to 64×64. That is far nearer to the hash of the full-resolution file, which is
what python-threatexchange and HMA lists hold, and cheaper. Measured on 40 photo-like JPEGs
drafted and shrunk to 256 px as the pipeline does, and on the tests' re-shares:

==========================  ===================================  ================  ==============
hashed                      bits from the full-resolution hash   re-shares within  ms per picture
==========================  ===================================  ================  ==============
at 256 px, as given         20 median, p90 26, max 28            16                1.40
at 64 px, aspect kept       8 median, p90 10, max 18             8                 0.67
at 64×64                    2 median, p90 4, max 6               10                0.65
at 64×64, from luma (this)  2 median, p90 4, max 6               10                0.50
==========================  ===================================  ================  ==============

(From luma: each hash differs from the colour resample's by 0-4 bits, the rounding of the
luma to whole numbers before the resample instead of after; the columns above are the same.
The variants' 64×64 pictures are then hashed together by :mod:`.pdq64`, with pdqhash's
bits and quality: another day, on a slower machine, 0.76 -> 0.49-0.59 ms per picture.)

Different pictures stayed 100+ bits apart every way."""


def _rgb(im: Image.Image) -> Image.Image:
    """An RGB copy; transparent pixels become white (what most re-shares flatten onto)."""
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return im.convert("RGB")  # a copy even when already RGB


def _hash_luma(src: Image.Image, boxes: list[Box]) -> list[tuple[str, int]]:
    """(hex, quality) of each box of ``src`` (a luma picture) resampled to HASH_SIDE × HASH_SIDE:
    square, as PDQ itself samples a picture (see there); all in one go (:mod:`.pdq64`)."""
    import numpy as np

    from moderator_gui.core.dupes.pdq64 import pdq64

    grey = np.stack([np.asarray(src.resize((HASH_SIDE, HASH_SIDE), _RESAMPLE, box=box)) for box in boxes])
    return list(zip(*pdq64(grey), strict=True))


def _hash_colour(src: Image.Image, boxes: list[Box]) -> list[tuple[str, int]]:
    """(hex, quality) of each box of ``src`` (RGB) at the size it has, whole pixels: as
    python-threatexchange hashes a file."""
    import numpy as np

    out = []
    for box in boxes:
        if box == (0, 0, src.width, src.height):
            out.append(pdqhash_compute(np.asarray(src)))
        else:
            out.append(pdqhash_compute(np.asarray(src.crop((round(box[0]), round(box[1]), round(box[2]), round(box[3]))))))
    return out


def pdqhash_compute(pixels: np.ndarray) -> tuple[str, int]:
    """pdqhash's (hex, quality) of ``pixels`` (rows × columns × 3, uint8; any strides)."""
    import pdqhash

    bits, quality = pdqhash.compute(pixels)
    return pdq_hex(bits), int(quality)


_RESAMPLE = Image.Resampling.BILINEAR


def _trim_box(rgb: Image.Image, luma: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right) rows/columns of uniform border of ``rgb`` (whose luma is
    ``luma``), or None when nothing worth trimming was found or too little would remain."""
    import numpy as np

    if not (_may_border(luma[0]) and _may_border(luma[-1])) and not (_may_border(luma[:, 0]) and _may_border(luma[:, -1])):
        return None  # the usual case, told from the luma alone
    a = np.asarray(rgb)
    h, w = a.shape[:2]
    cols = a.transpose(1, 0, 2)  # a view: nothing is copied
    top, bottom = _pair(a, h)
    left, right = _pair(cols, w)
    if top + bottom < max(2, TRIM_MIN_CUT * h) and left + right < max(2, TRIM_MIN_CUT * w):
        return None
    if h - top - bottom < TRIM_MIN_KEEP * h or w - left - right < TRIM_MIN_KEEP * w:
        return None
    return top, bottom, left, right


def _may_border(line: np.ndarray) -> bool:
    """Whether ``line`` of the luma may be a line of border (a row of it a colour can be within
    TRIM_TOLERANCE of per channel, see ``_border``). What a border line's pixels are close to
    in colour, their luma is within TRIM_TOLERANCE of (give or take the luma's rounding to whole
    numbers); their median luma is then too (they are most of the line), so they are within
    twice that of the median luma. Luma is a third of the pixels, and a photo's edges seldom
    pass: most pictures are done with here."""
    import numpy as np

    ref = _median(line)
    reach = 2 * TRIM_TOLERANCE + 2  # + 2: the luma of each is rounded
    lo, hi = math.ceil(ref - reach), math.floor(ref + reach)
    return int(np.count_nonzero((line >= lo) & (line <= hi))) >= TRIM_ROW_SHARE * line.size


def _median(line: np.ndarray) -> float:
    """``np.median`` of a 1-D array, by a partial sort (a fifth of ``np.median``'s time on a line
    of 256: most of that is its Python)."""
    import numpy as np

    k = line.size // 2
    if line.size % 2:
        return float(np.partition(line, k)[k])
    part = np.partition(line, (k - 1, k))
    return (int(part[k - 1]) + int(part[k])) / 2


def _pair(lines: np.ndarray, n: int) -> tuple[int, int]:
    """The borders at both ends of ``lines``. Borders come in pairs: a letterbox, a
    pillarbox or a frame puts bars on both sides, of about the same size. A uniform band
    on one side only, however thin, is far more often content (a sky, a wall) than a border, and
    trimming it would shift the crops off the picture. (A photo without border: the
    first line is looked at, and that is all.)"""
    limit = int(n * (1 - TRIM_MIN_KEEP)) + 1
    a = _border(lines, limit)
    if a == 0:
        return 0, 0
    # The far side need not be followed past 2a + 4 lines: the pair is unequal then.
    b = _border(lines[::-1], min(limit, 2 * a + 5))
    if b and min(a, b) >= max(a, b) / 2 - 2:  # (thin bars may differ by a few lines)
        return a, b
    return 0, 0


def _border(lines: np.ndarray, limit: int) -> int:
    """How many leading lines of ``lines`` (lines × pixels × 3, uint8), at most ``limit``,
    are uniformly the colour of the first line."""
    import numpy as np

    first = lines[0]
    ref = [_median(first[:, c]) for c in range(first.shape[1])]
    # A pixel is close to ``ref`` when each channel is within TRIM_TOLERANCE of it: for whole
    # numbers, between these bounds (a median may end in .5).
    bounds = [(math.ceil(r - TRIM_TOLERANCE), math.floor(r + TRIM_TOLERANCE)) for r in ref]
    if int(np.count_nonzero(_close(first, bounds))) < TRIM_ROW_SHARE * len(first):
        return 0  # not a border
    pos, step = 1, 4
    while pos < limit:  # growing blocks of lines: a uniform band of the picture usually ends soon
        close = _close(lines[pos : min(pos + step, limit)], bounds).mean(axis=-1) >= TRIM_ROW_SHARE
        if not close.all():
            return pos + int(np.argmin(close))
        pos, step = pos + close.size, step * 2
    return limit


def _close(pixels: np.ndarray, bounds: list[tuple[int, int]]) -> np.ndarray:
    """Whether each pixel (uint8, as stored: no copy to a wider type) has every channel within
    its bounds. Channel by channel: numpy's loops over a last axis of 3 cost ~3x more."""
    ok = None
    for c, (lo, hi) in enumerate(bounds):
        channel = pixels[..., c]
        part = (channel >= lo) & (channel <= hi)
        ok = part if ok is None else ok & part
    assert ok is not None
    return ok
