"""What the decoder makes of real files: colours, orientation, alpha, animation and video frames.

These call ``decode.render`` in the test process on files we trust (generated or from
the Pillow corpus's controls); hostile input goes through real workers in
test_media_service.py.
"""

from __future__ import annotations

import os
import random
import struct
from pathlib import Path

import pytest
from PIL import Image

from corpus import PILLOW_CORPUS
from media_corpus import BLUE, RED, halves, write_gif, write_jpeg, write_video
from moderator_gui.core.media.decode import Rendered, render
from moderator_gui.core.media.timing import scan
from moderator_gui.core.media.types import MediaError, MediaKind


def _render(src: Path, out: Path, kind: MediaKind = MediaKind.THUMB) -> Rendered:
    out.mkdir(exist_ok=True)
    return render(os.fsencode(src), kind, out / "x", out)


def _image(out: Path, r: Rendered, i: int = 0) -> Image.Image:
    im = Image.open(out / r.files[i].name)
    assert im.format == "JPEG"
    im.load()
    return im


def _close(a: tuple[int, ...], b: tuple[int, ...], tol: int = 40) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=False))


def test_jpeg_thumbnail_is_256_on_the_long_side(tmp_path: Path) -> None:
    src = write_jpeg(tmp_path / "a.jpg", (4000, 3000), progressive=True)
    r = _render(src, tmp_path / "out")
    assert r.probe["real_type"] == "jpeg" and (r.probe["width"], r.probe["height"]) == (4000, 3000)
    assert _image(tmp_path / "out", r).size == (256, 192)
    p = _render(src, tmp_path / "out", MediaKind.PREVIEW)
    assert _image(tmp_path / "out", p).size == (1280, 960)


@pytest.mark.parametrize("name", ["hopper_orientation_6.jpg", "hopper_orientation_6.webp"])
def test_exif_orientation_is_applied(tmp_path: Path, name: str) -> None:
    """The corpus file stores hopper rotated with orientation 6: the thumbnail must match the upright hopper."""
    r = _render(PILLOW_CORPUS / name, tmp_path)
    assert r.probe["orientation"] == 6
    got = _image(tmp_path, r).convert("L").resize((32, 32))
    upright = Image.open(PILLOW_CORPUS / "hopper.jpg").convert("L").resize((32, 32))
    unrotated = Image.open(PILLOW_CORPUS / name).convert("L").resize((32, 32))
    diff = sum(abs(a - b) for a, b in zip(got.tobytes(), upright.tobytes(), strict=True)) / 1024
    diff_raw = sum(abs(a - b) for a, b in zip(got.tobytes(), unrotated.tobytes(), strict=True)) / 1024
    assert diff < 12 < diff_raw


def test_exif_orientation_on_a_generated_photo(tmp_path: Path) -> None:
    src = tmp_path / "o.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored 90° counter-clockwise: shown after turning it 90° clockwise
    halves((400, 200)).save(src, "JPEG", exif=exif)
    r = _render(src, tmp_path / "out")
    im = _image(tmp_path / "out", r)
    assert im.size == (128, 256) and (r.probe["width"], r.probe["height"]) == (200, 400)
    assert _close(im.getpixel((64, 10)), RED) and _close(im.getpixel((64, 245)), BLUE)


def test_cmyk_jpeg_has_the_right_colours(tmp_path: Path) -> None:
    """pil_sample_cmyk.jpg starts with C=0 M≈1 Y≈1 K=0 (Pillow's own test): red, not cyan."""
    r = _render(PILLOW_CORPUS / "pil_sample_cmyk.jpg", tmp_path)
    red, green, blue = _image(tmp_path, r).getpixel((0, 0))
    assert red > 200 and green < 80 and blue < 80


@pytest.mark.parametrize("fmt", ["PNG", "TIFF"])
def test_16_bit_grey_is_scaled_not_clipped(tmp_path: Path, fmt: str) -> None:
    src = tmp_path / f"g16.{fmt.lower()}"
    row = struct.pack("<32H", *[32768] * 32) + bytes(64)  # left half mid grey, right half black
    Image.frombytes("I;16", (64, 32), row * 32).save(src, fmt)
    r = _render(src, tmp_path / "out")
    out = _image(tmp_path / "out", r)
    assert _close(out.getpixel((5, 16)), (128, 128, 128), 6)
    assert _close(out.getpixel((60, 16)), (0, 0, 0), 6)


def test_transparent_png_is_on_a_light_checkerboard_not_black(tmp_path: Path) -> None:
    src = tmp_path / "alpha.png"
    im = Image.new("RGBA", (400, 400), (0, 0, 0, 0))  # transparent *black*
    im.paste((200, 0, 0, 255), (200, 0, 400, 400))
    im.save(src)
    r = _render(src, tmp_path / "out")
    out = _image(tmp_path / "out", r)
    left = out.crop((0, 0, 120, 256)).convert("L")
    assert left.getextrema()[0] > 180, "transparent area must not turn dark"
    assert left.getextrema()[1] - left.getextrema()[0] > 10, "a checkerboard, not a flat fill"
    assert _close(out.getpixel((250, 128)), (200, 0, 0))


def test_palette_gif_with_transparency(tmp_path: Path) -> None:
    src = tmp_path / "t.gif"
    im = Image.new("P", (64, 64), 0)
    im.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    im.paste(1, (32, 0, 64, 64))
    im.save(src, transparency=0)
    out = _image(tmp_path / "out", _render(src, tmp_path / "out"))
    assert min(out.getpixel((5, 30))) > 180 and _close(out.getpixel((60, 30)), (255, 0, 0))


def test_animated_gif_strip_has_frames_and_timestamps(tmp_path: Path) -> None:
    r = _render(PILLOW_CORPUS / "iss634.gif", tmp_path, MediaKind.STRIP)
    assert r.probe["frames"] == 42 and r.probe["duration_ms"] > 0
    stamps = [f.timestamp_ms for f in r.files]
    assert len(stamps) == 42 and stamps[0] == 0 and stamps == sorted(set(stamps))
    assert stamps[-1] < r.probe["duration_ms"]


def test_long_animation_is_sampled_evenly(tmp_path: Path) -> None:
    src = write_gif(tmp_path / "long.gif", 600, duration=50)
    r = _render(src, tmp_path / "out", MediaKind.STRIP)
    assert r.probe["frames"] == 600 and r.probe["duration_ms"] == 30_000
    stamps = [f.timestamp_ms for f in r.files]
    assert len(stamps) == 120 and stamps[0] == 0 and stamps[-1] >= 29_000


def test_animated_thumb_is_the_first_frame(tmp_path: Path) -> None:
    r = _render(PILLOW_CORPUS / "iss634.webp", tmp_path)
    assert r.probe["real_type"] == "webp" and r.probe["frames"] == 42 and len(r.files) == 1


def test_video_filmstrip_spreads_nine_frames(tmp_path: Path) -> None:
    src = write_video(tmp_path / "v.mp4", seconds=6, gop=20, audio=True)
    r = _render(src, tmp_path / "out", MediaKind.STRIP)
    stamps = [f.timestamp_ms for f in r.files]
    assert len(stamps) == 9 and stamps == sorted(set(stamps))
    assert stamps[0] < 1000 and stamps[-1] > 5000
    assert r.probe["has_audio"] is True and r.probe["codec"] == "h264"
    assert r.probe["duration_ms"] == pytest.approx(6000, abs=150)


def test_video_rotation_metadata_is_honoured(tmp_path: Path) -> None:
    src = write_video(tmp_path / "r.mp4", seconds=1, size=(160, 96), rotate_cw=90)
    r = _render(src, tmp_path / "out")
    assert r.probe["rotation"] == 90 and (r.probe["width"], r.probe["height"]) == (96, 160)
    im = _image(tmp_path / "out", r)
    assert im.size == (96, 160)
    top, bottom = im.getpixel((48, 10)), im.getpixel((48, 150))
    assert top[0] > top[2] and bottom[2] > bottom[0], "the frame's left (red) edge must be on top"


def test_unsupported_formats_are_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="unsupported file type: SGI image"):
        _render(next(PILLOW_CORPUS.glob("crash-*.sgi")), tmp_path)


@pytest.mark.parametrize(
    ("name", "real_type"),
    [("iss634.gif", "gif"), ("iss634.webp", "webp"), ("apng_delay_zero_numer.png", "apng")],
)
def test_container_delays_match_what_pillow_decodes(name: str, real_type: str) -> None:
    found = scan((PILLOW_CORPUS / name).read_bytes(), real_type)
    assert found is not None
    with Image.open(PILLOW_CORPUS / name) as im:
        decoded = []
        for i in range(im.n_frames):
            im.seek(i)
            im.load()
            decoded.append(int(im.info.get("duration") or 0))
    assert found.delays == decoded[-len(found.delays) :]  # APNG: Pillow adds the default image first


def test_scanning_damaged_animations_never_raises() -> None:
    data = (PILLOW_CORPUS / "iss634.gif").read_bytes()
    rnd = random.Random(7)
    samples = [data[:n] for n in range(0, len(data), 401)]
    samples += [bytes(b ^ 0xFF if rnd.random() < 0.01 else b for b in data) for _ in range(20)]
    samples += [b"GIF89a" + rnd.randbytes(500) for _ in range(50)]
    for sample in samples:
        for real_type in ("gif", "webp", "apng"):
            found = scan(sample, real_type)
            assert found is None or all(d >= 0 for d in found.delays)
