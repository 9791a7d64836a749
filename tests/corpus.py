"""Where the shared test inputs are (importable by any test module, unlike a conftest).

The Pillow corpus lives in the workspace's shared folder beside the clone
(``../shared/testdata/pillow-corpus``); MODERATOR_PILLOW_CORPUS points elsewhere.
"""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PILLOW_CORPUS = Path(
    os.environ.get("MODERATOR_PILLOW_CORPUS") or REPO.parent / "shared" / "testdata" / "pillow-corpus"
)
