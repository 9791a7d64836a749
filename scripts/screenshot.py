"""Save a screenshot of the app on its sample queue (used for docs/screenshot-*.png).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot.py docs/screenshot-en.png --lang en
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from moderator_gui.ui.main import run
from moderator_gui.ui.main_window import MainWindow


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--lang", default="en")
    p.add_argument("--wait", type=float, default=8.0, help="seconds after the window appears")
    p.add_argument("--size", default="1440x900")
    args = p.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    app = QApplication([sys.argv[0]])

    def poll() -> None:
        windows = [t for t in app.topLevelWidgets() if isinstance(t, MainWindow) and t.isVisible()]
        if not windows:
            QTimer.singleShot(200, poll)
            return
        windows[0].resize(w, h)
        QTimer.singleShot(int(args.wait * 1000), lambda: (windows[0].grab().save(args.out), app.closeAllWindows()))

    QTimer.singleShot(200, poll)
    return run(["--demo", "--reviewer", "screenshot", "--lang", args.lang])


if __name__ == "__main__":
    sys.exit(main())
