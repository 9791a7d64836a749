"""core/dupes/pdq64.py: PDQ of 64×64 luma in numpy gives what pdqhash gives on the same picture."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pdqhash
import pytest
from numpy.lib.stride_tricks import as_strided
from PIL import Image, ImageFilter

from moderator_gui.core.dupes.pdq import HASH_SIDE, Box, _hash_luma, pdq_hex, pdq_signatures
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
    if kind in (2, 3):  # varies in one direction only
        line = rng.integers(0, 256, 64, dtype=np.uint8)
        return np.repeat(line[None, :], 64, axis=0) if kind == 2 else np.repeat(line[:, None], 64, axis=1)
    if kind == 4:  # a checkerboard, at quality 100
        cell = int(rng.choice([1, 2, 4, 8, 16]))
        board = (np.indices((64, 64)) // cell).sum(axis=0) % 2
        return (board * int(rng.integers(60, 256))).astype(np.uint8)
    half = _detailed(rng)[:, :32]  # mirror-symmetric, left-right or top-bottom, with detail
    sym = np.concatenate([half, half[:, ::-1]], axis=1)
    return sym if kind == 5 else np.ascontiguousarray(sym.T)


AWKWARD_KINDS = 7


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


def test_pictures_whose_bits_are_rounding_noise_get_pdqhashs_own() -> None:
    """Flat, nearly flat, one-direction, checkerboard and mirror-symmetric pictures: some
    coefficients are zero in exact arithmetic, so which side of the median they fall is the
    order of the sums. Such pictures are hashed by pdqhash (its loop is the same on every
    machine), and detailed ones among them by us: all get pdqhash's hex and quality."""
    rng = np.random.default_rng(5)
    greys = [_awkward(rng, i % AWKWARD_KINDS) for i in range(280)]
    hexes, qualities = pdq64(np.stack(greys))
    expected = [_pdqhash(g)[:2] for g in greys]
    assert list(zip(hexes, qualities, strict=True)) == expected
    assert sum(q >= 50 for _h, q in expected) > 100  # not only flat ones: symmetric at high quality


_OTHER_CPU = """
import json, sys
import numpy as np
from moderator_gui.core.dupes.pdq64 import pdq64
print(json.dumps(pdq64(np.load(sys.argv[1]))[0]))
"""


@pytest.mark.parametrize("core", ["Sandybridge", "Nehalem"])
def test_the_same_hashes_under_another_cpus_blas_kernels(core: str, tmp_path: Path) -> None:
    """numpy's OpenBLAS picks its matrix product by CPU, and each sums in its own order: desks
    on different CPUs must still hash a symmetric picture alike (it was 50-75 bits apart)."""
    rng = np.random.default_rng(8)
    stack = np.stack([_awkward(rng, 5 + i % 2) for i in range(40)] + [_detailed(rng) for _ in range(40)])
    np.save(tmp_path / "greys.npy", stack)
    env = {**os.environ, "OPENBLAS_CORETYPE": core}
    out = subprocess.run(
        [sys.executable, "-c", _OTHER_CPU, str(tmp_path / "greys.npy")], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == pdq64(stack)[0] == [_pdqhash(g)[0] for g in stack]


def test_every_step_size_gets_pdqhashs_quality() -> None:
    """One edge of each height 0-255 (64 steps of d across, or down): the quality's truncation
    of each step is pinned for every d, e.g. d = 23: 100·23/255 = 9.02 counts 9 (8 over 256)."""
    left = np.zeros((64, 64), np.uint8)
    pictures = []
    for d in range(256):
        edge = left.copy()
        edge[:, 32:] = d
        pictures.append(edge if d % 2 else np.ascontiguousarray(edge.T))
    _hexes, qualities = pdq64(np.stack(pictures))
    assert qualities == [_pdqhash(p)[1] for p in pictures]
    assert len(set(qualities)) > 20


def test_each_variant_gets_its_own_quality() -> None:
    """The pipeline's variants, each with the quality of its own 64×64 picture: a detailed
    middle in a plain surround gives the crops far more detail per pixel than the whole."""
    rng = np.random.default_rng(4)
    im = Image.new("L", (128, 128), 128)
    patch = Image.fromarray(rng.integers(96, 160, (8, 8), dtype=np.uint8)).resize((40, 40), Image.Resampling.BILINEAR)
    im.paste(patch, (44, 44))
    boxes: list[Box] = [(0, 0, 128, 128), (32, 32, 96, 96), (40.5, 40.5, 87.5, 87.5), (0, 0, 30, 30)]
    got = _hash_luma(im, boxes)
    expected = [_pdqhash(np.asarray(im.resize((64, 64), Image.Resampling.BILINEAR, box=box)))[:2] for box in boxes]
    assert got == expected
    assert len({q for _h, q in got}) == len(boxes)


def test_the_pipeline_hashes_what_pdqhash_hashes() -> None:
    """``pdq_signatures(im, HASH_SIDE)``'s full hash is pdqhash's hash of the 64×64 luma."""
    rng = np.random.default_rng(2)
    cells = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
    im = Image.fromarray(cells).resize((256, 192), Image.Resampling.BICUBIC)
    full = pdq_signatures(im, HASH_SIDE)[0]
    grey = np.asarray(im.convert("L").reduce(2).resize((64, 64), Image.Resampling.BILINEAR, box=(0, 0, 128, 96)))
    assert full.variant == "full" and (full.signal, full.quality) == _pdqhash(grey)[:2]


@pytest.mark.parametrize(
    ("shape", "dtype"),
    [((64, 64), np.uint8), ((1, 32, 32), np.uint8), ((2, 64, 63), np.uint8), ((1, 64, 64, 3), np.uint8),
     ((1, 64, 64), np.uint16), ((1, 64, 64), np.float32), ((1, 64, 64), np.int8)],
)  # fmt: skip
def test_other_shapes_and_types_are_refused(shape: tuple[int, ...], dtype: type) -> None:
    with pytest.raises(ValueError, match="64 × 64 pictures of uint8"):
        pdq64(np.zeros(shape, dtype))


def test_an_empty_stack_has_no_hashes() -> None:
    assert pdq64(np.zeros((0, 64, 64), np.uint8)) == ([], [])


def test_another_hash_side_is_refused() -> None:
    with pytest.raises(ValueError, match="hash_side"):
        pdq_signatures(Image.new("RGB", (80, 80)), 32)
