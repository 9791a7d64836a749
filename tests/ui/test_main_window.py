"""The main window's first-run size fits the screen it opens on."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication

from moderator_gui.core.store import Store
from moderator_gui.ui.main_window import default_size

pytestmark = pytest.mark.gui


def test_first_window_fits_the_available_screen(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(ui_store, 2)
    available = QGuiApplication.primaryScreen().availableGeometry()
    w = make_window()
    # 90 % of the screen, but never below the panels' minimum size (the offscreen test
    # screen is only 800x800, smaller than that minimum). Showing the first item can raise
    # that minimum (the viewer's bar): the window follows at the next layout pass.
    expected = lambda: default_size(available).expandedTo(w.minimumSizeHint())  # noqa: E731
    qtbot.waitUntil(lambda: w.size() == expected(), timeout=3000)
    assert w.width() < 1440 and w.height() < 900


@pytest.mark.parametrize(
    ("available", "expected"),
    [
        (QRect(0, 0, 2560, 1400), QSize(1440, 900)),  # a large screen: the preferred size
        (QRect(0, 0, 1366, 728), QSize(1229, 655)),  # a laptop: 90 % of what the panels leave
        (QRect(0, 0, 1600, 900), QSize(1440, 810)),  # only the height is clamped
    ],
)
def test_default_size_is_clamped_to_90_percent_of_the_screen(available: QRect, expected: QSize) -> None:
    assert default_size(available) == expected
