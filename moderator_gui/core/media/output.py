"""The files a worker writes into the media cache: JPEGs, each put in place atomically.

Output images are JPEG (see docs/media-pipeline.md for why): alpha has been composited
onto a checkerboard before they get here, so no format needs alpha.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from moderator_gui.core.media.cache import digest
from moderator_gui.core.media.types import MediaError

JPEG_QUALITY = 85


@dataclass(frozen=True)
class Written:
    """One output file, already in its final place in the cache."""

    name: str
    size: int
    hash: str
    timestamp_ms: int | None


class Output:
    """Writes rendered images next to ``stem`` atomically (temp file in ``tmp_dir`` + os.replace).

    A reader therefore sees either no file or a complete one; the manifest that makes
    an entry visible is written by the parent only after every file is in place.
    """

    def __init__(self, stem: Path, tmp_dir: Path) -> None:
        self.stem = stem
        self.tmp_dir = tmp_dir
        self.files: list[Written] = []

    def add(self, im: Image.Image, timestamp_ms: int | None, *, frame: bool) -> None:
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=JPEG_QUALITY)
        data = buf.getvalue()
        name = f"{self.stem.name}.{len(self.files):03d}.jpg" if frame else f"{self.stem.name}.jpg"
        tmp = self.tmp_dir / f"{os.getpid()}-{name}"
        try:
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, self.stem.parent / name)
        except OSError as exc:  # not the media's fault: say so, and do not cache it
            raise MediaError(f"cannot write to the media cache: {exc.strerror or exc}", permanent=False) from None
        self.files.append(Written(name, len(data), digest(data), timestamp_ms))
