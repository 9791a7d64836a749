"""Every file of the real-world Pillow corpus imported as a folder: no crash, no hang; each file
is either imported (with the type its bytes say) or rejected with a specific reason."""

from __future__ import annotations

import hashlib
import os

import pytest
from sqlalchemy import select

from corpus import PILLOW_CORPUS
from moderator_gui.core.ingest import import_path
from moderator_gui.core.store import Store
from moderator_gui.core.store.tables import items_t

# Not media: the README, the licence, and formats the media pipeline does not decode.
# Stickers by their structure (sniff.is_animated: an acTL chunk, a looping GIF or a second
# frame in its first bytes, WebP's animation flag): these are imported as "animation".
ANIMATED = {
    "apng_delay_zero_numer.png", "apng_syntax_num_frames_zero.png", "background_outside_palette.gif",
    "decompression_bomb_extents.gif", "iss634.gif", "iss634.webp",
}
EXPECTED_REJECTED = {
    "LICENSE-Pillow": "54 68 65 20",
    "README.md": "23 20 70 69",
    "crash-465703f71a0f0094873a3e0e82c9f798161171b8.sgi": "01 da 01 02",
    "crash-4fb027452e6988530aa5dabee76eecacb3b79f8a.j2k": "00 00 00 0c",
    "crash-5762152299364352.fli": "0e 42 00 00",
}


@pytest.fixture(scope="module")
def corpus_files() -> list[str]:
    if not PILLOW_CORPUS.is_dir():
        pytest.fail(f"the shared test corpus is missing: {PILLOW_CORPUS}")
    return sorted(p.name for p in PILLOW_CORPUS.iterdir())


def test_whole_corpus_imports_or_is_rejected_with_a_reason(store: Store, corpus_files: list[str]) -> None:
    report = import_path(store, PILLOW_CORPUS)
    assert report.imported + len(report.rejected) == len(corpus_files)
    assert report.duplicates == 0 and report.warnings == []
    assert {r.where: r.reason for r in report.rejected} == {
        name: f"not a recognised image or video format (first bytes: {head})"
        for name, head in EXPECTED_REJECTED.items()
    }
    with store.read() as conn:
        rows = {r.external_id: r for r in conn.execute(select(items_t))}
    assert set(rows) == set(corpus_files) - set(EXPECTED_REJECTED)
    for name, r in rows.items():
        data = (PILLOW_CORPUS / name).read_bytes()
        assert r.sha256 == hashlib.sha256(data).hexdigest(), name
        assert r.size_bytes == len(data), name
        assert r.content_type == ("animation" if name in ANIMATED else "image"), name
        assert os.fsdecode(r.media_path) == str(PILLOW_CORPUS.resolve() / name), name
    types = {name: r.media_type for name, r in rows.items()}
    assert types["hopper.jpg"] == types["truncated_jpeg.jpg"] == "image/jpeg"
    assert types["apng_delay_zero_numer.png"] == types["apng_syntax_num_frames_zero.png"] == "image/apng"
    assert types["hopper.png"] == types["png_decompression_dos.png"] == "image/png"
    assert types["zero_width.gif"] == "image/gif"
    assert types["iss634.webp"] == "image/webp"
    assert types["avif_hopper.heif"] == "image/heic"
    assert types["avif_xmp_tags_orientation.avif"] == "image/avif"
    assert types["seek_too_large.tif"] == types["tiff_overflow_rows_per_strip.tif"] == "image/tiff"
    assert types["decompression_bomb.ico"] == "image/vnd.microsoft.icon"


def test_corpus_reimport_adds_nothing(sqlite_store: Store) -> None:
    first = import_path(sqlite_store, PILLOW_CORPUS)
    again = import_path(sqlite_store, PILLOW_CORPUS)
    assert (again.imported, again.duplicates) == (0, first.imported)
    assert len(again.rejected) == len(first.rejected)
