"""Entry point of the desktop app. Imports Qt lazily so that ``--help`` is instant."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from moderator_gui.ui.main import run

    return run(list(sys.argv[1:] if argv is None else argv))
