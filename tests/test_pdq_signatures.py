"""PDQ signatures (core/dupes/pdq.py) and the media workers that compute them.

Pictures are generated with Pillow (gradients, shapes, text: detailed like a photo or a
meme, seeded) and written as real files; the copies a re-share makes (resized,
recompressed, cropped, bordered, brightened, watermarked) go through the real THUMB
pipeline (``decode.render``), whose probe carries the signatures the store will read.
"""

from __future__ import annotations

import io
import os
import random
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageEnhance, ImageFont

from media_corpus import write_video
from moderator_gui.core.dupes.pdq import HASH_SIDE, MIN_QUALITY, PDQ_THRESHOLD, Signature, hamming, pdq_hex, pdq_signatures
from moderator_gui.core.media import signatures as media_signatures
from moderator_gui.core.media.decode import render
from moderator_gui.core.media.types import MediaKind


def picture(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A detailed picture: a two-colour gradient, 25 shapes and 4 words, all from ``seed``."""
    rnd = random.Random(seed)
    w, h = size

    def colour() -> tuple[int, int, int]:
        return (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))

    ramp = Image.linear_gradient("L").rotate(rnd.randrange(360)).resize(size)
    im = Image.composite(Image.new("RGB", size, colour()), Image.new("RGB", size, colour()), ramp)
    d = ImageDraw.Draw(im)
    for _ in range(25):
        x0, y0 = rnd.randrange(w), rnd.randrange(h)
        box = (x0, y0, x0 + rnd.randrange(20, w // 2), y0 + rnd.randrange(20, h // 2))
        shape = rnd.randrange(3)
        if shape == 0:
            d.rectangle(box, fill=colour())
        elif shape == 1:
            d.ellipse(box, fill=colour())
        else:
            d.line(box, fill=colour(), width=rnd.randrange(2, 12))
    font = ImageFont.load_default(size=28)
    for _ in range(4):
        word = "".join(rnd.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(6))
        d.text((rnd.randrange(w - 100), rnd.randrange(h - 30)), word, fill=colour(), font=font)
    return im


def encoded(im: Image.Image, fmt: str, **options: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **options)
    return buf.getvalue()


def _crop(im: Image.Image, percent: int) -> Image.Image:
    w, h = im.size
    dx, dy = round(w * percent / 100), round(h * percent / 100)
    return im.crop((dx, dy, w - dx, h - dy))


def _border(im: Image.Image) -> Image.Image:
    """A black frame of 10 % of each side around the picture."""
    w, h = im.size
    out = Image.new("RGB", (round(w * 1.2), round(h * 1.2)), (0, 0, 0))
    out.paste(im, (round(w * 0.1), round(h * 0.1)))
    return out


def _letterbox(im: Image.Image) -> Image.Image:
    """The 4:3 picture inside a 16:9 frame (black bars left and right), as a video re-share shows it."""
    w, h = im.size
    out = Image.new("RGB", (round(h * 16 / 9), h), (0, 0, 0))
    out.paste(im, ((out.width - w) // 2, 0))
    return out


def _watermark(im: Image.Image) -> Image.Image:
    out = im.copy()
    font = ImageFont.load_default(size=20)
    ImageDraw.Draw(out).text((out.width - 150, out.height - 30), "@reshare", fill=(255, 255, 255), font=font)
    return out


# name -> (the copy, the format it is saved in)
COPIES: dict[str, tuple[Callable[[Image.Image], Image.Image], str]] = {
    "resized 50%": (lambda im: im.resize((im.width // 2, im.height // 2), Image.Resampling.LANCZOS), "PNG"),
    "JPEG q=40": (lambda im: im, "JPEG40"),
    "WebP": (lambda im: im, "WEBP"),
    "cropped 5%": (lambda im: _crop(im, 5), "PNG"),
    "cropped 8%": (lambda im: _crop(im, 8), "PNG"),
    "black border 10%": (_border, "JPEG"),
    "letterbox 16:9": (_letterbox, "JPEG"),
    "brightened +20%": (lambda im: ImageEnhance.Brightness(im).enhance(1.2), "PNG"),
    "watermark": (_watermark, "PNG"),
}
# Plain PDQ (full vs full) must miss these: the reason for the variants.
PLAIN_MISSES = {"cropped 5%", "cropped 8%", "black border 10%", "letterbox 16:9"}


def _write(path: Path, im: Image.Image, fmt: str) -> Path:
    if fmt == "JPEG40":
        path.write_bytes(encoded(im, "JPEG", quality=40))
    elif fmt == "JPEG":
        path.write_bytes(encoded(im, "JPEG", quality=85))
    else:
        path.write_bytes(encoded(im, fmt))
    return path


def _thumb_signatures(src: Path, out: Path) -> list[Signature]:
    """The signatures a prefetch computes for ``src`` (a real THUMB render)."""
    out.mkdir(exist_ok=True)
    probe = render(os.fsencode(src), MediaKind.THUMB, out / src.stem, out).probe
    return [Signature.from_json(s) for s in probe["signatures"]]


def min_distance(a: list[Signature], b: list[Signature]) -> int:
    return min(hamming(x.signal, y.signal) for x in a for y in b)


def _full(sigs: list[Signature]) -> Signature:
    assert sigs[0].variant == "full"
    return sigs[0]


# --- the hash itself -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_full_hash_equals_python_threatexchange(fmt: str) -> None:
    """Same file, same hex: our hashes can be compared with HMA's and threatexchange's."""
    from threatexchange.signal_type.pdq.signal import PdqSignal

    data = encoded(picture(1, (512, 384)), fmt)
    theirs = PdqSignal.hash_from_bytes(data)
    with Image.open(io.BytesIO(data)) as im:
        ours = _full(pdq_signatures(im))
    assert theirs and ours.signal == theirs
    assert ours.quality >= MIN_QUALITY


def test_greyscale_jpeg_equals_python_threatexchange() -> None:
    from threatexchange.signal_type.pdq.signal import PdqSignal

    data = encoded(picture(2, (480, 360)).convert("L"), "JPEG")
    with Image.open(io.BytesIO(data)) as im:
        assert _full(pdq_signatures(im)).signal == PdqSignal.hash_from_bytes(data)


def test_bit_order_is_msb_first() -> None:
    bits = np.zeros(256, dtype=np.uint8)
    bits[0] = 1
    assert pdq_hex(bits) == "8" + "0" * 63
    bits[0], bits[255] = 0, 1
    assert pdq_hex(bits) == "0" * 63 + "1"
    with pytest.raises(ValueError, match="256 bits"):
        pdq_hex(np.zeros(255))


def test_the_border_search_median_is_numpys() -> None:
    """``_median`` (a partial sort) gives what ``np.median`` gives: odd and even lengths, lines of
    one shade with a few outliers, and columns (strided views)."""
    from moderator_gui.core.dupes.pdq import _median

    rng = np.random.default_rng(3)
    for n in range(1, 120):
        for flat in (False, True):
            line = rng.integers(0, 256, n).astype(np.uint8)
            if flat:
                line[:] = rng.integers(0, 256)
                line[rng.integers(0, n, max(1, n // 20))] = rng.integers(0, 256)
            assert _median(line) == float(np.median(line)), (n, line)
    block = rng.integers(0, 256, (64, 50)).astype(np.uint8)
    assert all(_median(block[:, k]) == float(np.median(block[:, k])) for k in range(50))


def test_hamming() -> None:
    assert hamming("0" * 64, "0" * 64) == 0
    assert hamming("f" + "0" * 63, "0" * 63 + "3") == 6
    with pytest.raises(ValueError, match="lengths"):
        hamming("00", "000")


def test_signature_json_round_trip() -> None:
    sig = Signature("pdq", "crop94", "ab" * 32, 87)
    assert sig.to_json() == {"signal_type": "pdq", "variant": "crop94", "signal": "ab" * 32, "quality": 87}
    assert Signature.from_json(sig.to_json()) == sig
    with pytest.raises(ValueError, match="not a PDQ hash"):
        Signature.from_json({"signal_type": "pdq", "variant": "full", "signal": "AB" * 32, "quality": 1})


def test_variants_of_a_plain_picture_and_of_a_bordered_one() -> None:
    plain = pdq_signatures(picture(3))
    assert [s.variant for s in plain] == ["full", "crop94", "crop84"]
    framed = pdq_signatures(_border(picture(3)))
    assert [s.variant for s in framed] == ["full", "trim", "crop94", "crop84"]
    # The frame's trim is the picture itself, its crops the picture's crops.
    assert all(hamming(a.signal, b.signal) <= 8 for a, b in zip(plain, framed[1:], strict=True))
    assert len({s.signal for s in framed}) == len(framed)


@pytest.mark.parametrize("hash_side", [None, HASH_SIDE])
@pytest.mark.parametrize(
    "bands",
    [[(0, 0, 639, 100)], [(0, 0, 639, 1)], [(0, 0, 639, 3)], [(0, 0, 2, 479)], [(0, 0, 639, 1), (0, 0, 1, 479)]],
    ids=["sky", "2 px top", "4 px top", "3 px left", "2 px top and left"],
)
def test_a_one_sided_band_is_content_not_a_border(bands: list[tuple[int, int, int, int]], hash_side: int | None) -> None:
    """A uniform band along one edge (a sky, a wall, a rule), however thin, is not trimmed:
    borders come in pairs."""
    im = picture(4)
    for box in bands:
        ImageDraw.Draw(im).rectangle(box, fill=(120, 170, 230))
    assert "trim" not in [s.variant for s in pdq_signatures(im, hash_side)]


@pytest.mark.parametrize("top", [1, 2, 4])
def test_a_thin_band_on_one_side_of_a_pillarboxed_picture_is_content(top: int) -> None:
    """Black bars left and right are trimmed; a thin band along the top only is not, though
    the pillarbox makes the border search look at every edge."""
    from moderator_gui.core.dupes.pdq import _trim_box

    im = Image.new("RGB", (640, 360))
    im.paste(picture(4, (480, 360)), (80, 0))
    ImageDraw.Draw(im).rectangle((0, 0, 639, top - 1), fill=(120, 170, 230))
    assert _trim_box(im, np.asarray(im.convert("L"))) == (0, 0, 80, 80)


@pytest.mark.parametrize("hash_side", [None, HASH_SIDE])
def test_bands_even_in_luma_but_not_in_colour_are_content(hash_side: int | None) -> None:
    """Bands along two opposite edges that fade from a red to a green of the same luma: one
    shade to the eye of the luma alone (which is where borders are looked for first), but
    no border: not trimmed. The same bands in one colour are."""
    im = picture(4)
    red, green = np.array([200, 50, 50]), np.array([30, 140, 30])  # luma 94.9 and 94.6
    ramp = np.linspace(0.0, 1.0, im.width)[:, None]
    band = Image.fromarray(np.round(red + (green - red) * ramp).astype(np.uint8)[None, :, :].repeat(40, axis=0))
    im.paste(band, (0, 0))
    im.paste(band, (0, im.height - 40))
    luma = np.asarray(im.convert("L"))
    assert luma[:40].max() - luma[:40].min() <= 2 and luma[-40:].max() - luma[-40:].min() <= 2
    assert "trim" not in [s.variant for s in pdq_signatures(im, hash_side)]
    ImageDraw.Draw(im).rectangle((0, 0, im.width, 39), fill=(200, 50, 50))
    ImageDraw.Draw(im).rectangle((0, im.height - 40, im.width, im.height), fill=(200, 50, 50))
    assert "trim" in [s.variant for s in pdq_signatures(im, hash_side)]


def test_large_pictures_are_hashed_at_512_px() -> None:
    big = picture(5, (2048, 1536))
    small = big.resize((512, 384), Image.Resampling.BICUBIC)
    assert hamming(_full(pdq_signatures(big)).signal, _full(pdq_signatures(small)).signal) <= 4


def test_flat_picture_is_low_quality() -> None:
    sigs = pdq_signatures(Image.new("RGB", (400, 300), (90, 140, 200)))
    assert sigs[0].variant == "full" and all(s.quality < MIN_QUALITY for s in sigs)
    noisy_flat = Image.effect_noise((400, 300), 3).convert("RGB")  # sensor noise on a grey card
    assert all(s.quality < MIN_QUALITY for s in pdq_signatures(noisy_flat))


def test_transparent_picture_is_flattened_onto_white() -> None:
    im = picture(6).convert("RGBA")
    im.putalpha(Image.new("L", im.size, 255))
    ImageDraw.Draw(im).rectangle((0, 0, 200, 479), fill=(0, 0, 0, 0))
    on_white = Image.new("RGB", im.size, (255, 255, 255))
    on_white.paste(im, mask=im.getchannel("A"))
    assert _full(pdq_signatures(im)).signal == _full(pdq_signatures(on_white)).signal


# --- re-shares match, different pictures do not ------------------------------------------


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Image.Image, list[Signature]]]:
    folder = tmp_path_factory.mktemp("originals")
    out = {}
    for seed in (11, 12, 13, 14):
        im = picture(seed)
        out[seed] = (im, _thumb_signatures(_write(folder / f"o{seed}.png", im, "PNG"), folder / "out"))
    return out


@pytest.mark.parametrize("copy", list(COPIES))
def test_a_reshared_copy_matches_its_original(
    copy: str, originals: dict[int, tuple[Image.Image, list[Signature]]], tmp_path: Path
) -> None:
    make, fmt = COPIES[copy]
    for seed, (im, theirs) in originals.items():
        ours = _thumb_signatures(_write(tmp_path / f"c{seed}.img", make(im), fmt), tmp_path / "out")
        d = min_distance(ours, theirs)
        assert d <= PDQ_THRESHOLD, f"{copy} of picture {seed}: distance {d}"
        plain = hamming(_full(ours).signal, _full(theirs).signal)
        if copy in PLAIN_MISSES:
            assert plain > PDQ_THRESHOLD, f"plain PDQ already matches the {copy} copy of picture {seed} ({plain})"


# A list made elsewhere holds the full-resolution hash of the original file (HMA, ThreatExchange).
# Crops are not among these: a list has no crops of its pictures to meet a cropped copy's.
LIST_MATCHES = [c for c in COPIES if not c.startswith("cropped")]


@pytest.mark.parametrize("copy", LIST_MATCHES)
def test_a_shared_lists_hash_of_the_original_marks_the_reshares(
    copy: str, originals: dict[int, tuple[Image.Image, list[Signature]]], tmp_path: Path
) -> None:
    """python-threatexchange hashes the original file at full resolution; the prefetch hashes
    each copy's 256 px thumbnail picture (each variant resampled to 64×64): within the threshold."""
    from threatexchange.signal_type.pdq.signal import PdqSignal

    make, fmt = COPIES[copy]
    for seed, (im, _ours) in originals.items():
        listed = PdqSignal.hash_from_bytes(encoded(im, "PNG"))
        copy_sigs = _thumb_signatures(_write(tmp_path / f"c{seed}.img", make(im), fmt), tmp_path / "out")
        d = min(hamming(listed, s.signal) for s in copy_sigs)
        assert d <= PDQ_THRESHOLD, f"{copy} of picture {seed}: {d} bits from the list's hash"


def test_different_pictures_never_match(tmp_path: Path) -> None:
    """30 different pictures: every variant of one is more than the threshold away from
    every variant of another (the minimum seen is printed: run with -s)."""
    sigs = []
    for seed in range(100, 130):
        sigs.append(_thumb_signatures(_write(tmp_path / f"p{seed}.png", picture(seed), "PNG"), tmp_path / "out"))
    closest = min(min_distance(a, b) for i, a in enumerate(sigs) for b in sigs[i + 1 :])
    print(f"\nclosest pair of different pictures: {closest} bits (threshold {PDQ_THRESHOLD})")
    assert closest > PDQ_THRESHOLD


# --- through the real worker code -----------------------------------------------------------


def _render(src: Path, out: Path, kind: MediaKind) -> dict[str, object]:
    out.mkdir(exist_ok=True)
    return render(os.fsencode(src), kind, out / "x", out).probe


def _animated_gif(path: Path) -> Path:
    frames = [picture(20 + k, (320, 240)).quantize(128) for k in range(4)]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return path


@pytest.mark.parametrize("kind", ["png", "jpeg", "gif", "mp4"])
def test_thumb_jobs_carry_signatures_and_the_others_do_not(kind: str, tmp_path: Path) -> None:
    if kind == "png":
        src = _write(tmp_path / "a.png", picture(7), "PNG")
    elif kind == "jpeg":
        src = _write(tmp_path / "a.jpg", picture(7, (1920, 1440)), "JPEG")  # drafted: decoded at reduced scale
    elif kind == "gif":
        src = _animated_gif(tmp_path / "a.gif")
    else:
        src = write_video(tmp_path / "a.mp4", seconds=2.0, size=(320, 240), noise=0.05)
    probe = _render(src, tmp_path / "out", MediaKind.THUMB)
    sigs = probe["signatures"]
    assert isinstance(sigs, list) and sigs
    for s in sigs:
        assert set(s) == {"signal_type", "variant", "signal", "quality"} and s["signal_type"] == "pdq"
        assert Signature.from_json(s).variant in {"full", "trim", "crop94", "crop84"}
    if kind in ("png", "jpeg"):  # the picture the job decoded, shrunk: close to the picture's own hash
        original = picture(7, (1920, 1440) if kind == "jpeg" else (640, 480))
        assert hamming(sigs[0]["signal"], _full(pdq_signatures(original)).signal) <= 16
    if kind == "gif":  # the first frame's
        with Image.open(src) as im:
            first = _full(pdq_signatures(im))
        assert hamming(sigs[0]["signal"], first.signal) <= 16
    for other in (MediaKind.PREVIEW, MediaKind.STRIP):
        assert "signatures" not in _render(src, tmp_path / other.value, other)


def test_a_failed_hash_leaves_the_thumbnail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_im: Image.Image) -> list[Signature]:
        raise RuntimeError("hashing exploded")

    monkeypatch.setattr("moderator_gui.core.dupes.pdq.pdq_signatures", broken)
    src = _write(tmp_path / "a.png", picture(8), "PNG")
    out = tmp_path / "out"
    out.mkdir()
    done = render(os.fsencode(src), MediaKind.THUMB, out / "x", out)
    assert "signatures" not in done.probe and done.probe["real_type"] == "png"
    assert (out / done.files[0].name).stat().st_size > 0


def test_signatures_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media_signatures, "ENABLED", False)
    assert "signatures" not in _render(_write(tmp_path / "a.png", picture(9), "PNG"), tmp_path / "out", MediaKind.THUMB)


def test_signatures_are_of_the_upright_picture(tmp_path: Path) -> None:
    """A phone photo stored sideways with EXIF orientation 6 hashes like the upright picture."""
    upright = picture(10)
    exif = Image.Exif()
    exif[0x0112] = 6  # shown after turning it 90° clockwise: store it turned 90° counter-clockwise
    sideways = tmp_path / "sideways.jpg"
    upright.transpose(Image.Transpose.ROTATE_90).save(sideways, "JPEG", quality=90, exif=exif)
    ours = _thumb_signatures(sideways, tmp_path / "out")
    theirs = _thumb_signatures(_write(tmp_path / "upright.png", upright, "PNG"), tmp_path / "out")
    assert hamming(_full(ours).signal, _full(theirs).signal) <= 8


@pytest.mark.parametrize("hash_side", [None, HASH_SIDE])
@pytest.mark.parametrize("size", [(1, 1), (1, 300), (300, 1), (3, 700), (5, 5), (255, 129), (257, 65), (131, 383)])
def test_tiny_thin_and_odd_pictures_hash_without_trouble(size: tuple[int, int], hash_side: int | None) -> None:
    """Odd sizes too: the pipeline's variants are boxes of a picture halved (rounded up)."""
    noise = Image.effect_noise(size, 50).convert("RGB")
    framed = Image.new("RGB", (size[0] + 40, size[1] + 40))
    framed.paste(noise, (20, 20))
    for im in (noise, framed):
        sigs = pdq_signatures(im, hash_side)
        assert sigs and sigs[0].variant == "full" and len(sigs[0].signal) == 64


def test_signatures_cross_the_worker_protocol_and_the_cache(tmp_path: Path) -> None:
    """A real worker process computes them, the cache keeps them with the probe."""
    import hashlib

    from moderator_gui.core.media import MediaJob, MediaResult, MediaService

    src = _write(tmp_path / "a.jpg", picture(11), "JPEG")
    expected = _thumb_signatures(src, tmp_path / "direct")
    job = MediaJob(hashlib.sha256(src.read_bytes()).hexdigest(), os.fsencode(src), MediaKind.THUMB)
    got: list[MediaResult] = []
    with MediaService(tmp_path / "cache", workers=1) as svc:
        svc.request(job, 0, got.append)
        assert svc.wait_idle(30)
        cached = svc.lookup(job.sha256, MediaKind.THUMB)
    assert got and got[0].ok and got[0].probe is not None and not got[0].from_cache
    assert [Signature.from_json(s) for s in got[0].probe["signatures"]] == expected
    assert cached is not None and cached.from_cache and cached.probe is not None
    assert cached.probe["signatures"] == got[0].probe["signatures"]
