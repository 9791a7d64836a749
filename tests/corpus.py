"""Where the shared test inputs are (importable by any test module, unlike a conftest)."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PILLOW_CORPUS = REPO.parent / "shared" / "testdata" / "pillow-corpus"
