"""PDQ of pictures already reduced to 64×64 luma, several at once, in numpy.

Given a 64×64 picture, Meta's PDQ does no resampling of its own (its Jarosz filter is one
pixel wide and its decimation picks every pixel): what is left is a quality figure from the
picture's gradients, a 2-D DCT keeping 16×16 coefficients, and one bit per coefficient,
set when it is above their median. That is what this module computes, for a stack of
pictures in a few numpy calls, with pdqhash's arithmetic (float32, the same truncations).

Why not ``pdqhash.compute``: the media pipeline hashes three or four 64×64 variants of
every picture (``pdq.HASH_SIDE``), and each call of pdqhash spends about half of its time in
its own Python (a float64 luma of three channels, then one Python step per bit). Three
variants here take a fifth of what three calls of pdqhash take (82 vs 390 µs, side by side).

The result is pdqhash's: always the same quality, and the same bits except where pdqhash's
own bits are rounding noise: when coefficients lie within float32 rounding of the median, the
order of the DCT's sums decides. That happens when coefficients are zero in exact arithmetic:
in a flat picture (quality 0: its hash never links anything), or one that varies in one
direction only. tests/test_pdq_signatures.py compares the two on hundreds of pictures.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["pdq64"]

_SIDE = 64


def _dct_matrix() -> npt.NDArray[np.float32]:
    """PDQ's 16×64 DCT-II rows 1-16 (the constant row 0 is left out), as pdqhash builds them,
    in reverse order: pdqhash lists the last coefficient first (bit 0 of the hex is coefficient
    [15][15]), and reversed rows on both sides of the DCT give the 16×16 coefficients in that
    order already."""
    i = np.arange(1, 17, dtype=np.float64)[:, None]
    j = np.arange(_SIDE, dtype=np.float64)[None, :]
    rows = np.sqrt(2.0 / _SIDE) * np.cos(np.pi / 2 / _SIDE * i * (2 * j + 1))
    return np.ascontiguousarray(rows[::-1], dtype=np.float32)


_DCT = _dct_matrix()
_DCT_T = np.ascontiguousarray(_DCT.T)


def pdq64(grey: npt.NDArray[np.uint8]) -> tuple[list[str], list[int]]:
    """The PDQ hashes (python-threatexchange's hex) and qualities of ``grey``, a stack of
    k pictures of 64×64 luma (k × 64 × 64, uint8)."""
    if grey.ndim != 3 or grey.shape[1:] != (_SIDE, _SIDE):
        raise ValueError(f"pdq64 takes k × 64 × 64 pictures, not {grey.shape}")
    return [row.tobytes().hex() for row in _bits(grey.astype(np.float32))], [int(q) for q in _quality(grey)]


def _quality(grey: npt.NDArray[np.uint8]) -> npt.NDArray[np.int64]:
    """PDQ's quality: each step between neighbours (down, across) in whole percent of full scale,
    truncated (pdqhash: ``int((u - v) * 100 / 255)`` in float32), summed absolute, over 90, at
    most 100. In whole numbers here: 100·|d| / 255 is never within float32's rounding of a whole
    number unless it is one (its fraction is at least 1/255), so float32's truncation is floor
    division's."""
    g = grey.astype(np.int16)
    n = len(g)
    steps = np.empty((2, n, (_SIDE - 1) * _SIDE), dtype=np.int16)  # down, then across
    # (reshape gives views of steps[0] and steps[1], which are contiguous: written in place)
    np.subtract(g[:, :-1, :], g[:, 1:, :], out=steps[0].reshape(n, _SIDE - 1, _SIDE))
    np.subtract(g[:, :, :-1], g[:, :, 1:], out=steps[1].reshape(n, _SIDE, _SIDE - 1))
    np.abs(steps, out=steps)
    steps *= 100  # at most 25,500: int16 holds it
    steps //= 255
    total = steps.sum(axis=(0, 2), dtype=np.int64)
    return np.minimum(total // 90, 100)


def _bits(luma: npt.NDArray[np.float32]) -> npt.NDArray[np.uint8]:
    """The 256 bits of each picture, packed (32 bytes each): set for the coefficients above the
    128th smallest of the 256 (Torben's median, as PDQ takes it)."""
    coeffs = (_DCT @ luma @ _DCT_T).reshape(len(luma), 256)
    median = np.partition(coeffs, 127, axis=1)[:, 127:128]
    return np.packbits(coeffs > median, axis=1)
