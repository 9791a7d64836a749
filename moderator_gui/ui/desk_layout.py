"""How the desk is laid out: the first window's size, the panes in their splitters (queue |
viewer over context | decision panel, under the banners), and the sizes the reviewer gave
them, remembered in the settings."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter, QVBoxLayout, QWidget

PREFERRED_SIZE = QSize(1440, 900)
MAX_SCREEN_SHARE = 0.9  # the first window never covers more of the screen than this
GEOMETRY_KEY = "window/geometry"


def default_size(available: QRect | None = None) -> QSize:
    """The first-run window size: 1440x900, shrunk to fit 90 % of the screen's available area."""
    if available is None:
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            return QSize(PREFERRED_SIZE)
        available = screen.availableGeometry()
    return QSize(
        min(PREFERRED_SIZE.width(), int(available.width() * MAX_SCREEN_SHARE)),
        min(PREFERRED_SIZE.height(), int(available.height() * MAX_SCREEN_SHARE)),
    )


def restore_geometry(window: QMainWindow, settings: QSettings) -> None:
    """The default size, or where and how large the reviewer left the window."""
    window.resize(default_size())
    geometry = settings.value(GEOMETRY_KEY)
    if geometry is not None:
        window.restoreGeometry(geometry)


def arrange(
    window: QMainWindow, settings: QSettings, banners: QWidget, queue: QWidget, viewer: QWidget, context: QWidget, panel: QWidget
) -> dict[str, QSplitter]:
    """Put the panes in place; returns the splitters by their settings key."""
    centre = QSplitter(Qt.Orientation.Vertical, window)
    centre.addWidget(viewer)
    centre.addWidget(context)
    centre.setStretchFactor(0, 3)
    centre.setStretchFactor(1, 1)
    centre.setSizes([600, 270])
    main = QSplitter(Qt.Orientation.Horizontal, window)
    main.addWidget(queue)
    main.addWidget(centre)
    main.addWidget(panel)
    main.setStretchFactor(0, 2)
    main.setStretchFactor(1, 4)
    main.setStretchFactor(2, 2)
    main.setSizes([540, 520, 380])
    main.setChildrenCollapsible(False)
    splitters = {"window/main_splitter": main, "window/centre_splitter": centre}
    for key, splitter in splitters.items():
        saved = settings.value(key)
        if saved is not None:
            splitter.restoreState(saved)
    body = QWidget(window)
    lay = QVBoxLayout(body)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(0)
    lay.addWidget(banners)
    lay.addWidget(main, 1)
    window.setCentralWidget(body)
    return splitters


def remember(window: QMainWindow, settings: QSettings, splitters: dict[str, QSplitter]) -> None:
    """Keep the splitters' and the window's sizes for the next start."""
    for key, splitter in splitters.items():
        settings.setValue(key, splitter.saveState())
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())
