"""The team lead's export dialog (Ctrl+E): the decision log as CSV or JSONL.

Same filters and formats as ``moderator-cli export``; the file is written by
``core.export.export_decisions`` on a worker thread (atomically: complete file or
none), with a progress count and a Cancel that really stops it. The filter form
(``decision_filter_form.py``) is shared with the statistics view, so "what is
exported" and "what is counted" are chosen the same way. The default file and the
"does it exist? Replace?" check before writing are in ``export_target.py``.
"""

from __future__ import annotations

import errno
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QLocale, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from moderator_gui.core.decision_filter import DecisionFilter, FilterError
from moderator_gui.core.export import (
    ExportCancelled,
    ExportError,
    ExportResult,
    Format,
    export_decisions,
)
from moderator_gui.core.policy import Policy
from moderator_gui.core.store import Store, StoreError
from moderator_gui.ui.decision_filter_form import DecisionFilterForm
from moderator_gui.ui.export_target import FORMAT_SUFFIX, TargetCheck, default_export_folder, default_export_name
from moderator_gui.ui.message_text import error_text
from moderator_gui.ui.tasks import TaskHandle, TaskRunner

log = logging.getLogger(__name__)

# Progress reaches the GUI at most this often: the export reports every few
# thousand rows, but a slow disk must not flood the event loop either.
PROGRESS_INTERVAL_S = 0.05


class ExportDialog(QDialog):
    """Choose filters, format and file; export in the background; show the result."""

    finished_export = Signal(object)  # ExportResult, after a successful export (for callers and tests)

    def __init__(self, store: Store, runner: TaskRunner, policy: Policy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ExportDialog")
        self._store = store
        self._runner = runner
        self._task: TaskHandle | None = None
        self._cancel = threading.Event()  # asks the running export to stop (its progress callback says False)
        self._result: ExportResult | None = None
        # Before an export starts, a worker looks whether the file exists (never the GUI
        # thread: the folder may be on a network drive); then "Replace?" may be asked.
        self._target_check = TargetCheck(runner, self)
        self._checked_export: tuple[Path, Format, DecisionFilter] | None = None  # what the check is about
        self._default_task: TaskHandle | None = None
        self._default_dir: Path | None = None  # the Documents folder, once a worker found it
        self._focus_before_check: QWidget | None = None

        self.filters = DecisionFilterForm(store, runner, policy, self)
        self.format = QComboBox(self)
        self.format.setObjectName("format")
        self.format.addItem("", "csv")
        self.format.addItem("", "jsonl")
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("path")
        # Filled in when a worker has found the Documents folder (unless the lead typed first).
        self.browse_button = QPushButton(self)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        self.format_label = QLabel(self)
        self.format_label.setBuddy(self.format)
        self.path_label = QLabel(self)
        self.path_label.setBuddy(self.path_edit)
        self.filters.form.insertRow(0, self.format_label, self.format)
        self.filters.form.addRow(self.path_label, path_row)

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # the row total is not known up front: a busy bar plus a count
        self.progress.setVisible(False)
        self.status = QLabel(self)
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_folder_button = QPushButton(self)
        self.copy_path_button = QPushButton(self)
        result_row = QHBoxLayout()
        result_row.addStretch(1)
        result_row.addWidget(self.show_folder_button)
        result_row.addWidget(self.copy_path_button)
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(result_row)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.format.currentIndexChanged.connect(self._format_changed)
        self.browse_button.clicked.connect(self._browse)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.close_button.clicked.connect(self.reject)
        self.show_folder_button.clicked.connect(self._show_in_folder)
        self.copy_path_button.clicked.connect(self._copy_path)
        self.filters.changed.connect(self._clear_result)
        self.filters.reviewers_failed.connect(self._reviewers_failed)
        self._target_check.confirmed.connect(self._target_confirmed)
        self._target_check.declined.connect(self._check_ended)
        self._target_check.failed.connect(self._check_failed)
        self._retranslate()
        self._set_running(False)
        self._show_result_buttons(False)
        self.resize(520, self.sizeHint().height())
        self._default_task = self._runner.run(
            default_export_folder, on_done=self._set_default_folder, label="export folder"
        )

    # -- texts ------------------------------------------------------------------------
    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Export decision log"))
        self.format_label.setText(self.tr("F&ormat:"))
        self.format.setItemText(0, self.tr("CSV (spreadsheets)"))
        self.format.setItemText(1, self.tr("JSON Lines"))
        self.path_label.setText(self.tr("&Save to:"))
        self.browse_button.setText(self.tr("&Browse…"))
        self.export_button.setText(self.tr("&Export"))
        self.show_folder_button.setText(self.tr("Show in folder"))
        self.copy_path_button.setText(self.tr("Copy path"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # -- choosing the file ---------------------------------------------------------------
    def _set_default_folder(self, folder: Path) -> None:
        self._default_task = None
        self._default_dir = folder
        if not self.path_edit.text().strip():
            self.path_edit.setText(str(folder / default_export_name(self.fmt())))

    def _default_folder(self) -> Path:
        """Where the file goes by default: Documents once known (found by a worker), else home."""
        return self._default_dir if self._default_dir is not None else Path.home()

    def fmt(self) -> Format:
        return "jsonl" if self.format.currentData() == "jsonl" else "csv"

    @Slot()
    def _format_changed(self) -> None:
        """Keep the file name's suffix in step with the chosen format."""
        text = self.path_edit.text().strip()
        if text:
            path = Path(text)
            if path.suffix.lower() in (".csv", ".jsonl"):
                self.path_edit.setText(str(path.with_suffix(FORMAT_SUFFIX[self.fmt()])))
        self._clear_result()

    @Slot()
    def _browse(self) -> None:
        current = Path(self.path_edit.text().strip() or self._default_folder() / default_export_name(self.fmt()))
        name_filter = self.tr("CSV files (*.csv)") if self.fmt() == "csv" else self.tr("JSON Lines files (*.jsonl)")
        chosen, _ = QFileDialog.getSaveFileName(self, self.tr("Export decision log"), str(current), name_filter)
        if chosen:
            path = Path(chosen)
            if not path.suffix:
                path = path.with_suffix(FORMAT_SUFFIX[self.fmt()])
            self.path_edit.setText(str(path))

    # -- running ------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """An export is running."""
        return self._task is not None

    @property
    def checking(self) -> bool:
        """Export was pressed: the existing file is being looked for, or "Replace?" is asked."""
        return self._target_check.busy

    def _set_running(self, running: bool, *, checking: bool = False) -> None:
        busy = running or checking  # the form stays as it was when Export was pressed
        self.filters.setEnabled(not busy)
        self.format.setEnabled(not busy)
        self.path_edit.setEnabled(not busy)
        self.browse_button.setEnabled(not busy)
        self.export_button.setEnabled(not busy)
        self.export_button.setVisible(not running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.close_button.setVisible(not running)
        self.progress.setVisible(running)

    def _show_result_buttons(self, shown: bool) -> None:
        self.show_folder_button.setVisible(shown)
        self.copy_path_button.setVisible(shown)

    def _show_status(self, text: str, *, error: bool = False) -> None:
        self.status.setProperty("error", error)
        self.status.setStyleSheet("color: #b91c1c;" if error else "")
        self.status.setText(text)

    @Slot()
    def _clear_result(self) -> None:
        if not self.running:
            self._result = None
            self._show_result_buttons(False)
            self.status.clear()

    def _target(self) -> Path | None:
        text = self.path_edit.text().strip()
        if not text:
            self._show_status(self.tr("Choose a file to export to."), error=True)
            return None
        path = Path(text).expanduser()
        if not path.suffix:
            path = path.with_suffix(FORMAT_SUFFIX[self.fmt()])
            self.path_edit.setText(str(path))
        return path

    @Slot()
    def start_export(self) -> None:
        if self.running or self.checking:
            return
        problem = self.filters.range_error()
        if problem is not None:
            self._show_status(problem, error=True)
            return
        out = self._target()
        if out is None:
            return
        flt, fmt = self.filters.value(), self.fmt()
        # The form is disabled while the file is checked. Focus would move on to Close, and
        # a second Enter would close the dialog: the dialog itself keeps it meanwhile.
        focused = QApplication.focusWidget()
        self._focus_before_check = focused if focused is not None and self.isAncestorOf(focused) else None
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self._set_running(False, checking=True)
        self._checked_export = (out, fmt, flt)
        self._target_check.start(out)

    @Slot()
    def _target_confirmed(self) -> None:
        """The file may be written: no file there, or the lead said Yes to "Replace?"."""
        assert self._checked_export is not None  # set before the check started
        out, fmt, flt = self._checked_export
        self._begin_export(out, fmt, flt)

    @Slot(object)
    def _check_failed(self, exc: BaseException) -> None:
        self._check_ended()
        self._show_status(self._describe_error(exc), error=True)

    @Slot()
    def _check_ended(self) -> None:
        """No export after all: the form is back as it was, focus included."""
        self._checked_export = None
        self._set_running(False)
        focused, self._focus_before_check = self._focus_before_check, None
        if focused is not None and focused.isEnabled() and focused.isVisible():
            focused.setFocus(Qt.FocusReason.OtherFocusReason)

    def _begin_export(self, out: Path, fmt: Format, flt: DecisionFilter) -> None:
        self._focus_before_check = self._checked_export = None
        store = self._store
        self._cancel = cancel = threading.Event()
        last_report = [0.0]

        def work(report: Callable[[int], None]) -> ExportResult:
            def progress(rows: int) -> bool:
                now = time.monotonic()
                if now - last_report[0] >= PROGRESS_INTERVAL_S:
                    last_report[0] = now
                    report(rows)
                return not cancel.is_set()

            return export_decisions(store, out, fmt, flt, progress)

        self._result = None
        self._show_result_buttons(False)
        self._show_status(self.tr("Exporting…"))
        self._set_running(True)
        self._task = self._runner.run(
            work,
            progress=True,
            on_progress=self._progress,
            on_done=self._done,
            on_error=self._failed,
            label="export",
        )

    @Slot()
    def cancel_export(self) -> None:
        """Ask the running export to stop; it removes its partial file and then reports back."""
        if self.running:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self._show_status(self.tr("Cancelling…"))

    def _progress(self, rows: int) -> None:
        self._show_status(self.tr("Rows exported so far: {rows}").format(rows=QLocale().toString(int(rows))))

    def _done(self, result: ExportResult) -> None:
        self._task = None
        self._set_running(False)
        self._result = result
        self._show_status(
            self.tr("Export complete: {path}\nRows: {rows}\nFinal hash: {hash}").format(
                rows=QLocale().toString(result.rows), path=result.path, hash=result.final_hash
            )
        )
        self._show_result_buttons(True)
        self.finished_export.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._task = None
        self._set_running(False)
        if isinstance(exc, ExportCancelled):
            self._show_status(self.tr("Export cancelled. No file was written."))
        elif isinstance(exc.__cause__, FilterError) and self.filters.show_error(exc.__cause__):
            self.status.clear()  # the filter's problem is shown next to its field
        else:
            self._show_status(self._describe_error(exc), error=True)

    def _describe_error(self, exc: BaseException) -> str:
        """A translated headline for the usual causes, then the precise (English) detail from the core."""
        cause = exc.__cause__ if isinstance(exc.__cause__, OSError) else exc
        code = getattr(cause, "errno", None)
        if code in (errno.ENOSPC, errno.EDQUOT):
            headline = self.tr("The disk is full. Free some space or choose another folder.")
        elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
            headline = self.tr("You may not write in that folder. Choose another folder.")
        elif isinstance(exc, StoreError):
            headline = self.tr("The decisions could not be read from the database.")
        elif isinstance(exc, (ExportError, OSError)):
            headline = self.tr("The file could not be written. Check the folder and file name.")
        else:
            # Not a storage or file problem: a bug. The dialog says so; the log keeps the traceback.
            log.error("export failed:\n%s", getattr(exc, "__traceback_text__", repr(exc)))
            headline = self.tr("The export failed.")
        return f"{headline}\n{error_text(exc)}"

    def _reviewers_failed(self, message: str) -> None:
        self._show_status(self.tr("Could not read the reviewer list: {reason}").format(reason=message), error=True)

    # -- after a success --------------------------------------------------------------------
    @Slot()
    def _show_in_folder(self) -> None:
        if self._result is not None and self._result.path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._result.path.parent)))

    @Slot()
    def _copy_path(self) -> None:
        if self._result is not None and self._result.path is not None:
            QGuiApplication.clipboard().setText(str(self._result.path))

    # -- closing ----------------------------------------------------------------------------
    def reject(self) -> None:
        """Closing (Esc, window close) while exporting cancels the export and drops its callbacks;
        a file check still running is dropped too, and an open "Replace?" is closed unanswered."""
        if self._task is not None:
            self._cancel.set()  # the export stops and removes its partial file
            self._task.cancel()  # and nothing of it reaches this closed dialog
            self._task = None
        self._target_check.cancel()  # a check still running: dropped; "Replace?": closed unanswered
        if self._default_task is not None:
            self._default_task.cancel()  # its answer is not delivered
        self._default_task = None
        self._focus_before_check = self._checked_export = None
        self._set_running(False)
        self.filters.cancel_loading()
        super().reject()
