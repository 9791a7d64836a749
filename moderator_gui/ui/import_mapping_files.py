"""The import dialog's mapping files: "Load mapping…" and "Save mapping…" (the TOML files of
``moderator-cli import --mapping``), read and written on a worker thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from moderator_gui.core.ingest.mapping import ColumnMapping, load_mapping, save_mapping
from moderator_gui.ui.tasks import TaskHandle, TaskRunner


class MappingFiles(QObject):
    loaded = Signal(object)  # the ColumnMapping read
    saved = Signal(object)  # the Path written
    failed = Signal(object)  # the exception (a MappingError, an OSError)

    def __init__(self, runner: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self._runner = runner
        self._widget = parent
        self._tasks: list[TaskHandle] = []

    def ask_path(self, *, save: bool) -> str:
        """Which file (a file dialog; tests replace it). Empty: none chosen."""
        title, pattern = self.tr("Column mapping"), self.tr("Mappings (*.toml)")
        if save:
            chosen, _ = QFileDialog.getSaveFileName(self._widget, title, "mapping.toml", pattern)
        else:
            chosen, _ = QFileDialog.getOpenFileName(self._widget, title, "", pattern)
        return chosen

    def load(self) -> None:
        if chosen := self.ask_path(save=False):
            path = Path(chosen)
            self._run(lambda: load_mapping(path), self.loaded.emit, "load mapping")

    def save(self, mapping: ColumnMapping) -> None:
        chosen = self.ask_path(save=True)
        if not chosen:
            return
        path = Path(chosen) if Path(chosen).suffix else Path(chosen).with_suffix(".toml")

        def write() -> Path:
            save_mapping(path, mapping)
            return path

        self._run(write, self.saved.emit, "save mapping")

    def _run(self, fn: Callable[[], Any], on_done: Callable[[Any], None], label: str) -> None:
        self._tasks.append(self._runner.run(fn, on_done=on_done, on_error=self.failed.emit, label=label))

    def cancel(self) -> None:
        """The dialog closes: files still being read or written are, but nobody hears of it."""
        for task in self._tasks:
            task.cancel()
        self._tasks = []
