"""Where the shared test inputs are (importable by any test module, unlike a conftest).

The Pillow corpus lives in the workspace's shared folder beside the clone
(``../shared/testdata/pillow-corpus``). A clone made elsewhere from a local
checkout (``git clone /work/main /tmp/fresh``) finds the one beside its origin.
MODERATOR_PILLOW_CORPUS overrides both.
"""

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_RELATIVE = Path("shared") / "testdata" / "pillow-corpus"


def _find_corpus() -> Path:
    override = os.environ.get("MODERATOR_PILLOW_CORPUS")
    if override:
        return Path(override)
    beside = REPO.parent / _RELATIVE
    if beside.is_dir():
        return beside
    try:
        origin = subprocess.run(
            ["git", "-C", str(REPO), "config", "--get", "remote.origin.url"],
            capture_output=True, text=True, timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        origin = ""
    if origin and "://" not in origin and Path(origin).is_dir():
        beside_origin = Path(origin).resolve().parent / _RELATIVE
        if beside_origin.is_dir():
            return beside_origin
    return beside  # missing: conftest stops the run with a message naming this path


PILLOW_CORPUS = _find_corpus()
