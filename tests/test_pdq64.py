"""core/dupes/pdq64.py: PDQ of 64×64 luma in numpy gives what pdqhash gives on the same picture."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pdqhash
import pytest
from numpy.lib.stride_tricks import as_strided
from PIL import Image, ImageFilter

from moderator_gui.core.dupes.pdq import HASH_SIDE, pdq_hex, pdq_signatures
from moderator_gui.core.dupes.pdq64 import pdq64

Grey = npt.NDArray[np.uint8]


def _pdqhash(grey: Grey) -> tuple[str, int, npt.NDArray[np.float32]]:
    """pdqhash's hex, quality and coefficients (in its bit order) of a grey 64×64 picture."""
    colour = as_strided(grey, (64, 64, 3), (*grey.strides, 0), writeable=False)
    bits, quality = pdqhash.compute(colour)
    coeffs, _ = pdqhash.compute_float(colour)
    return pdq_hex(bits), int(quality), np.asarray(coeffs, dtype=np.float32)


def _detailed(rng: np.random.Generator) -> Grey:
    """Blurred noise at a random scale: detail in both directions, any amount of it."""
    cells = rng.integers(0, 256, (int(rng.integers(3, 40)), int(rng.integers(3, 40))), dtype=np.uint8)
    im = Image.fromarray(cells).resize((64, 64), Image.Resampling.BILINEAR)
    return np.asarray(im.filter(ImageFilter.GaussianBlur(float(rng.uniform(0, 5)))))


def _awkward(rng: np.random.Generator, kind: int) -> Grey:
    """Pictures whose DCT has coefficients that are zero in exact arithmetic."""
    if kind == 0:  # flat
        return np.full((64, 64), int(rng.integers(0, 256)), np.uint8)
    if kind == 1:  # nearly flat
        return np.clip(rng.normal(float(rng.integers(0, 256)), 1.5, (64, 64)), 0, 255).astype(np.uint8)
    line = rng.integers(0, 256, 64, dtype=np.uint8)  # varies in one direction only
    return np.repeat(line[None, :], 64, axis=0) if kind == 2 else np.repeat(line[:, None], 64, axis=1)


def test_detailed_pictures_get_pdqhashs_hex_and_quality_in_stacks_of_any_size() -> None:
    rng = np.random.default_rng(11)
    greys = [_detailed(rng) for _ in range(240)]
    expected = [_pdqhash(g)[:2] for g in greys]
    assert len({q for _h, q in expected}) > 20  # qualities from low to high, not all 100
    start = 0
    for size in (1, 2, 3, 4, 7, 223):  # the pipeline's 1-4 variants, and bigger stacks
        hexes, qualities = pdq64(np.stack(greys[start : start + size]))
        assert list(zip(hexes, qualities, strict=True)) == expected[start : start + size]
        start += size
    assert start == len(greys)


def test_where_bits_differ_pdqhashs_own_bits_are_rounding_noise() -> None:
    """Flat pictures, nearly flat ones and ones that vary in one direction only: the quality is
    always pdqhash's; a bit may differ only where pdqhash's coefficient is at its median to
    within float32 rounding (its bit there is the order of its sums, not the picture)."""
    rng = np.random.default_rng(5)
    greys = [_awkward(rng, i % 4) for i in range(200)]
    hexes, qualities = pdq64(np.stack(greys))
    differing = 0
    for grey, ours, quality in zip(greys, hexes, qualities, strict=True):
        theirs, their_quality, coeffs = _pdqhash(grey)
        assert quality == their_quality
        flips = np.unpackbits(np.frombuffer(bytes.fromhex(ours), np.uint8) ^ np.frombuffer(bytes.fromhex(theirs), np.uint8))
        median = np.partition(coeffs, 127)[127]
        noise = 1e-4 * float(np.abs(coeffs).max()) + 1e-3
        assert np.all(np.abs(coeffs[flips == 1] - median) <= noise), (quality, int(flips.sum()))
        differing += int(flips.any())
    assert differing > 0  # the test did meet the noisy case (flat pictures: all coefficients ~0)


def test_the_pipeline_hashes_what_pdqhash_hashes() -> None:
    """``pdq_signatures(im, HASH_SIDE)``'s full hash is pdqhash's hash of the 64×64 luma."""
    rng = np.random.default_rng(2)
    cells = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
    im = Image.fromarray(cells).resize((256, 192), Image.Resampling.BICUBIC)
    full = pdq_signatures(im, HASH_SIDE)[0]
    grey = np.asarray(im.convert("L").reduce(2).resize((64, 64), Image.Resampling.BILINEAR, box=(0, 0, 128, 96)))
    assert full.variant == "full" and (full.signal, full.quality) == _pdqhash(grey)[:2]


@pytest.mark.parametrize("shape", [(64, 64), (1, 32, 32), (2, 64, 63), (1, 64, 64, 3)])
def test_other_shapes_are_refused(shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="64 × 64"):
        pdq64(np.zeros(shape, np.uint8))


def test_another_hash_side_is_refused() -> None:
    with pytest.raises(ValueError, match="hash_side"):
        pdq_signatures(Image.new("RGB", (80, 80)), 32)
