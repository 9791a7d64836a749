"""The MIME type of a media file from its first bytes (magic numbers), never from its name.

Flagged uploads routinely carry the wrong extension (a PNG saved as ``.jpg``, a
video renamed ``.gif``), and the decoder chosen later must match the content, so
import records what the bytes say. Only the formats the media pipeline can
handle are recognised; anything else is ``None`` and the import rejects it.
"""

from __future__ import annotations

import struct

#: How many leading bytes :func:`sniff` needs to decide every format it knows.
#: (APNG detection walks the PNG chunks before the first IDAT, so more helps there;
#: with fewer bytes an APNG whose acTL comes late is reported as plain PNG.)
SNIFF_BYTES = 64 * 1024

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# ISO base media file format ("ftyp" box) brands.
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})
_HEIF_BRANDS = frozenset({b"mif1", b"msf1"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_QUICKTIME_BRANDS = frozenset({b"qt  "})
_MP4_BRANDS = frozenset(
    {
        b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso8", b"iso9",
        b"mp41", b"mp42", b"mp71", b"avc1", b"dash", b"M4V ", b"M4VH", b"M4VP",
        b"f4v ", b"MSNV", b"NDAS", b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"mmp4",
    }
)  # fmt: skip
# QuickTime files from before the ftyp box start directly with one of these atoms.
_QUICKTIME_ATOMS = frozenset({b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"})
_BMP_DIB_SIZES = frozenset({12, 16, 40, 52, 56, 64, 108, 124})


def sniff(first_bytes: bytes) -> str | None:
    """The MIME type that ``first_bytes`` (the start of a file) belong to, or None if unknown."""
    b = first_bytes
    if b.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if b.startswith(_PNG_MAGIC):
        return "image/apng" if _png_is_animated(b) else "image/png"
    if b[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if b[:4] == b"RIFF" and b[8:12] == b"WEBP":
        return "image/webp"
    if b[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):  # TIFF and BigTIFF
        return "image/tiff"
    if b[4:8] == b"ftyp":
        return _ftyp(b)
    if b[:4] == b"\x1a\x45\xdf\xa3":  # EBML header: Matroska or WebM (DocType says which)
        return "video/webm" if b"webm" in b[:64] else "video/x-matroska"
    if b[:3] == b"FLV" and b[3:4] == b"\x01":
        return "video/x-flv"
    if b[:4] == b"\x00\x00\x01\x00" and len(b) >= 6 and b[4:6] != b"\x00\x00":
        return "image/vnd.microsoft.icon"
    if _is_bmp(b):
        return "image/bmp"
    if len(b) >= 8 and b[4:8] in _QUICKTIME_ATOMS and struct.unpack(">I", b[:4])[0] >= 8:
        return "video/quicktime"
    return None


def _png_is_animated(b: bytes) -> bool:
    """APNG = a PNG with an acTL chunk before its first IDAT (walks the chunk list)."""
    pos = len(_PNG_MAGIC)
    while pos + 8 <= len(b):
        length = struct.unpack(">I", b[pos : pos + 4])[0]
        kind = b[pos + 4 : pos + 8]
        if kind == b"acTL":
            return True
        if kind in (b"IDAT", b"IEND"):
            return False
        pos += 12 + length  # length, type, data, CRC
    return False


def _ftyp(b: bytes) -> str | None:
    size = struct.unpack(">I", b[:4])[0]
    major = b[8:12]
    compatible = {b[i : i + 4] for i in range(16, min(size, len(b)) - 3, 4)}
    if major in _AVIF_BRANDS:
        return "image/avif"
    if major in _HEIC_BRANDS:
        return "image/heic"
    if major in _HEIF_BRANDS:
        if compatible & _AVIF_BRANDS:
            return "image/avif"
        return "image/heic" if compatible & _HEIC_BRANDS else "image/heif"
    if major in _QUICKTIME_BRANDS:
        return "video/quicktime"
    if major in _MP4_BRANDS or compatible & _MP4_BRANDS:
        return "video/mp4"
    return None


def _is_bmp(b: bytes) -> bool:
    """"BM" alone is too weak (plenty of text starts with it): also check the header's shape."""
    if len(b) < 18 or b[:2] != b"BM":
        return False
    reserved = b[6:10]
    dib_size = struct.unpack("<I", b[14:18])[0]
    return reserved == b"\x00\x00\x00\x00" and dib_size in _BMP_DIB_SIZES


def content_family(mime: str) -> str:
    """"image" or "video": which content types a sniffed MIME type can stand for."""
    return mime.split("/", 1)[0]


def is_animated(first_bytes: bytes, mime: str | None) -> bool:
    """Whether a GIF, WebP or APNG is animated, from the same first bytes :func:`sniff` reads
    (its structure only: nothing is decoded). An APNG has an acTL chunk (``sniff`` says
    ``image/apng``); an animated WebP sets the animation flag of its VP8X header; a GIF is
    animated if it carries a looping extension (NETSCAPE2.0 / ANIMEXTS1.0) or a second image
    within these bytes. A GIF whose first frame fills them and that has no looping extension
    reads as still: the media pipeline counts the real frames later."""
    if mime == "image/apng":
        return True
    if mime == "image/webp":
        return first_bytes[12:16] == b"VP8X" and len(first_bytes) > 20 and bool(first_bytes[20] & 0x02)
    if mime == "image/gif":
        return _gif_is_animated(first_bytes)
    return False


def _gif_is_animated(b: bytes) -> bool:
    """Walks a GIF's blocks (header, colour tables, extensions, image descriptors, data sub-blocks)."""
    if len(b) < 13:
        return False
    pos = 13 + ((3 << ((b[10] & 0x07) + 1)) if b[10] & 0x80 else 0)  # logical screen + global colour table
    images = 0
    while pos < len(b):
        kind = b[pos]
        if kind == 0x3B:  # trailer
            return False
        if kind == 0x21:  # extension: label, then sub-blocks
            if pos + 2 < len(b) and b[pos + 1] == 0xFF and b[pos + 3 : pos + 14] in (b"NETSCAPE2.0", b"ANIMEXTS1.0"):
                return True
            pos = _skip_sub_blocks(b, pos + 2)
        elif kind == 0x2C:  # image descriptor (+ local colour table, LZW code size, data)
            images += 1
            if images > 1:
                return True
            if pos + 10 > len(b):
                return False
            flags = b[pos + 9]
            pos += 10 + ((3 << ((flags & 0x07) + 1)) if flags & 0x80 else 0)
            pos = _skip_sub_blocks(b, pos + 1)
        else:
            return False  # not a GIF block: a damaged file reads as still
    return False


def _skip_sub_blocks(b: bytes, pos: int) -> int:
    """The position after a chain of data sub-blocks (each: a length byte, then that many bytes; 0 ends it)."""
    while pos < len(b):
        size = b[pos]
        pos += 1 + size
        if size == 0:
            break
    return pos
