"""sniff(): the MIME type from the first bytes of real files written by real encoders (Pillow, PyAV)."""

from __future__ import annotations

import io
from pathlib import Path

import av
import pytest
from PIL import Image

from corpus import PILLOW_CORPUS
from moderator_gui.core.sniff import SNIFF_BYTES, sniff


def _image_bytes(fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 200, 30)).save(buf, fmt, **kw)
    return buf.getvalue()


def _video_bytes(tmp: Path, name: str, codec: str, pix_fmt: str = "yuv420p") -> bytes:
    path = tmp / name
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=5)
        stream.width = stream.height = 16
        stream.pix_fmt = pix_fmt
        for i in range(3):
            frame = av.VideoFrame.from_image(Image.new("RGB", (16, 16), (i * 60, 0, 0)))
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path.read_bytes()


@pytest.mark.parametrize(
    ("fmt", "kw", "mime"),
    [
        ("JPEG", {}, "image/jpeg"),
        ("PNG", {}, "image/png"),
        ("GIF", {}, "image/gif"),
        ("WEBP", {}, "image/webp"),
        ("BMP", {}, "image/bmp"),
        ("TIFF", {}, "image/tiff"),
        ("TIFF", {"big_tiff": True}, "image/tiff"),
        ("ICO", {}, "image/vnd.microsoft.icon"),
    ],
)
def test_images_written_by_pillow(fmt: str, kw: dict[str, object], mime: str) -> None:
    assert sniff(_image_bytes(fmt, **kw)[:SNIFF_BYTES]) == mime


def test_big_endian_tiff() -> None:
    # Pillow writes little-endian TIFF; the Motorola byte order has its own magic.
    assert sniff(b"MM\x00*\x00\x00\x00\x08" + b"\x00" * 8) == "image/tiff"


def test_apng_is_told_apart_from_png() -> None:
    buf = io.BytesIO()
    frames = [Image.new("RGB", (8, 8), (c, 0, 0)) for c in (0, 120, 240)]
    frames[0].save(buf, "PNG", save_all=True, append_images=frames[1:], duration=50)
    assert sniff(buf.getvalue()) == "image/apng"
    assert sniff((PILLOW_CORPUS / "hopper.png").read_bytes()) == "image/png"


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("apng_delay_zero_numer.png", "image/apng"),
        ("avif_hopper.heif", "image/heic"),
        ("avif_xmp_tags_orientation.avif", "image/avif"),
        ("hopper.gif", "image/gif"),
        ("iss634.webp", "image/webp"),
        ("seek_too_large.tif", "image/tiff"),  # BigTIFF
        ("decompression_bomb.ico", "image/vnd.microsoft.icon"),
        ("pil_sample_cmyk.jpg", "image/jpeg"),
        ("crash-4fb027452e6988530aa5dabee76eecacb3b79f8a.j2k", None),  # JPEG 2000: not supported
        ("crash-465703f71a0f0094873a3e0e82c9f798161171b8.sgi", None),
        ("README.md", None),
    ],
)
def test_real_world_files(name: str, mime: str | None) -> None:
    with open(PILLOW_CORPUS / name, "rb") as fh:
        assert sniff(fh.read(SNIFF_BYTES)) == mime


@pytest.mark.parametrize(
    ("name", "codec", "mime"),
    [
        ("v.mp4", "libx264", "video/mp4"),
        ("v.mov", "libx264", "video/quicktime"),
        ("v.webm", "libvpx", "video/webm"),
        ("v.mkv", "libx264", "video/x-matroska"),
        ("v.flv", "flv", "video/x-flv"),
    ],
)
def test_videos_written_by_pyav(tmp_path: Path, name: str, codec: str, mime: str) -> None:
    assert sniff(_video_bytes(tmp_path, name, codec)[:SNIFF_BYTES]) == mime


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xd8",  # truncated JPEG magic
        b"BM this is a text file that starts with BM",  # "BM" without a BMP header shape
        b"<!DOCTYPE html><html>",
        b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A isom"[:16],  # audio-only brand, truncated list
        b"RIFF\x00\x00\x00\x00WAVEfmt ",  # RIFF but not WebP
        b"\x00\x00\x01\x00\x00\x00",  # ICO header with zero images
    ],
)
def test_unknown_or_truncated_is_none(data: bytes) -> None:
    assert sniff(data) is None
