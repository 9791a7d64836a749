"""Screenshots of the main window (English, light and dark), saved as test artifacts.

They are for people to look at (layout, clipping, readability); the assertions only
check that what should be on screen is there. The Chinese screenshot
(main-window-zh_CN.png) is made by tests/ui/test_i18n.py, with its checks.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from moderator_gui.core.domain import utcnow
from moderator_gui.core.store import Store
from qt_wait import drain_events

pytestmark = pytest.mark.gui

REASONS = (
    "用户举报：疑似未成年人直播炫富",
    "Classifier: violent imagery",
    "多名用户举报：饭圈集资",
    "Reported for bullying a classmate",
    "疑似诱导自残内容",
)


def fill(store: Store, add_items: Any) -> None:
    now = utcnow()
    types = ("image", "video", "animation", "text", "image", "live_clip")
    for i in range(24):
        ctype = types[i % len(types)]
        extra = (
            {"text_body": "这是一条测试文本帖子 <b>not bold</b>", "media_path": None, "sha256": None} if ctype == "text" else {}
        )
        add_items(
            store,
            1,
            content_type=ctype,
            platform=("douyin", "weibo", "bilibili", "kuaishou")[i % 4],
            flag_reason=REASONS[i % len(REASONS)],
            report_count=(i * 7) % 23,
            flagged_at=now - timedelta(hours=(i * 5) % 40, minutes=7 * i),
            priority=5000 - i * 97,
            uploader=f"用户{i % 5}",
            **extra,
        )


def shoot(w: Any, path: Path, qtbot: Any) -> None:
    w.resize(1440, 900)
    drain_events()  # laid out and painted at that size
    assert w.grab().save(str(path))


def test_main_window_en(
    make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any, artifacts_dir: Path
) -> None:
    fill(ui_store, add_items)
    _service, bridge = fake_media
    w = make_window(bridge=bridge)
    w.panel.choose_category("porn_violence")
    qtbot.waitUntil(lambda: w.viewer.canvas.pixmap is not None)
    shoot(w, artifacts_dir / "main-window-en.png", qtbot)
    assert w.panel.category_buttons["porn_violence"].text().startswith("2")


def test_main_window_dark(
    make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any, artifacts_dir: Path
) -> None:
    """The system's dark scheme: the window follows it (checked by eye on the artifact)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPalette

    from moderator_gui.ui.main import apply_color_scheme

    app = QApplication.instance()
    before_palette = app.palette()
    try:
        apply_color_scheme(app, Qt.ColorScheme.Dark)  # as on colorSchemeChanged(Dark) from the system
        assert app.palette().color(QPalette.ColorRole.Window).lightness() < 128
        fill(ui_store, add_items)
        w = make_window(bridge=fake_media[1])
        w.panel.choose_category("cyberbullying")
        qtbot.waitUntil(lambda: w.viewer.canvas.pixmap is not None)
        shoot(w, artifacts_dir / "main-window-dark.png", qtbot)
    finally:
        app.setPalette(before_palette)
