"""The lead's import dialog (File → Import…, Ctrl+I): a folder or a manifest, its column
mapping, a preview, and the import itself with progress, Cancel and the rejected rows.

Same rules as ``moderator-cli import`` (docs/manifest.md): the mapping is the core's
``ColumnMapping`` (edited in ``import_mapping_table.py``, saved and loaded as the same TOML
files as ``--mapping``), the preview is ``core.ingest.preview`` (``import_preview.py``), the
import is ``core.ingest.import_path``. Everything that reads or writes a file or the database
runs on the task runner's threads; this module only shows what they answer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QLocale, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from moderator_gui.core.ingest import ImportReport, import_path
from moderator_gui.core.ingest.files import HashCache
from moderator_gui.core.ingest.mapping import ColumnMapping, MappingError
from moderator_gui.core.ingest.preview import PREVIEW_ROWS, PreviewRow, Sample, preview_rows, read_sample, unmapped_required
from moderator_gui.core.policy import Policy
from moderator_gui.core.store import Store
from moderator_gui.ui.import_mapping_files import MappingFiles
from moderator_gui.ui.import_mapping_table import MappingTable
from moderator_gui.ui.import_preview import PreviewTable
from moderator_gui.ui.import_rejects import RejectsList
from moderator_gui.ui.message_text import error_text, message_text
from moderator_gui.ui.tasks import TaskHandle, TaskRunner

PROGRESS_INTERVAL_S = 0.05  # progress reaches the GUI at most this often
PREVIEW_DELAY_MS = 150  # the preview follows edits once they pause
ERROR_STYLE = "color: #b91c1c;"


def count_lines(path: Path) -> int:
    """Lines in a manifest (the progress bar's length; a CSV record may span lines). Worker thread."""
    n = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
    return max(n, 1)


class ImportDialog(QDialog):
    finished_import = Signal(object)  # the ImportReport (for callers and tests)

    def __init__(self, store: Store, runner: TaskRunner, policy: Policy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ImportDialog")
        self._store = store
        self._runner = runner
        self._policy = policy
        self._sample: Sample | None = None
        self._hashes: HashCache = {}  # the previewed files' hashes, kept while the source stays
        self._sample_task: TaskHandle | None = None
        self._preview_task: TaskHandle | None = None
        self._task: TaskHandle | None = None
        self._cancel = threading.Event()
        self.report: ImportReport | None = None

        self.source_edit = QLineEdit(self)
        self.source_edit.setObjectName("source")
        self.browse_button = QPushButton(self)
        self.folder_button = QPushButton(self)
        source_row = QHBoxLayout()
        source_row.addWidget(self.source_edit, 1)
        source_row.addWidget(self.browse_button)
        source_row.addWidget(self.folder_button)
        self.platform_edit = QLineEdit(self)
        self.platform_edit.setObjectName("platform")
        self.source_label, self.platform_label = QLabel(self), QLabel(self)
        self.source_label.setBuddy(self.source_edit)
        self.platform_label.setBuddy(self.platform_edit)
        form = QFormLayout()
        form.addRow(self.source_label, source_row)
        form.addRow(self.platform_label, self.platform_edit)

        self.mapping_box = QGroupBox(self)
        self.mapping = MappingTable(self.mapping_box)
        self.load_mapping_button = QPushButton(self.mapping_box)
        self.save_mapping_button = QPushButton(self.mapping_box)
        mapping_buttons = QHBoxLayout()
        mapping_buttons.addWidget(self.load_mapping_button)
        mapping_buttons.addWidget(self.save_mapping_button)
        mapping_layout = QVBoxLayout(self.mapping_box)
        mapping_layout.addWidget(self.mapping, 1)
        mapping_layout.addLayout(mapping_buttons)
        self.preview_box = QGroupBox(self)
        self.preview = PreviewTable(self.preview_box)
        QVBoxLayout(self.preview_box).addWidget(self.preview)
        top = QSplitter(Qt.Orientation.Horizontal, self)
        top.addWidget(self.mapping_box)
        top.addWidget(self.preview_box)
        top.setStretchFactor(0, 2)
        top.setStretchFactor(1, 5)
        self.rejects = RejectsList(runner, self)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(self.rejects)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.status = QLabel(self)
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("import")
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(split, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._start_preview)
        self.source_edit.editingFinished.connect(self._source_edited)
        self.browse_button.clicked.connect(self._browse_file)
        self.folder_button.clicked.connect(self._browse_folder)
        self.platform_edit.textChanged.connect(self._preview_timer.start)
        self.mapping.changed.connect(self._preview_timer.start)
        self.mapping_files = MappingFiles(runner, self)
        self.load_mapping_button.clicked.connect(self.mapping_files.load)
        self.save_mapping_button.clicked.connect(self._save_mapping)
        self.mapping_files.loaded.connect(self._mapping_loaded)
        self.mapping_files.saved.connect(lambda path: self._show_status(self.tr("Mapping saved to {path}").format(path=path)))
        self.mapping_files.failed.connect(self._mapping_failed)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self.cancel_import)
        self.close_button.clicked.connect(self.reject)
        self._retranslate()
        self._set_running(False)
        self.import_button.setEnabled(False)  # until a source has been read
        self.resize(980, 680)

    # -- texts ------------------------------------------------------------------------------
    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Import flagged items"))
        self.source_label.setText(self.tr("&Source:"))
        self.source_edit.setPlaceholderText(self.tr("a .csv or .jsonl manifest, or a folder"))
        self.browse_button.setText(self.tr("&Manifest…"))
        self.folder_button.setText(self.tr("&Folder…"))
        self.platform_label.setText(self.tr("&Platform:"))
        self.platform_edit.setPlaceholderText(self.tr("for rows that name no platform"))
        self.mapping_box.setTitle(self.tr("Columns"))
        self.load_mapping_button.setText(self.tr("L&oad mapping…"))
        self.save_mapping_button.setText(self.tr("Sa&ve mapping…"))
        self.preview_box.setTitle(self.tr("Preview (first {count} rows, mapping applied)").format(count=PREVIEW_ROWS))
        self.import_button.setText(self.tr("&Import"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _show_status(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        self.status.setText(text)

    # -- the source -------------------------------------------------------------------------
    def ask_source_file(self) -> str:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import a manifest"), "", self.tr("Manifests (*.csv *.jsonl *.ndjson)")
        )
        return chosen

    def ask_source_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, self.tr("Import a folder"))

    def _browse_file(self) -> None:
        if chosen := self.ask_source_file():
            self.set_source(chosen)

    def _browse_folder(self) -> None:
        if chosen := self.ask_source_folder():
            self.set_source(chosen)

    @Slot()
    def _source_edited(self) -> None:
        text = self.source_edit.text().strip()
        if text and (self._sample is None or Path(text) != self._sample.source):
            self.set_source(text)

    def set_source(self, path: str) -> None:
        """Read the source's columns and first rows (a worker), then fill the table and the preview."""
        self.source_edit.setText(path)
        if self._sample_task is not None:
            self._sample_task.cancel()
        self._sample = None
        self._hashes = {}
        self.preview.clear_rows()
        self._show_status(self.tr("Reading {path}…").format(path=path))
        self.import_button.setEnabled(False)
        source = Path(path).expanduser()
        self._sample_task = self._runner.run(
            lambda: read_sample(source), on_done=self._sampled, on_error=self._sample_failed, label="import sample"
        )

    def _sampled(self, sample: Sample) -> None:
        self._sample_task = None
        self._sample = sample
        self.mapping.set_columns(sample.columns)  # -> changed -> preview
        folder = sample.kind == "folder"
        self.mapping_box.setEnabled(not folder)
        self.preview_box.setEnabled(not folder)
        self.status.clear()
        self.import_button.setEnabled(True)

    def _sample_failed(self, exc: BaseException) -> None:
        self._sample_task = None
        self.mapping.set_columns([])
        self._show_status(error_text(exc), error=True)

    # -- the mapping and the preview -----------------------------------------------------------
    def platform(self) -> str | None:
        return self.platform_edit.text().strip() or None

    def current_mapping(self) -> ColumnMapping:
        """The table's mapping (MappingError if two columns are on one field)."""
        return self.mapping.mapping(origin=self.tr("Columns"), platform=self.platform())

    @Slot()
    def _start_preview(self) -> None:
        sample = self._sample
        if sample is None or sample.kind == "folder" or self.running:
            return
        if self._preview_task is not None:
            self._preview_task.cancel()
            self._preview_task = None
        try:
            mapping = self.current_mapping()
        except MappingError as exc:
            self.import_button.setEnabled(False)
            self._show_status(error_text(exc), error=True)
            return
        missing = unmapped_required(sample, mapping, self.platform())
        self.import_button.setEnabled(not missing)  # it would stop at the header
        if missing:
            text = self.tr("Map a column to each required field first: {fields}")
            self._show_status(text.format(fields=", ".join(missing)), error=True)
        else:
            self.status.clear()
        policy, platform, hashes = self._policy, self.platform(), self._hashes
        self._preview_task = self._runner.run(
            lambda: preview_rows(sample, mapping, policy, platform=platform, hashes=hashes),
            on_done=self._previewed,
            on_error=lambda exc: self._show_status(error_text(exc), error=True),
            label="import preview",
        )

    def _previewed(self, rows: list[PreviewRow]) -> None:
        self._preview_task = None
        self.preview.show_rows(rows)

    @property
    def previewing(self) -> bool:
        return self._preview_timer.isActive() or self._preview_task is not None or self._sample_task is not None

    def _mapping_loaded(self, mapping: ColumnMapping) -> None:
        if mapping.platform and not self.platform_edit.text().strip():
            self.platform_edit.setText(mapping.platform)
        self.mapping.apply(mapping)

    def _mapping_failed(self, exc: BaseException) -> None:
        self._show_status(error_text(exc), error=True)

    def _save_mapping(self) -> None:
        try:
            mapping = self.current_mapping()
        except MappingError as exc:
            self._mapping_failed(exc)
            return
        self.mapping_files.save(mapping)

    # -- importing -----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._task is not None

    def _set_running(self, running: bool) -> None:
        for w in (self.source_edit, self.browse_button, self.folder_button, self.platform_edit, self.mapping_box):
            w.setEnabled(not running)
        self.import_button.setVisible(not running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.close_button.setVisible(not running)
        self.progress.setVisible(running)

    @Slot()
    def start_import(self) -> None:
        sample = self._sample
        if self.running or sample is None:
            return
        mapping: ColumnMapping | None = None
        if sample.kind != "folder":
            try:
                mapping = self.current_mapping()
            except MappingError as exc:
                self._show_status(error_text(exc), error=True)
                return
        store, source, platform = self._store, sample.source, self.platform()
        self._cancel = cancel = threading.Event()
        last = [0.0]

        def work(report: Callable[[Any], None]) -> ImportReport:
            report(("total", 0 if sample.kind == "folder" else count_lines(source)))

            def progress(rows: int) -> bool:
                now = time.monotonic()
                if now - last[0] >= PROGRESS_INTERVAL_S:
                    last[0] = now
                    report(("rows", rows))
                return not cancel.is_set()

            return import_path(store, source, platform=platform, progress=progress, mapping=mapping)

        self.report = None
        self.rejects.show_rejected([])
        self.progress.setRange(0, 0)
        self._show_status(self.tr("Importing…"))
        self._set_running(True)
        self._task = self._runner.run(
            work, progress=True, on_progress=self._progress, on_done=self._done, on_error=self._failed, label="import"
        )

    def _progress(self, value: tuple[str, int]) -> None:
        kind, n = value
        if kind == "total":
            self.progress.setRange(0, n)  # 0: a folder, the busy bar
            return
        if self.progress.maximum():
            self.progress.setValue(min(n, self.progress.maximum()))
        if not self._cancel.is_set():
            self._show_status(self.tr("Rows read so far: {rows}").format(rows=QLocale().toString(n)))

    @Slot()
    def cancel_import(self) -> None:
        """Ask the running import to stop after the batch it is writing (committed rows stay)."""
        if self.running:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self._show_status(self.tr("Cancelling…"))

    def _done(self, report: ImportReport) -> None:
        self._task = None
        self._set_running(False)
        self.report = report
        loc = QLocale()
        lines = [
            self.tr("Imported: {imported} · duplicates: {duplicates} · rejected: {rejected}").format(
                imported=loc.toString(report.imported), duplicates=loc.toString(report.duplicates),
                rejected=loc.toString(len(report.rejected)),
            )
        ]  # fmt: skip
        if report.cancelled:
            lines.insert(0, self.tr("Import cancelled: the rows imported before stay imported."))
        lines += [message_text(m) for m in report.warning_msgs if m.code != "import.cancelled"][:5]
        self._show_status("\n".join(lines))
        self.rejects.show_rejected(report.rejected)
        self.finished_import.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self._task = None
        self._set_running(False)
        self._show_status(self.tr("The import stopped: {reason}").format(reason=error_text(exc)), error=True)

    # -- closing -------------------------------------------------------------------------------
    def reject(self) -> None:
        """Closing while importing stops the import after its current batch and drops its answer;
        reads still running are dropped too."""
        if self._task is not None:
            self._cancel.set()
            self._task.cancel()
            self._task = None
        for task in (self._sample_task, self._preview_task):
            if task is not None:
                task.cancel()  # their answers are not delivered to a closed dialog
        self._sample_task = self._preview_task = None
        self.mapping_files.cancel()
        self.rejects.cancel()
        self._preview_timer.stop()
        self._set_running(False)
        super().reject()
