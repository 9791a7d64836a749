"""From any decoded Pillow image to the picture we save: RGB, shrunk, upright, no alpha.

Wellbeing blur and greyscale are applied by the UI, never baked in here.
"""

from __future__ import annotations

from PIL import Image

# EXIF orientation -> the transpose that shows the image upright (as ImageOps.exif_transpose).
ORIENT: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_CHECKER = 8  # checkerboard square, px
_CHECKER_COLOURS = ((0xF2, 0xF2, 0xF2), (0xD6, 0xD6, 0xD6))


def _checkerboard(size: tuple[int, int]) -> Image.Image:
    light, dark = _CHECKER_COLOURS
    board = Image.new("RGB", size, light)
    tile = Image.new("RGB", (_CHECKER, _CHECKER), dark)
    for y in range(0, size[1], _CHECKER):
        for x in range((y // _CHECKER % 2) * _CHECKER, size[0], 2 * _CHECKER):
            board.paste(tile, (x, y))
    return board


def _normalise(im: Image.Image) -> Image.Image:
    """Any Pillow mode -> RGB or RGBA with the right colours, before resizing.

    16-bit and 32-bit integer greys are scaled (Pillow's own conversion would clip
    everything above 255 to white); palette images become RGB(A) so resizing does not
    fall back to nearest-neighbour; CMYK goes through Pillow's conversion.
    """
    mode = im.mode
    if mode.startswith("I;16") or mode == "I":
        return im.convert("I").point(lambda v: v / 257).convert("L").convert("RGB")
    if mode == "F":
        return im.convert("L").convert("RGB")
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info:
        return im.convert("RGBA")
    return im if mode == "RGB" else im.convert("RGB")


def upright(im: Image.Image, size: int, orientation: int | None) -> Image.Image:
    """Normalised (RGB or RGBA), shrunk to ``size`` on its long side, upright."""
    im = _normalise(im)
    im.thumbnail((size, size), Image.Resampling.BICUBIC, reducing_gap=2.0)
    if orientation in ORIENT:
        im = im.transpose(ORIENT[orientation])
    return im


def finish(im: Image.Image, size: int, orientation: int | None) -> Image.Image:
    """Normalised, shrunk to ``size`` on its long side, upright, alpha on a checkerboard."""
    im = upright(im, size, orientation)
    if im.mode == "RGBA":
        board = _checkerboard(im.size)
        board.paste(im, mask=im.getchannel("A"))
        im = board
    return im
