"""Where the export dialog writes: the default file name and folder, and the check before
writing — a worker looks whether a file is already there (never the GUI thread: the folder
may be on a network drive), and if there is one the lead is asked "Replace?".

The question's texts belong to the ``ExportDialog`` translation context, as before this
module was split off the dialog.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from moderator_gui.ui.tasks import TaskHandle, TaskRunner

FORMAT_SUFFIX = {"csv": ".csv", "jsonl": ".jsonl"}


def default_export_name(fmt: str, now: datetime | None = None) -> str:
    """``decisions-YYYYMMDD-HHMM.csv``: sorts by time and never collides within a minute."""
    return f"decisions-{(now or datetime.now()):%Y%m%d-%H%M}{FORMAT_SUFFIX[fmt]}"


def default_export_folder() -> Path:
    """The user's Documents folder if there is one, else the home folder.

    Looks at the file system (Documents may be on a network drive): call it from a worker
    thread, never on the GUI thread."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def existing_file(path: Path) -> bool:
    """Whether exporting to ``path`` would replace a file (a folder there is not replaced: the
    export reports it). A file-system call: worker thread only."""
    return path.exists() and not path.is_dir()


class TargetCheck(QObject):
    """Export was pressed: is there a file at the target (a worker looks), and may it be
    replaced (a window-modal question on the parent dialog, no nested event loop, so closing
    the dialog still works)? One check at a time; ``busy`` until it is answered."""

    confirmed = Signal()  # write it: no file there, or the lead said Yes
    declined = Signal()  # the lead said No
    failed = Signal(object)  # the look itself failed (the exception)

    def __init__(self, runner: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self._runner = runner
        self._check: TaskHandle | None = None
        self._question: QMessageBox | None = None

    @property
    def busy(self) -> bool:
        """The existing file is being looked for, or "Replace?" is asked."""
        return self._check is not None or self._question is not None

    def start(self, out: Path) -> None:
        self._check = self._runner.run(
            lambda: existing_file(out),
            on_done=lambda exists: self._checked(out, exists),
            on_error=self._failed,
            label="export target",
        )

    def _checked(self, out: Path, exists: bool) -> None:
        """GUI thread: the worker has looked at the file; ask before replacing it."""
        self._check = None
        if not exists:
            self.confirmed.emit()
            return
        dialog = self.parent()
        assert isinstance(dialog, QWidget)
        self._question = QMessageBox(
            QMessageBox.Icon.Question,
            QCoreApplication.translate("ExportDialog", "Replace file?"),
            QCoreApplication.translate("ExportDialog", "{name} already exists. Replace it?").format(name=out.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            dialog,
        )
        self._question.finished.connect(self._answered)
        self._question.open()  # window-modal, no nested event loop: closing the dialog still works

    @Slot()
    def _answered(self) -> None:
        box, self._question = self._question, None
        if box is None:
            return  # the dialog was closed meanwhile: no export
        box.deleteLater()
        if box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes:
            self.confirmed.emit()
        else:
            self.declined.emit()

    def _failed(self, exc: BaseException) -> None:
        self._check = None
        self.failed.emit(exc)

    def cancel(self) -> None:
        """The dialog closes: a check still running is dropped (its answer is not delivered),
        and an open "Replace?" is closed unanswered (no export)."""
        if self._check is not None:
            self._check.cancel()
        self._check = None
        question, self._question = self._question, None
        if question is not None:
            question.reject()  # unanswered: no export (_answered sees no question any more)
            question.deleteLater()
