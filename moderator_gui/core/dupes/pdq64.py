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

The result is pdqhash's, on every machine. The quality is computed exactly. The bits are
the 128 largest of the 256 coefficients: ours are computed by whatever order of sums numpy's
BLAS picks for this CPU, pdqhash's by one fixed loop, each within ~1e-3 of the exact values
(float32). Where the 128th and 129th largest are further apart than :data:`MARGIN` (far more
than that), both pick the same 128. Where they are not — flat pictures, pictures that are
mirror-symmetric or vary in one direction only, checkerboards: coefficients that are zero in
exact arithmetic, so that their order is rounding noise — the picture is handed to pdqhash,
whose noise is at least the same on every machine (a few pictures in a hundred).
tests/test_pdq64.py compares the two on hundreds of pictures, symmetric ones included, and
under the BLAS kernels of other CPUs.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["pdq64"]

_SIDE = 64


def _dct_matrix() -> npt.NDArray[np.float32]:
    """PDQ's 16×64 DCT-II rows 1-16 (the constant row 0 is left out), as pdqhash builds them (a
    float32 scale times a double cosine, stored as float32), in reverse order: pdqhash lists the
    last coefficient first (bit 0 of the hex is coefficient [15][15]), and reversed rows on both
    sides of the DCT give the 16×16 coefficients in that order already."""
    i = np.arange(1, 17, dtype=np.float64)[:, None]
    j = np.arange(_SIDE, dtype=np.float64)[None, :]
    scale = np.float64(np.float32(np.sqrt(2.0 / _SIDE)))
    rows = scale * np.cos(np.pi / 2 / _SIDE * i * (2 * j + 1))
    return np.ascontiguousarray(rows[::-1], dtype=np.float32)


_DCT = _dct_matrix()
_DCT_T = np.ascontiguousarray(_DCT.T)
MARGIN = 0.02
"""The least gap between the 128th and 129th largest coefficient for which our bits are taken
as they are: 100× the largest difference from pdqhash's coefficients seen on ordinary pictures
(~2e-4), and a gap that ordinary pictures seldom have (see the module docstring)."""


def pdq64(grey: npt.NDArray[np.uint8]) -> tuple[list[str], list[int]]:
    """The PDQ hashes (python-threatexchange's hex) and qualities of ``grey``, a stack of
    k pictures of 64×64 luma (k × 64 × 64, uint8)."""
    if grey.ndim != 3 or grey.shape[1:] != (_SIDE, _SIDE) or grey.dtype != np.uint8:
        raise ValueError(f"pdq64 takes k × 64 × 64 pictures of uint8, not {grey.shape} of {grey.dtype}")
    bits, close = _bits(grey.astype(np.float32))
    hexes = [row.tobytes().hex() for row in bits]
    for k in np.flatnonzero(close):  # the order at the median is rounding noise: pdqhash's
        hexes[k] = _pdqhash_hex(grey[k])
    return hexes, [int(q) for q in _quality(grey)]


def _pdqhash_hex(grey: npt.NDArray[np.uint8]) -> str:
    """pdqhash's hex of one 64×64 luma picture (three channels that are one: a stride of 0)."""
    from numpy.lib.stride_tricks import as_strided

    from moderator_gui.core.dupes.pdq import pdqhash_compute

    return pdqhash_compute(as_strided(grey, (_SIDE, _SIDE, 3), (*grey.strides, 0), writeable=False))[0]


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


def _bits(luma: npt.NDArray[np.float32]) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    """The 256 bits of each picture, packed (32 bytes each): set for the coefficients above the
    128th smallest of the 256 (Torben's median, as PDQ takes it); and whether the 128th and
    129th smallest are within :data:`MARGIN` of each other."""
    coeffs = (_DCT @ luma @ _DCT_T).reshape(len(luma), 256)
    middle = np.partition(coeffs, (127, 128), axis=1)[:, 127:129]
    median = middle[:, :1]
    return np.packbits(coeffs > median, axis=1), (middle[:, 1] - middle[:, 0]) <= MARGIN
