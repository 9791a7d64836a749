"""Opening an untrusted media file and telling what it really is.

The file is opened without ever blocking (a FIFO named ``.jpg`` must not hang a
worker) and its real type is read from its first bytes, never from its name. Only
the types listed here reach a decoder; everything else is refused by name.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

from moderator_gui.core.media.types import MediaError
from moderator_gui.core.sniff import sniff as sniff_mime

#: How many leading bytes the real type is read from (the importer's sniffer decides
#: every format the pipeline decodes within them).
PROBE_HEAD_BYTES = 256

# Formats decoded with Pillow, restricted to one plugin each so a file cannot reach
# a decoder we did not choose (the fuzz cases in the Pillow corpus target SGI, FLI,
# JPEG 2000, ICO ...: those are refused as unsupported instead of being decoded).
IMAGE_PLUGINS: dict[str, tuple[str, ...]] = {
    "jpeg": ("JPEG",),
    "png": ("PNG",),
    "gif": ("GIF",),
    "webp": ("WEBP",),
    "bmp": ("BMP",),
    "tiff": ("TIFF",),
    "heic": ("HEIF",),
    "avif": ("AVIF", "HEIF"),
}
VIDEO_TYPES = frozenset({"mp4", "mov", "webm", "mkv", "flv"})
UNSUPPORTED = {
    b"\x00\x00\x01\x00": "ICO icon",
    b"\x01\xda": "SGI image",
    b"\xffO\xffQ": "JPEG 2000 codestream",
    b"\x00\x00\x00\x0cjP  ": "JPEG 2000 image",
    b"8BPS": "Photoshop document",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip archive",
}


def open_source(path: bytes) -> BinaryIO:
    """Open ``path`` for reading without ever blocking (a FIFO named .jpg must not hang)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise MediaError("file not found", permanent=False) from None
    except PermissionError:
        raise MediaError("permission denied reading the file", permanent=False) from None
    except OSError as exc:
        raise MediaError(f"cannot open the file: {exc.strerror}", permanent=False) from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        if stat.S_ISDIR(st.st_mode):
            raise MediaError("is a directory, not a media file")
        kind = "FIFO" if stat.S_ISFIFO(st.st_mode) else "device or socket"
        raise MediaError(f"not a regular file (a {kind})")
    if st.st_size == 0:
        os.close(fd)
        raise MediaError("empty file (0 bytes)")
    return os.fdopen(fd, "rb")


# The importer's sniffer decides what a file is; the pipeline only maps its MIME
# types to the decoder it uses, so import and decoding never disagree.
_DECODER_FOR_MIME = {
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/apng": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/bmp": "bmp",
    "image/tiff": "tiff",
    "image/heic": "heic",
    "image/heif": "heic",
    "image/avif": "avif",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "video/x-matroska": "mkv",
    "video/x-flv": "flv",
}


def real_type_of(head: bytes) -> str | None:
    """The decoder for the real type from the first bytes; None when unsupported. Never trusts the extension."""
    mime = sniff_mime(head)
    return None if mime is None else _DECODER_FOR_MIME.get(mime)


def unsupported_name(head: bytes) -> str | None:
    """What a file we refuse to decode is ("SGI image"), from its first bytes; None if unknown."""
    for magic, name in UNSUPPORTED.items():
        if head.startswith(magic):
            return name
    if len(head) >= 6 and head[4:6] in (b"\x11\xaf", b"\x12\xaf"):
        return "FLI/FLC animation"
    return None
