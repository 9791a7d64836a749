"""The demo's media pool: ~40 sample files reused by any number of items, and what items can show.

Every content type, odd encodings (EXIF rotation, CMYK, 16-bit, alpha, a 12 MP
poster, rotated and audio clips) and deliberately broken files. Each file is drawn
from its own ``random.Random(f"{seed}/{path}")``, so files do not depend on the
order they are made in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from moderator_gui.core.demo.art import (
    Build,
    Written,
    save_alpha_png,
    save_animated,
    save_cmyk_jpeg,
    save_empty,
    save_exif_rotated,
    save_garbage,
    save_gif,
    save_jpeg,
    save_large_jpeg,
    save_mp4,
    save_png,
    save_png16,
    save_truncated_jpeg,
    save_truncated_mp4,
)
from moderator_gui.core.demo.samples import Samples, SamplesError
from moderator_gui.core.domain import ContentType

MEDIA_SUBDIR = "media"  # inside the demo folder

ANY_CATEGORY = "*"
"""In :attr:`MediaSpec.categories`: each category of the samples file's flag reasons, in its order."""


@dataclass(frozen=True)
class MediaSpec:
    path: str  # relative to the media folder
    content_type: ContentType
    build: Build
    essential: bool = False  # always in the queue, however few items are asked for
    broken: bool = False  # deliberately damaged: appears exactly once, never in history
    categories: tuple[str | None, ...] = (None,)  # what a flag source might suspect (None: nothing; ANY_CATEGORY)


_ANY = (ANY_CATEGORY,)
_I, _A, _V, _L = ContentType.IMAGE, ContentType.ANIMATION, ContentType.VIDEO, ContentType.LIVE_CLIP

MEDIA_POOL: tuple[MediaSpec, ...] = (
    *(
        MediaSpec(f"images/photo_{i:02d}.jpg", _I, save_jpeg(size), essential=i < 2, categories=(*_ANY, None))
        for i, size in enumerate(
            [(640, 480), (800, 600), (1080, 1080), (720, 1280), (1280, 720), (480, 640),
             (1024, 768), (600, 800), (960, 540), (750, 1000), (1200, 900), (540, 960)]
        )
    ),
    *(MediaSpec(f"images/post_{i:02d}.png", _I, save_png, categories=_ANY) for i in range(4)),
    MediaSpec("images/photo_exif_orientation6.jpg", _I, save_exif_rotated, essential=True,
              categories=("minor_wealth_display", None)),
    MediaSpec("images/sticker_alpha.png", _I, save_alpha_png, essential=True, categories=("harmful_animation",)),
    MediaSpec("images/print_cmyk.jpg", _I, save_cmyk_jpeg, essential=True, categories=("fan_fundraising",)),
    MediaSpec("images/scan_16bit.png", _I, save_png16, essential=True, categories=("porn_violence", None)),
    MediaSpec("images/poster_4000x3000.jpg", _I, save_large_jpeg, essential=True,
              categories=("fan_fundraising", "minor_wealth_display")),
    *(
        MediaSpec(f"animations/sticker_{i:02d}.gif", _A, save_gif(size, 10), essential=i == 0,
                  categories=("harmful_animation", "cyberbullying", None))
        for i, size in enumerate([(240, 240), (200, 200), (320, 180), (160, 160)])
    ),
    *(
        MediaSpec(f"animations/sticker_{i:02d}.webp", _A, save_animated("WEBP", size, 12), essential=i == 0,
                  categories=("harmful_animation", "cyberbullying", None))
        for i, size in enumerate([(256, 256), (240, 240), (300, 200)])
    ),
    MediaSpec("animations/sticker_apng.png", _A, save_animated("PNG", (200, 200), 8), essential=True,
              categories=("harmful_animation",)),
    *(
        MediaSpec(f"videos/clip_{i:02d}.mp4", _V, save_mp4(size, secs), essential=i == 0,
                  categories=("porn_violence", "cyberbullying", "minor_wealth_display", None))
        for i, (size, secs) in enumerate([((320, 240), 2), ((480, 272), 3), ((640, 352), 2), ((400, 304), 4)])
    ),
    MediaSpec("videos/clip_with_audio.mp4", _V, save_mp4((640, 352), 3, audio=True), essential=True,
              categories=("minor_wealth_display", "fan_fundraising")),
    MediaSpec("videos/clip_rotated90.mp4", _V, save_mp4((480, 272), 2, rotation=90), essential=True,
              categories=("cyberbullying", "porn_violence")),
    *(
        MediaSpec(f"live/live_{i:02d}.mp4", _L, save_mp4(size, secs, live=True, audio=i == 1), essential=i < 2,
                  categories=("minor_wealth_display", "addiction_safeguards", "fan_fundraising"))
        for i, (size, secs) in enumerate([((640, 352), 3), ((480, 272), 2), ((320, 240), 3)])
    ),
    MediaSpec("broken/truncated.jpg", _I, save_truncated_jpeg, essential=True, broken=True,
              categories=("porn_violence",)),
    MediaSpec("broken/truncated.mp4", _V, save_truncated_mp4, essential=True, broken=True,
              categories=("cyberbullying",)),
    MediaSpec("broken/garbage.png", _I, save_garbage, essential=True, broken=True),
    MediaSpec("broken/empty.gif", _A, save_empty, essential=True, broken=True),
)


def generate_media(media_dir: Path, seed: int = 1) -> dict[str, Written]:
    """Write the media pool into ``media_dir`` (overwriting). Returns the manifest facts per relative path."""
    written: dict[str, Written] = {}
    for spec in MEDIA_POOL:
        out = media_dir / spec.path
        out.parent.mkdir(parents=True, exist_ok=True)
        written[spec.path] = spec.build(random.Random(f"{seed}/{spec.path}"), out)
    return written


@dataclass(frozen=True)
class Content:
    """One thing items can show: a pool file or a text post."""

    content_type: ContentType
    media_path: str | None
    text: str | None
    categories: tuple[str | None, ...]
    written: Written | None
    essential: bool
    broken: bool


def check_categories(samples: Samples) -> None:
    """Every category the pool names has flag reasons in the samples file (else rows could not be made)."""
    for spec in MEDIA_POOL:
        for code in spec.categories:
            if code not in (None, ANY_CATEGORY) and code not in samples.flag_reasons:
                raise SamplesError(
                    samples.source, f"flag_reasons.by_category.{code}", f"missing (the media pool's {spec.path} uses it)"
                )


def contents(written: dict[str, Written], samples: Samples) -> list[Content]:
    """The pool files (``written`` by :func:`generate_media`), then the text posts of the samples file."""
    any_category = samples.any_category

    def categories(spec: MediaSpec) -> tuple[str | None, ...]:
        if ANY_CATEGORY not in spec.categories:
            return spec.categories
        return tuple(c for code in spec.categories for c in (any_category if code == ANY_CATEGORY else (code,)))

    media = [
        Content(s.content_type, f"{MEDIA_SUBDIR}/{s.path}", None, categories(s), written[s.path], s.essential, s.broken)
        for s in MEDIA_POOL
    ]
    seen: set[str | None] = set()
    texts = []
    for text, category in samples.text_posts:
        texts.append(Content(ContentType.TEXT, None, text, (category,), None, category not in seen, False))
        seen.add(category)
    return media + texts
