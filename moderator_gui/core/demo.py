"""A deterministic, safe, synthetic sample queue (``moderator-cli demo``, ``moderator-gui --demo``).

Why it exists: reviewers, team leads and developers need a queue that exercises
every path of the tool (every content type, odd encodings, broken files, shared
media, repeat uploaders, a decision history for exports and statistics) without
ever handling real harmful content. Everything here is abstract art drawn with
Pillow, tone-only audio and harmless example texts.

Determinism: the same ``seed`` (and the same reference time ``now``) gives
byte-identical media files and an identical manifest and decision log. Every
file is drawn from its own ``random.Random(f"{seed}/{name}")`` so files do not
depend on generation order; encoders run single-threaded with ``bitexact``.

Scale: media is a fixed pool of ~40 files reused by any number of items; items
go through the normal importer (``ingest.import_path``); the synthetic history
is bulk-inserted into ``decisions`` in large Core ``executemany`` batches, each
batch in one write transaction together with the projection
(``items.status``/``head_event``) of the items it touched, so the database is
consistent with ``domain.derive_state`` after every commit.
"""

from __future__ import annotations

import bisect
import io
import itertools
import json
import math
import random
import struct
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

import av
from PIL import Image, ImageDraw, ImageFont
from moderator_gui.core import ingest
from moderator_gui.core.domain import ContentType, DecisionInput, EventKind, EventRef, ItemStatus, derive_state
from moderator_gui.core.policy import Policy
from moderator_gui.core.store import Store

T = TypeVar("T")
DemoProgress = Callable[[str, int, int], object]
"""``progress(stage, done, total)`` with stage "media", "plan", "import" or "history"; called
between steps (from the calling thread); the return value is ignored: a demo is not cancelled."""

MANIFEST_NAME = "demo-manifest.jsonl"
MEDIA_SUBDIR = "media"
HISTORY_DAYS = 28
PENDING_HOURS = 72
BATCH_EVENTS = 50_000
_HISTORY_INDEX = 500_000_000  # external ids of history items start here (never collide with the queue's)  # events per write transaction: big enough to be fast, small enough to show progress

PLATFORMS = ("douyin", "kuaishou", "bilibili", "weibo", "xiaohongshu", "taobao", "wechat")
_PLATFORM_PREFIX = {
    "douyin": "dy",
    "kuaishou": "ks",
    "bilibili": "BV",
    "weibo": "wb",
    "xiaohongshu": "xhs",
    "taobao": "tb",
    "wechat": "wx",
}
# Which platforms carry which content (weights follow where such content is usually posted).
_PLATFORM_WEIGHTS: dict[str, tuple[int, ...]] = {
    ContentType.IMAGE: (2, 1, 2, 4, 5, 4, 3),
    ContentType.ANIMATION: (2, 1, 3, 4, 2, 0, 5),
    ContentType.VIDEO: (6, 5, 4, 2, 2, 1, 1),
    ContentType.LIVE_CLIP: (6, 5, 3, 0, 0, 2, 1),
    ContentType.TEXT: (1, 1, 3, 6, 4, 0, 4),
}
FLAG_SOURCES = ("user_report", "classifier", "keyword", "proactive_sweep")
_FLAG_SOURCE_WEIGHTS = (45, 30, 15, 10)

# Uploader accounts; the first ones are drawn far more often so account history shows.
ACCOUNTS = (
    "星光应援站",
    "momo_daily",
    "小鹿爱吃糖",
    "TeenGamerX",
    "橙子汽水",
    "idol_support_club",
    "阿杰不熬夜",
    "luxe_kid_vlog",
    "夏天的风2009",
    "sketchbook_yu",
    "老王说游戏",
    "campus_whispers",
    "奶茶三分糖",
    "pixel_panda",
    "晚安小熊",
    "moonlit_fanart",
    "一只咸鱼",
    "study_with_lin",
    "酷跑少年",
    "glitter_shop_cn",
    "糖果铺子",
    "night_owl_77",
    "追光的人",
    "breezy_clips",
)

REVIEWERS = ("li.na", "wang.lei", "zhang.wei", "chen.jing", "liu.yang", "zhao.min", "sun.qi", "huang.lead")
_LEAD = "huang.lead"

# Flag reasons per suspected category, in Chinese and English (what the flag source would say).
_FLAG_REASONS: dict[str | None, tuple[str, ...]] = {
    "minor_wealth_display": ("疑似未成年人炫富", "Minor appears to show off expensive gifts", "未成年主播打赏榜炫耀"),
    "porn_violence": ("疑似暴力画面", "Possible violent imagery", "疑似低俗内容"),
    "harmful_animation": ("动漫内容疑似含恐怖元素", "Cartoon with possible horror elements", "不良动漫关键词命中"),
    "self_harm_csam": ("疑似自残相关社群", "Possible self-harm community content", "高危关键词命中，需人工复核"),
    "fan_fundraising": ("饭圈集资应援", "Fan club fundraising appeal", "打榜投票诱导消费"),
    "cyberbullying": ("疑似网络欺凌", "Possible bullying comment", "人身攻击举报"),
    "addiction_safeguards": ("绕过防沉迷教程", "Tips to bypass anti-addiction limits", "未成年人深夜游戏"),
    None: ("其他", "Other", "用户举报：内容不适"),
}

# Harmless example texts that resemble what such queues receive: (text, suspected category).
TEXT_POSTS: tuple[tuple[str, str | None], ...] = (
    ("【应援倒计时】姐妹们生日应援还差3万！每人至少冲50，学生党也能出一份力，集资链接见评论区～", "fan_fundraising"),
    ("Fan club notice: we need 2,000 more votes by Friday! Buy the album bundle (5 copies = 5 votes) "
     "and ask your parents for the payment code if you don't have one.", "fan_fundraising"),
    ("打榜任务：每个账号每天刷满100票，没有会员的去借爸妈的手机开，今晚必须冲上第一！", "fan_fundraising"),
    ("你这种人也配来上学？全班都知道你丑，明天别来了，大家把她的照片转到年级群。", "cyberbullying"),
    ("Everyone in 8B, stop talking to him. Screenshot his posts and put them in the group chat, "
     "let's see how long he lasts.", "cyberbullying"),
    ("防沉迷小技巧：用家长的身份证注册小号，晚上十点以后换号继续玩，系统就查不到啦。", "addiction_safeguards"),
    ("PSA for the under-18 crew: the time limit resets if you log in through the web version, "
     "and you can borrow an adult's face scan to skip the check.", "addiction_safeguards"),
    ("今天收到的生日礼物：限量球鞋×3、新手机、十万块零花钱，初二的我已经实现财富自由，不服来比！", "minor_wealth_display"),
    ("13 y/o unboxing my 5th designer bag this month, comment if your parents are poor lol", "minor_wealth_display"),
    ("这部新番画风好可爱，剧情是讲小动物开面包店的，推荐给弟弟妹妹们～", None),
    ("Weekend study group: we're doing maths revision in the library at 10am, bring snacks!", None),
    ("晒一下周末做的手工，用旧纸箱做了一个猫爬架，猫主子很满意。", None),
    ("New fan art of the team mascot, took me 6 hours. No reposting without credit please!", None),
    ("有没有人知道这个动画在哪里看？朋友说结局很吓人，小学生别看。", "harmful_animation"),
)

_ESCALATION_NOTES = (
    "不确定是否属于集资，请组长判断",
    "Unsure whether this is a minor; please take a second look",
    "涉及多个账号联动，需要组长复核",
    "Account has prior strikes; second opinion before a ban",
    "内容边界模糊，按规定提交复核",
)
_DECISION_NOTES = (
    "已按流程上报相关部门",
    "Reported to the competent authority per procedure",
    "与同一账号历史违规一致",
    "Same media already removed on another platform",
)
_REVERT_NOTES = ("按错键了", "Wrong category key", "", "")
_EXTRA_ACTIONS = ("warn", "restrict_age_gate", "suspend_account")


@dataclass(frozen=True)
class DemoSummary:
    """What ``generate_demo`` did."""

    items_imported: int
    rejected: int
    decisions: int
    media_dir: Path
    manifest: Path
    rejections: tuple[ingest.Rejection, ...] = ()
    duplicates: int = 0
    history_items: int = 0  # older items planned to carry the past decisions (in the manifest after the queue)
    reviewers: tuple[str, ...] = ()
    media_files: int = 0


# -- drawing ------------------------------------------------------------------------------------


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randrange(256), rng.randrange(256), rng.randrange(256))


def _noise(rng: random.Random, size: tuple[int, int], grain: int) -> Image.Image:
    """Greyscale noise from the seeded RNG (``Image.effect_noise`` uses C ``rand()``: not reproducible)."""
    w, h = max(1, size[0] // grain), max(1, size[1] // grain)
    return Image.frombytes("L", (w, h), rng.randbytes(w * h)).resize(size, Image.Resampling.BILINEAR)


def _gradient(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """A two-colour linear or radial gradient."""
    kind = rng.choice(("linear", "linear_h", "radial"))
    mask = Image.radial_gradient("L") if kind == "radial" else Image.linear_gradient("L")
    if kind == "linear_h":
        mask = mask.transpose(Image.Transpose.ROTATE_90)
    mask = mask.resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", size, _colour(rng)), Image.new("RGB", size, _colour(rng)), mask)


def _shapes(rng: random.Random, img: Image.Image, count: int) -> None:
    """Translucent ellipses, rectangles and polygons drawn onto an RGBA overlay."""
    w, h = img.size
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(count):
        fill = (*_colour(rng), rng.randrange(90, 230))
        x0, y0 = rng.randrange(w), rng.randrange(h)
        x1, y1 = x0 + rng.randrange(w // 10 + 1, w // 2 + 2), y0 + rng.randrange(h // 10 + 1, h // 2 + 2)
        shape = rng.randrange(3)
        if shape == 0:
            draw.ellipse((x0, y0, x1, y1), fill=fill)
        elif shape == 1:
            draw.rectangle((x0, y0, x1, y1), fill=fill)
        else:
            draw.polygon([(rng.randrange(w), rng.randrange(h)) for _ in range(rng.randrange(3, 7))], fill=fill)
    if img.mode == "RGBA":
        img.alpha_composite(layer)
    else:
        img.paste(layer, (0, 0), layer)


def _label(img: Image.Image, text: str) -> None:
    """Stamp 'DEMO' and a file label in a corner, so nobody mistakes a sample for real content."""
    draw = ImageDraw.Draw(img)
    size = max(12, img.size[1] // 24)
    font = ImageFont.load_default(size)
    pad = size // 2
    box = draw.textbbox((pad, pad), f"DEMO · {text}", font=font)
    fill: Any = (0, 0, 0, 160) if img.mode == "RGBA" else (0, 0, 0)
    draw.rectangle((box[0] - 4, box[1] - 4, box[2] + 4, box[3] + 4), fill=fill)
    draw.text((pad, pad), f"DEMO · {text}", font=font, fill=(255, 255, 255))


def _abstract(rng: random.Random, size: tuple[int, int], label: str, *, grain: int = 3) -> Image.Image:
    """The basic sample picture: gradient, shapes, a little film grain, a DEMO label."""
    img = _gradient(rng, size)
    _shapes(rng, img, rng.randrange(6, 14))
    grain_img = _noise(rng, size, grain)
    img = Image.blend(img, Image.merge("RGB", (grain_img, grain_img, grain_img)), 0.07)
    _label(img, label)
    return img


def _frames(rng: random.Random, size: tuple[int, int], count: int, label: str) -> Iterator[Image.Image]:
    """Frames of a simple animation: shapes bouncing over a fixed gradient background."""
    w, h = size
    background = _gradient(rng, size)
    _label(background, label)
    movers = [
        (rng.random() * w, rng.random() * h, rng.uniform(-9, 9), rng.uniform(-9, 9),
         rng.randrange(w // 12 + 4, w // 5 + 6), _colour(rng))
        for _ in range(rng.randrange(2, 5))
    ]
    for i in range(count):
        frame = background.copy()
        draw = ImageDraw.Draw(frame)
        for x, y, dx, dy, r, colour in movers:
            cx = abs((x + dx * i * 3) % (2 * w) - w)
            cy = abs((y + dy * i * 3) % (2 * h) - h)
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
        draw.rectangle((0, h - 6, int(w * (i + 1) / count), h), fill=(255, 255, 255))
        yield frame


# -- the media pool -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Written:
    """What the platform reports about a file (goes into the manifest)."""

    width: int | None
    height: int | None
    duration_ms: int | None = None


@dataclass(frozen=True)
class _MediaSpec:
    path: str  # relative to the media folder
    content_type: ContentType
    build: Callable[[random.Random, Path], _Written]
    essential: bool = False  # always in the queue, however few items are asked for
    broken: bool = False  # deliberately damaged: appears exactly once, never in history
    categories: tuple[str | None, ...] = (None,)  # what a flag source might suspect


def _save_jpeg(size: tuple[int, int]) -> Callable[[random.Random, Path], _Written]:
    def build(rng: random.Random, out: Path) -> _Written:
        _abstract(rng, size, out.stem).save(out, "JPEG", quality=85)
        return _Written(*size)

    return build


def _save_png(rng: random.Random, out: Path) -> _Written:
    size = (600, 600)
    _abstract(rng, size, out.stem, grain=6).save(out, "PNG", compress_level=3)
    return _Written(*size)


def _save_exif_rotated(rng: random.Random, out: Path) -> _Written:
    """Stored landscape 640x480 with EXIF orientation 6: shown upright it is portrait 480x640."""
    img = _abstract(rng, (640, 480), out.stem)
    ImageDraw.Draw(img).polygon([(600, 240), (480, 140), (480, 340)], fill=(255, 255, 255))  # "up" once rotated
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display
    img.save(out, "JPEG", quality=85, exif=exif.tobytes())
    return _Written(480, 640)


def _save_alpha_png(rng: random.Random, out: Path) -> _Written:
    img = Image.new("RGBA", (512, 512), (0, 0, 0, 0))
    _shapes(rng, img, 9)
    _label(img, out.stem)
    img.save(out, "PNG")
    return _Written(512, 512)


def _save_cmyk_jpeg(rng: random.Random, out: Path) -> _Written:
    _abstract(rng, (600, 400), out.stem).convert("CMYK").save(out, "JPEG", quality=85)
    return _Written(600, 400)


def _save_png16(rng: random.Random, out: Path) -> _Written:
    """16-bit greyscale PNG: a ramp with a seeded ripple, using ~64000 of the 65536 levels.

    Computed as floats on an eighth of the rows and scaled up (a Python loop over
    every pixel would cost a quarter of a second).
    """
    w, h = 640, 480
    phase, rows = rng.random() * math.tau, h // 8
    ramp = Image.new("F", (w, rows))
    ramp.putdata(
        [min(65535.0, max(0.0, x * 65535 / (w - 1) + 6000 * math.sin(phase + y / 3))) for y in range(rows) for x in range(w)]
    )
    ramp.resize((w, h), Image.Resampling.BILINEAR).convert("I").convert("I;16").save(out, "PNG")
    return _Written(w, h)


def _save_large_jpeg(rng: random.Random, out: Path) -> _Written:
    """4000x3000: drawn at a quarter of the size and scaled up (drawing 12 MP is needlessly slow)."""
    img = _abstract(rng, (1000, 750), out.stem).resize((4000, 3000), Image.Resampling.BICUBIC)
    img.save(out, "JPEG", quality=88)
    return _Written(4000, 3000)


def _save_gif(size: tuple[int, int], frames: int) -> Callable[[random.Random, Path], _Written]:
    def build(rng: random.Random, out: Path) -> _Written:
        imgs = [f.quantize(64, dither=Image.Dither.NONE) for f in _frames(rng, size, frames, out.stem)]
        imgs[0].save(out, "GIF", save_all=True, append_images=imgs[1:], duration=100, loop=0, disposal=2)
        return _Written(*size, duration_ms=100 * frames)

    return build


def _save_animated(fmt: str, size: tuple[int, int], frames: int) -> Callable[[random.Random, Path], _Written]:
    """Animated WebP or APNG."""

    def build(rng: random.Random, out: Path) -> _Written:
        imgs = list(_frames(rng, size, frames, out.stem))
        extra: dict[str, Any] = {"quality": 70, "method": 4} if fmt == "WEBP" else {}
        imgs[0].save(out, fmt, save_all=True, append_images=imgs[1:], duration=80, loop=0, **extra)
        return _Written(*size, duration_ms=80 * frames)

    return build


def _encode_mp4(
    rng: random.Random,
    out: io.BytesIO | Path,
    label: str,
    size: tuple[int, int],
    seconds: int,
    *,
    audio: bool = False,
    rotation: int | None = None,
    live: bool = False,
) -> _Written:
    """H.264 (libx264, one keyframe per second), optional AAC tone track and rotation matrix.

    Width and height must be multiples of 16: for other sizes libx264 reads the
    uninitialised padding rows of the input frames and the output bytes vary from run to run.
    """
    if size[0] % 16 or size[1] % 16:
        raise ValueError(f"video size {size} is not a multiple of 16 (output would not be reproducible)")
    fps = 15
    target: Any = out if isinstance(out, io.BytesIO) else str(out)
    with av.open(target, "w", format="mp4", options={"fflags": "+bitexact"}) as container:
        video = container.add_stream(
            "libx264",
            rate=fps,
            options={"preset": "superfast", "crf": "30", "g": str(fps), "keyint_min": str(fps),
                     "sc_threshold": "0", "threads": "1"},
        )
        video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
        if rotation is not None:
            video.set_display_rotation(rotation)
        tone = container.add_stream("aac", rate=44100, layout="mono") if audio else None
        for index, picture in enumerate(_frames(rng, size, seconds * fps, label)):
            if live:
                draw = ImageDraw.Draw(picture)
                draw.rounded_rectangle((size[0] - 70, 10, size[0] - 10, 34), 6, fill=(230, 30, 60))
                draw.text((size[0] - 60, 14), "LIVE", fill=(255, 255, 255))
            frame = av.VideoFrame.from_image(picture)
            frame.pts = index
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        if tone is not None:
            _encode_tone(container, tone, seconds, rng.choice((70, 100, 140, 200)))  # 630 Hz .. 220 Hz
    # A platform reports the size the clip is shown at, i.e. after the rotation.
    shown = size[::-1] if rotation in (90, 270, -90) else size
    return _Written(shown[0], shown[1], duration_ms=seconds * 1000)


def _encode_tone(container: Any, stream: Any, seconds: int, period: int) -> None:
    """A quiet sine tone whose period is a whole number of samples: one cycle is computed, then repeated."""
    rate, chunk = 44100, 1024
    total = seconds * rate
    cycle = struct.pack(f"<{period}f", *(0.2 * math.sin(math.tau * k / period) for k in range(period)))
    samples = cycle * (total // period + 1)
    for start in range(0, total, chunk):
        n = min(chunk, total - start)
        frame = av.AudioFrame(format="fltp", layout="mono", samples=n)
        frame.planes[0].update(samples[4 * start : 4 * (start + n)])
        frame.sample_rate, frame.pts = rate, start
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


def _save_mp4(size: tuple[int, int], seconds: int, **kw: Any) -> Callable[[random.Random, Path], _Written]:
    def build(rng: random.Random, out: Path) -> _Written:
        return _encode_mp4(rng, out, out.stem, size, seconds, **kw)

    return build


def _save_truncated_jpeg(rng: random.Random, out: Path) -> _Written:
    """A real JPEG cut at 40 %: the header sniffs fine, decoding fails ("truncated")."""
    buf = io.BytesIO()
    _abstract(rng, (800, 600), out.stem).save(buf, "JPEG", quality=85)
    out.write_bytes(buf.getvalue()[: len(buf.getvalue()) * 2 // 5])
    return _Written(800, 600)


def _save_truncated_mp4(rng: random.Random, out: Path) -> _Written:
    """An MP4 cut in half: 'ftyp' is there, the 'moov' index (written last) is not."""
    buf = io.BytesIO()
    written = _encode_mp4(rng, buf, out.stem, (480, 272), 3)
    out.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    return written


def _save_garbage(rng: random.Random, out: Path) -> _Written:
    out.write_bytes(b"this is not an image\n" + rng.randbytes(4096))
    return _Written(640, 480)


def _save_empty(rng: random.Random, out: Path) -> _Written:
    out.write_bytes(b"")
    return _Written(240, 240)


_ALL = tuple(c for c in _FLAG_REASONS if c is not None)
_I, _A, _V, _L = ContentType.IMAGE, ContentType.ANIMATION, ContentType.VIDEO, ContentType.LIVE_CLIP

MEDIA_POOL: tuple[_MediaSpec, ...] = (
    *(
        _MediaSpec(f"images/photo_{i:02d}.jpg", _I, _save_jpeg(size), essential=i < 2, categories=_ALL + (None,))
        for i, size in enumerate(
            [(640, 480), (800, 600), (1080, 1080), (720, 1280), (1280, 720), (480, 640),
             (1024, 768), (600, 800), (960, 540), (750, 1000), (1200, 900), (540, 960)]
        )
    ),
    *(_MediaSpec(f"images/post_{i:02d}.png", _I, _save_png, categories=_ALL) for i in range(4)),
    _MediaSpec("images/photo_exif_orientation6.jpg", _I, _save_exif_rotated, essential=True,
               categories=("minor_wealth_display", None)),
    _MediaSpec("images/sticker_alpha.png", _I, _save_alpha_png, essential=True, categories=("harmful_animation",)),
    _MediaSpec("images/print_cmyk.jpg", _I, _save_cmyk_jpeg, essential=True, categories=("fan_fundraising",)),
    _MediaSpec("images/scan_16bit.png", _I, _save_png16, essential=True, categories=("porn_violence", None)),
    _MediaSpec("images/poster_4000x3000.jpg", _I, _save_large_jpeg, essential=True,
               categories=("fan_fundraising", "minor_wealth_display")),
    *(
        _MediaSpec(f"animations/sticker_{i:02d}.gif", _A, _save_gif(size, 10), essential=i == 0,
                   categories=("harmful_animation", "cyberbullying", None))
        for i, size in enumerate([(240, 240), (200, 200), (320, 180), (160, 160)])
    ),
    *(
        _MediaSpec(f"animations/sticker_{i:02d}.webp", _A, _save_animated("WEBP", size, 12), essential=i == 0,
                   categories=("harmful_animation", "cyberbullying", None))
        for i, size in enumerate([(256, 256), (240, 240), (300, 200)])
    ),
    _MediaSpec("animations/sticker_apng.png", _A, _save_animated("PNG", (200, 200), 8), essential=True,
               categories=("harmful_animation",)),
    *(
        _MediaSpec(f"videos/clip_{i:02d}.mp4", _V, _save_mp4(size, secs), essential=i == 0,
                   categories=("porn_violence", "cyberbullying", "minor_wealth_display", None))
        for i, (size, secs) in enumerate([((320, 240), 2), ((480, 272), 3), ((640, 352), 2), ((400, 304), 4)])
    ),
    _MediaSpec("videos/clip_with_audio.mp4", _V, _save_mp4((640, 352), 3, audio=True), essential=True,
               categories=("minor_wealth_display", "fan_fundraising")),
    _MediaSpec("videos/clip_rotated90.mp4", _V, _save_mp4((480, 272), 2, rotation=90), essential=True,
               categories=("cyberbullying", "porn_violence")),
    *(
        _MediaSpec(f"live/live_{i:02d}.mp4", _L, _save_mp4(size, secs, live=True, audio=i == 1), essential=i < 2,
                   categories=("minor_wealth_display", "addiction_safeguards", "fan_fundraising"))
        for i, (size, secs) in enumerate([((640, 352), 3), ((480, 272), 2), ((320, 240), 3)])
    ),
    _MediaSpec("broken/truncated.jpg", _I, _save_truncated_jpeg, essential=True, broken=True,
               categories=("porn_violence",)),
    _MediaSpec("broken/truncated.mp4", _V, _save_truncated_mp4, essential=True, broken=True,
               categories=("cyberbullying",)),
    _MediaSpec("broken/garbage.png", _I, _save_garbage, essential=True, broken=True),
    _MediaSpec("broken/empty.gif", _A, _save_empty, essential=True, broken=True),
)


def generate_media(media_dir: Path, seed: int = 1) -> dict[str, _Written]:
    """Write the media pool into ``media_dir`` (overwriting). Returns the manifest facts per relative path."""
    written: dict[str, _Written] = {}
    for spec in MEDIA_POOL:
        out = media_dir / spec.path
        out.parent.mkdir(parents=True, exist_ok=True)
        written[spec.path] = spec.build(random.Random(f"{seed}/{spec.path}"), out)
    return written


# -- the queue ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Content:
    """One thing items can show: a pool file or a text post."""

    content_type: ContentType
    media_path: str | None
    text: str | None
    categories: tuple[str | None, ...]
    written: _Written | None
    essential: bool
    broken: bool


def _contents(written: dict[str, _Written]) -> list[_Content]:
    media = [
        _Content(s.content_type, f"{MEDIA_SUBDIR}/{s.path}", None, s.categories, written[s.path], s.essential, s.broken)
        for s in MEDIA_POOL
    ]
    seen: set[str | None] = set()
    texts = []
    for text, category in TEXT_POSTS:
        texts.append(_Content(ContentType.TEXT, None, text, (category,), None, category not in seen, False))
        seen.add(category)
    return media + texts


class _Rows:
    """Deterministic manifest rows: platform, uploader, flag source/reason, scores, flagged_at."""

    def __init__(self, rng: random.Random, seed: int) -> None:
        self.rng = rng
        self.seed = seed
        self._platform = {ct: _Weighted(PLATFORMS, w) for ct, w in _PLATFORM_WEIGHTS.items()}
        self._source = _Weighted(FLAG_SOURCES, _FLAG_SOURCE_WEIGHTS)
        self._account = _Weighted(ACCOUNTS, [1 / (k + 1) ** 1.1 for k in range(len(ACCOUNTS))])

    def row(self, content: _Content, index: int, flagged_ts: int) -> dict[str, Any]:
        rng = self.rng
        platform = self._platform[content.content_type].pick(rng)
        category = rng.choice(content.categories)
        source = self._source.pick(rng)
        if source == "user_report":
            reports = min(500, int(rng.paretovariate(1.2)))
        else:
            reports = rng.randrange(0, 3)
        if source == "classifier":
            score: float | None = round(rng.uniform(0.55, 0.99), 3)
        else:
            score = round(rng.uniform(0.05, 0.8), 3) if rng.random() < 0.5 else None
        w = content.written
        return {
            "external_id": f"{_PLATFORM_PREFIX[platform]}{self.seed % 1000:03d}{index:09d}",
            "platform": platform,
            "content_type": content.content_type.value,
            "media_path": content.media_path,
            "text": content.text,
            "uploader": self._account.pick(rng),
            "flagged_at": datetime.fromtimestamp(flagged_ts, UTC).isoformat(),
            "flag_source": source,
            "flag_reason": rng.choice(_FLAG_REASONS[category]),
            "report_count": reports,
            "classifier_score": score,
            "suspected_category": category,
            "width": w.width if w else None,
            "height": w.height if w else None,
            "duration_ms": w.duration_ms if w else None,
        }


class _Weighted(Generic[T]):
    """A weighted choice that costs one ``random()`` and a bisect (``random.choices`` is 3x slower,
    which shows when a million rows are planned)."""

    def __init__(self, values: Sequence[T], weights: Sequence[float]) -> None:
        self.values = tuple(values)
        self.cum = list(itertools.accumulate(weights))

    def pick(self, rng: random.Random) -> T:
        return self.values[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def _pending_contents(rng: random.Random, contents: list[_Content], items: int) -> list[_Content]:
    """What the reviewable queue shows: every essential sample (broken files exactly once),
    a few "viral" media posted several times (same SHA-256), then the rest, reused as needed."""
    reusable = [c for c in contents if not c.broken]
    viral = rng.sample([c for c in reusable if c.media_path], 3)
    rest = [c for c in contents if not c.essential]
    rng.shuffle(rest)
    order = [c for c in contents if c.essential] + viral * 2 + rest
    chosen = order[:items] + rng.choices(reusable, k=max(0, items - len(order)))
    rng.shuffle(chosen)
    return chosen


# -- the history --------------------------------------------------------------------------------


class _Event(NamedTuple):
    """One synthetic decision event, with the item's projection right after it."""

    ts: int
    item: int  # index into the history items
    uuid: str
    kind: EventKind
    category: str | None
    actions: tuple[str, ...]
    note: str
    reviewer: str
    time_spent_ms: int | None
    reverts: str | None
    supersedes: str | None
    status: ItemStatus
    head: str | None


def _uuid7(rng: random.Random, ts: int) -> str:
    """A deterministic time-ordered UUID (version 7, RFC 9562) for an event at ``ts``.

    Why not uuid4: events are inserted in time order, so time-ordered keys append to
    the unique index; a million random keys would scatter writes over all of its pages.
    """
    ms = ts * 1000 + rng.randrange(1000)
    rand = rng.getrandbits(74)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    h = f"{value:032x}"  # what str(UUID(int=value)) gives, without building a UUID a million times
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class _Step(NamedTuple):
    ts: int
    kind: EventKind
    uuid: str
    category: str | None
    actions: tuple[str, ...]
    note: str
    reverts: str | None
    reviewer: str


# Scripts of what happened to one item: (name, weight, number of events).
_SCRIPTS = (
    ("decide", 60, 1),
    ("skip_decide", 12, 2),
    ("escalate_decide", 9, 2),
    ("escalated", 3, 1),
    ("change_mind", 6, 2),
    ("revert_redecide", 6, 3),
    ("skip_skip_decide", 4, 3),
)


@dataclass
class _History:
    """Plans the synthetic decision history: items (older flagged_at) and their events."""

    rng: random.Random
    policy: Policy
    now_ts: int
    reviewers: tuple[str, ...] = ()
    _speed: dict[str, float] = field(default_factory=dict)
    _reviewer: _Weighted[str] = field(init=False)
    _scripts: _Weighted[tuple[str, int, int]] = field(init=False)
    _valid: set[tuple[str, tuple[str, ...], bool]] = field(default_factory=set)
    _needs_note: dict[tuple[str, tuple[str, ...]], bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rng = self.rng
        count = rng.randint(6, 8)
        self.reviewers = (*REVIEWERS[: count - 1], _LEAD)
        self._speed = {r: rng.uniform(0.7, 1.4) for r in self.reviewers}
        # The lead mostly resolves escalations; the others share the queue unevenly.
        self._reviewer = _Weighted(self.reviewers, [0.2 if r == _LEAD else rng.uniform(0.5, 1.5) for r in self.reviewers])
        self._scripts = _Weighted(_SCRIPTS, [w for _, w, _ in _SCRIPTS])

    def flagged_at(self) -> int:
        """When a history item was flagged: 5 hours to 4 weeks ago (its events follow within hours)."""
        return self.now_ts - self.rng.randrange(5 * 3600, HISTORY_DAYS * 86400)

    def plan_item(self, item: int, flagged: int, suspected: str | None, budget: int) -> list[_Event]:
        """The events of one history item (at most ``budget`` of them), all after ``flagged``."""
        rng = self.rng
        name, _, length = self._scripts.pick(rng)
        if length > budget:
            name = "decide"
        window = self.now_ts - 4 * 3600 - flagged - 60
        t = flagged + 60 + min(window, int(rng.lognormvariate(math.log(90 * 60), 1.0)))
        a = self._someone()
        steps: list[_Step] = []

        def add(kind: EventKind, who: str, category: str | None = None, actions: tuple[str, ...] = (),
                note: str = "", reverts: str | None = None) -> str:
            nonlocal t
            if steps:
                t += rng.randint(40, 2400)
            uid = _uuid7(rng, t)
            steps.append(_Step(t, kind, uid, category, actions, note, reverts, who))
            return uid

        if name == "decide":
            add(EventKind.DECIDE, a, *self._decision(suspected))
        elif name == "skip_decide":
            add(EventKind.SKIP, a)
            add(EventKind.DECIDE, self._someone(not_=a), *self._decision(suspected))
        elif name in ("escalate_decide", "escalated"):
            add(EventKind.ESCALATE, a, None, self._escalate_actions(), rng.choice(_ESCALATION_NOTES))
            if name == "escalate_decide":
                add(EventKind.DECIDE, _LEAD if a != _LEAD else self._someone(not_=a), *self._decision(suspected))
        elif name == "change_mind":
            first = self._decision(suspected)
            add(EventKind.DECIDE, a, *first)
            second = self._decision(suspected)
            while second[0] == first[0]:
                second = self._decision(suspected)
            add(EventKind.DECIDE, a, *second)
        elif name == "revert_redecide":
            wrong = add(EventKind.DECIDE, a, *self._decision(suspected))
            add(EventKind.REVERT, a, note=rng.choice(_REVERT_NOTES), reverts=wrong)
            add(EventKind.DECIDE, a, *self._decision(suspected))
        else:  # skip_skip_decide
            b = self._someone(not_=a)
            add(EventKind.SKIP, a)
            add(EventKind.SKIP, b)
            add(EventKind.DECIDE, self._someone(not_=b), *self._decision(suspected))
        return self._events(item, steps)

    def _events(self, item: int, steps: list[_Step]) -> list[_Event]:
        """Attach supersedes and the projection after each event, exactly as the store derives them."""
        refs: list[EventRef] = []
        head: str | None = None
        out = []
        for ts, kind, uid, category, actions, note, reverts, who in steps:
            supersedes = None if kind == EventKind.REVERT else head
            refs.append(EventRef(uuid=uid, kind=kind, reverts=reverts))
            status, head = derive_state(refs)
            out.append(
                _Event(ts, item, uid, kind, category, actions, note, who,
                       self._time_spent(kind, who), reverts, supersedes, status, head)
            )
        return out

    def _someone(self, not_: str | None = None) -> str:
        while True:
            who = self._reviewer.pick(self.rng)
            if who != not_:
                return who

    def _escalate_actions(self) -> tuple[str, ...]:
        """What Store.record stores for an escalation (it adds the "escalate" action)."""
        return ("escalate",) if self.policy.has_action("escalate") else ()

    def _decision(self, suspected: str | None) -> tuple[str, tuple[str, ...], str]:
        """(category, actions, note): mostly the suspected category with its default actions."""
        rng, policy = self.rng, self.policy
        r = rng.random()
        if suspected is not None and r < 0.6:
            code = suspected
        elif r < 0.88:
            code = policy.no_violation.code
        else:
            code = rng.choice([c.code for c in policy.categories if c.is_violation])
        category = policy.category(code)
        actions = list(category.default_actions)
        if category.is_violation and rng.random() < 0.15:  # the reviewer changed the defaults
            if len(actions) > 1 and rng.random() < 0.5:
                actions.pop()
            else:
                extra = [a for a in _EXTRA_ACTIONS if a not in actions and policy.has_action(a)]
                if extra:
                    actions.append(rng.choice(extra))
        chosen = tuple(actions)
        needs_note = self._needs_note.get((code, chosen))
        if needs_note is None:
            needs_note = self._needs_note[(code, chosen)] = "note" in policy.required_fields(code, chosen)
        note = rng.choice(_DECISION_NOTES) if needs_note or rng.random() < 0.05 else ""
        key = (code, chosen, bool(note))
        if key not in self._valid:
            policy.validate_decision(code, chosen, note)  # a policy change must not make the demo lie
            self._valid.add(key)
        return code, chosen, note

    def _time_spent(self, kind: EventKind, who: str) -> int | None:
        """Handling time: log-normal around 20 s for a decision (skips quicker, escalations slower)."""
        if kind == EventKind.REVERT:
            return None
        median = {EventKind.DECIDE: 20_000, EventKind.SKIP: 9_000, EventKind.ESCALATE: 45_000}[kind]
        spent = self.rng.lognormvariate(math.log(median * self._speed[who]), 0.6)
        return max(1_500, min(600_000, int(spent)))


def _write_history(
    store: Store, item_ids: Sequence[int | None], events: list[_Event], progress: DemoProgress | None
) -> tuple[int, tuple[str, ...]]:
    """Append the events (in decided_at order) through the store, under the rules of every write.

    ``item_ids[e.item]`` is the database id of a history item, None when its events
    must not be written (it was not imported by this run, or already has events).
    Returns the number of events written and the reviewers who made them.
    """
    events = [e for e in events if item_ids[e.item] is not None]
    events.sort(key=lambda e: e.ts)  # stable: an item's own events keep their order
    names = tuple(sorted({e.reviewer for e in events}))
    total = len(events)
    if progress is not None:
        progress("history", 0, total)

    def inputs() -> Iterator[DecisionInput]:
        for e in events:
            iid = item_ids[e.item]
            assert iid is not None
            revert = e.kind == EventKind.REVERT
            yield DecisionInput(
                item_id=iid,
                kind=e.kind,
                reviewer=e.reviewer,
                category=e.category,
                actions=e.actions,
                note=e.note,
                time_spent_ms=e.time_spent_ms,
                expected_head=None if revert else e.supersedes,
                check_head=not revert,
                uuid=e.uuid,
                decided_at=datetime.fromtimestamp(e.ts, UTC),
                reverts=e.reverts,
            )

    written = store.append_history(
        inputs(), batch=BATCH_EVENTS, progress=None if progress is None else lambda done: progress("history", done, total)
    )
    return written, names


def _plan_history(
    history: _History, rows: _Rows, contents: list[_Content], decided: int, progress: DemoProgress | None
) -> tuple[list[tuple[str, str]], list[_Event], list[str]]:
    """History items and their ``decided`` events: (platform, external_id) per item, events, manifest lines."""
    reusable = [c for c in contents if not c.broken]  # reusing the queue's media shows earlier verdicts
    keys: list[tuple[str, str]] = []
    events: list[_Event] = []
    dated: list[tuple[int, str]] = []
    budget = decided
    while budget > 0:
        h = len(keys)
        flagged = history.flagged_at()
        row = rows.row(reusable[history.rng.randrange(len(reusable))], _HISTORY_INDEX + h, flagged)
        item_events = history.plan_item(h, flagged, row["suspected_category"], budget)
        dated.append((flagged, _jsonl(row)))
        keys.append((row["platform"], row["external_id"]))
        events.extend(item_events)
        budget -= len(item_events)
        if progress is not None and h % 20_000 == 0:
            progress("plan", len(events), decided)
    # Oldest first, so item ids follow time as the events do: the bulk writes then touch
    # neighbouring rows and index pages instead of the whole table.
    dated.sort(key=lambda fl: fl[0])
    return keys, events, [line for _, line in dated]


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # built once, not per row


def _jsonl(row: dict[str, Any]) -> str:
    return _ENCODE(row) + "\n"


# -- the entry point ----------------------------------------------------------------------------


def generate_demo(
    store: Store,
    dest: Path,
    *,
    items: int = 60,
    decided: int = 0,
    seed: int = 1,
    progress: DemoProgress | None = None,
    now: datetime | None = None,
) -> DemoSummary:
    """Write the sample media and a JSONL manifest into ``dest``, import it, add ``decided`` past events.

    ``items`` items flagged in the last 72 hours form the reviewable (pending)
    queue. ``decided`` events go on extra, older history items, spread over the
    past four weeks. ``now`` is the reference time (default: the current time);
    the same ``seed`` and ``now`` give identical files, rows and events.
    Running it again on the same database adds nothing twice: existing items
    count as duplicates and items that already have events get no new ones.
    """
    if items < 0 or decided < 0:
        raise ValueError("items and decided must be >= 0")
    now_ts = int((now or datetime.now(UTC)).timestamp())
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    media_dir = dest / MEDIA_SUBDIR
    if progress is not None:
        progress("media", 0, len(MEDIA_POOL))
    written = generate_media(media_dir, seed)
    if progress is not None:
        progress("media", len(MEDIA_POOL), len(MEDIA_POOL))

    contents = _contents(written)
    rng = random.Random(f"{seed}/queue")
    rows = _Rows(rng, seed)
    lines = [
        _jsonl(rows.row(content, index, now_ts - rng.randrange(PENDING_HOURS * 3600)))
        for index, content in enumerate(_pending_contents(rng, contents, items))
    ]
    history = _History(random.Random(f"{seed}/history"), store.policy, now_ts)
    history_keys, events, history_lines = _plan_history(history, rows, contents, decided, progress)
    lines += history_lines
    manifest = dest / MANIFEST_NAME
    with manifest.open("w", encoding="utf-8", newline="\n") as out:
        out.writelines(lines)
    del lines, history_lines
    total_rows = items + len(history_keys)

    def import_progress(rows_done: int) -> None:
        if progress is not None:
            progress("import", rows_done, total_rows)  # never cancels: a half-imported demo helps nobody

    report = ingest.import_path(store, manifest, progress=import_progress)
    written_events: int = 0
    reviewers: tuple[str, ...] = ()
    if events:
        source_text = ingest.display_name(str(manifest.resolve()))
        targets = store.undecided_items_from(source_text, history_keys)
        written_events, reviewers = _write_history(store, targets, events, progress)
        store.refresh_statistics()
    return DemoSummary(
        items_imported=report.imported,
        rejected=len(report.rejected),
        decisions=written_events,
        media_dir=media_dir,
        manifest=manifest,
        rejections=tuple(report.rejected),
        duplicates=report.duplicates,
        history_items=len(history_keys),
        reviewers=reviewers,
        media_files=len(MEDIA_POOL),
    )
