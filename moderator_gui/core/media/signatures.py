"""PDQ signatures of a thumbnail job's picture, into the probe (``probe["signatures"]``).

Only ``MediaKind.THUMB`` jobs hash: every item gets a thumbnail in the prefetch, so the
signatures arrive with it, from the picture that job decodes anyway (the still image,
the first frame of an animation, a video's poster keyframe). They are cached with the
probe (``PIPELINE_VERSION``) and the store reads them from there.

Hashing is a bonus: whatever goes wrong in it (numpy missing, an odd picture, even
memory) is logged and the probe simply has no ``signatures``; the thumbnail stands.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from PIL import Image

log = logging.getLogger(__name__)

# The long side of the picture the signatures are taken from: the thumbnail's own size, i.e.
# the picture the job has in hand anyway. Borders are found at this size; each variant is
# then resampled to 64×64 and hashed (``core/dupes/pdq.py``, ``HASH_SIDE``). 512 px would need
# JPEGs drafted at 512 instead of 256, +20 % on the decode alone (1920×1080: 3.8 -> 4.5 ms;
# 4000×3000: 16.4 -> 20.1 ms), for nothing PDQ keeps.
SOURCE_SIZE = 256

# bench/bench_signatures.py turns hashing off to measure what it costs: in-process by this flag,
# in the worker processes of a real prefetch by the environment variable.
ENABLED = os.environ.get("MODERATOR_BENCH_NO_PDQ") != "1"


def warm_up() -> None:
    """Import what hashing needs (numpy: ~40 ms; pdqhash, for the few pictures ``pdq64`` hands
    it) ahead of the first picture; a worker does it while it has nothing else to do (``worker.py``)."""
    if not ENABLED:
        return
    try:
        import pdqhash  # noqa: F401

        import moderator_gui.core.dupes.pdq
        import moderator_gui.core.dupes.pdq64  # noqa: F401
    except Exception:  # e.g. a numpy built for another ABI: add_signatures logs it, per picture
        log.warning("cannot import what PDQ hashing needs; pictures get no signatures", exc_info=True)


def add_signatures(probe: dict[str, Any], im: Image.Image) -> None:
    """Put the signatures of ``im`` (upright, at most SOURCE_SIZE px; not modified) into ``probe``."""
    if not ENABLED:
        return
    try:
        from moderator_gui.core.dupes.pdq import HASH_SIDE, pdq_signatures  # lazy: numpy costs ~40 ms to import

        probe["signatures"] = [s.to_json() for s in pdq_signatures(im, HASH_SIDE)]
    except Exception:  # includes MemoryError: a failed hash must never cost the thumbnail (logged)
        log.warning("PDQ signatures of a %s×%s %s picture failed", im.width, im.height, im.mode, exc_info=True)
