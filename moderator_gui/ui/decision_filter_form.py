"""Which decision events to look at, chosen with widgets: the filter form of the export
dialog and of the statistics view (the same choices as ``DecisionFilter``).

Dates are whole UTC days, as in the exported files; reviewer names are read from the
store on a worker thread; category and action labels come from the policy in the
current UI language. A ``FilterError`` from the core is shown next to the field it
names (``exc.field``), in the user's language.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QDateTime, QEvent, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QFormLayout, QHBoxLayout, QLabel, QWidget

from moderator_gui.core.decision_filter import DecisionFilter, FilterError
from moderator_gui.core.messages import Message
from moderator_gui.core.policy import Policy
from moderator_gui.core.store import Store
from moderator_gui.ui.i18n import current_language
from moderator_gui.ui.message_text import error_text, message_text
from moderator_gui.ui.tasks import TaskHandle, TaskRunner

ERROR_STYLE = "color: #b91c1c;"
# FilterError.field -> the field whose row shows it (an empty date range: under the end date).
ERROR_ROW = {"since": "since", "until": "until", "range": "until", "category": "category", "action": "action"}


def colour_icon(colour: str, size: int = 12) -> QIcon:
    """A small square swatch in a policy colour (GUI thread only: it makes a QPixmap)."""
    pix = QPixmap(size, size)
    pix.fill(QColor(colour))
    return QIcon(pix)


def _qdate_to_date(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


class DateLimitEdit(QWidget):
    """A date bound that may be switched off ("no limit"): a check box enabling a QDateEdit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enabled_box = QCheckBox(self)
        self.date_edit = QDateEdit(self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")  # ISO, as in the CLI and the exported files
        self.date_edit.setDate(QDateTime.currentDateTimeUtc().date())  # the filters count UTC days
        self.date_edit.setEnabled(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.enabled_box)
        layout.addWidget(self.date_edit, 1)
        self.enabled_box.toggled.connect(self.date_edit.setEnabled)
        self.enabled_box.toggled.connect(self.changed)
        self.date_edit.dateChanged.connect(self.changed)

    def value(self) -> date | None:
        return _qdate_to_date(self.date_edit.date()) if self.enabled_box.isChecked() else None


class DecisionFilterForm(QWidget):
    """Dates (UTC days), reviewer, category, action: the fields of a ``DecisionFilter``.

    Reviewer names are read from the store on a worker thread; category and
    action labels come from the policy in the current UI language.
    """

    changed = Signal()
    reviewers_failed = Signal(str)  # why the reviewer list could not be read, in the UI language

    def __init__(self, store: Store, runner: TaskRunner, policy: Policy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._runner = runner
        self._policy = policy
        self.since = DateLimitEdit(self)
        self.until = DateLimitEdit(self)
        self.reviewer = QComboBox(self)
        self.category = QComboBox(self)
        self.action = QComboBox(self)
        self.reviewer.setObjectName("reviewer")
        self.category.setObjectName("category")
        self.action.setObjectName("action")
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self._labels = [QLabel(self) for _ in range(5)]
        # One error line under each field a FilterError can name; hidden until it has something to say.
        self._errors: dict[str, QLabel] = {}
        self._shown_error: tuple[QLabel, Message] | None = None
        fields = {"since": self.since, "until": self.until, "reviewer": self.reviewer, "category": self.category,
                  "action": self.action}  # fmt: skip
        for label, (name, field) in zip(self._labels, fields.items(), strict=True):
            label.setBuddy(field.date_edit if isinstance(field, DateLimitEdit) else field)
            self.form.addRow(label, field)
            if name in ERROR_ROW.values():
                error = QLabel(self)
                error.setObjectName(f"{name}_error")
                error.setWordWrap(True)
                error.setStyleSheet(ERROR_STYLE)
                self.form.setWidget(self.form.rowCount(), QFormLayout.ItemRole.FieldRole, error)  # a row with no label
                self.form.setRowVisible(error, False)
                self._errors[name] = error
        self.reviewer.addItem("", None)
        self.category.addItem("", None)
        self.action.addItem("", None)
        for cat in policy.categories:
            self.category.addItem(colour_icon(cat.colour), "", cat.code)
        for act in policy.actions:
            self.action.addItem("", act.code)
        self._retranslate()
        for sig in (
            self.since.changed,
            self.until.changed,
            self.reviewer.currentIndexChanged,
            self.category.currentIndexChanged,
            self.action.currentIndexChanged,
        ):
            sig.connect(self.changed)
        self.changed.connect(self.clear_errors)  # a changed filter is a new question
        self._reviewers_task: TaskHandle | None = None
        self.load_reviewers()

    def _retranslate(self) -> None:
        lang = current_language()
        for label, text in zip(
            self._labels,
            (self.tr("&From (UTC):"), self.tr("&To (UTC):"), self.tr("&Reviewer:"), self.tr("&Category:"), self.tr("&Action:")),
            strict=True,
        ):
            label.setText(text)
        for box in (self.since, self.until):
            box.enabled_box.setToolTip(self.tr("Untick for no limit"))
        self.reviewer.setItemText(0, self.tr("All reviewers"))
        self.category.setItemText(0, self.tr("All categories"))
        self.action.setItemText(0, self.tr("All actions"))
        for i, cat in enumerate(self._policy.categories, start=1):
            self.category.setItemText(i, f"{cat.key}  {cat.label.get(lang)}")
            self.category.setItemData(i, cat.description.get(lang), Qt.ItemDataRole.ToolTipRole)
        for i, act in enumerate(self._policy.actions, start=1):
            self.action.setItemText(i, act.label.get(lang))
            self.action.setItemData(i, act.description.get(lang), Qt.ItemDataRole.ToolTipRole)
        if self._shown_error is not None:
            label, msg = self._shown_error
            label.setText(message_text(msg))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # -- errors ---------------------------------------------------------------------------
    def show_error(self, exc: FilterError) -> bool:
        """Show ``exc`` under the field it names, translated; False if it names no field of this form."""
        label = self._errors.get(ERROR_ROW.get(exc.field, ""))
        if label is None:
            return False
        self.clear_errors()
        self._shown_error = (label, exc.msg)
        label.setText(message_text(exc.msg))
        self.form.setRowVisible(label, True)
        return True

    def clear_errors(self) -> None:
        self._shown_error = None
        for label in self._errors.values():
            label.clear()
            self.form.setRowVisible(label, False)

    def error_shown(self, field: str) -> str:
        """The error now shown under ``field`` ("" if none): for callers and tests."""
        label = self._errors.get(field)
        return label.text() if label is not None and self._shown_error is not None else ""

    # -- reviewers --------------------------------------------------------------------------
    def load_reviewers(self) -> None:
        """(Re)fill the reviewer list from the database, keeping the current choice."""
        self.cancel_loading()
        self._reviewers_task = self._runner.run(
            self._store.reviewers,
            on_done=self._set_reviewers,
            on_error=self._reviewers_error,
            label="reviewers",
        )

    def _set_reviewers(self, names: list[str]) -> None:
        current = self.reviewer.currentData()
        self.reviewer.blockSignals(True)
        while self.reviewer.count() > 1:
            self.reviewer.removeItem(1)
        for name in names:
            self.reviewer.addItem(name, name)
        index = self.reviewer.findData(current) if current is not None else 0
        self.reviewer.setCurrentIndex(max(index, 0))
        self.reviewer.blockSignals(False)
        if self.reviewer.currentData() != current:
            self.changed.emit()

    def _reviewers_error(self, exc: BaseException) -> None:
        self.reviewers_failed.emit(error_text(exc))

    def cancel_loading(self) -> None:
        """Ignore the reviewer list still being read (the form is closing or reloading):
        a cancelled task delivers neither its result nor its error."""
        if self._reviewers_task is not None:
            self._reviewers_task.cancel()
            self._reviewers_task = None

    # -- the filter ---------------------------------------------------------------------------
    def range_error(self) -> str | None:
        """A translated reason why the date range is empty, or None when it is usable."""
        since, until = self.since.value(), self.until.value()
        if since is not None and until is not None and since > until:
            return self.tr("The start date is after the end date.")
        return None

    def value(self) -> DecisionFilter:
        return DecisionFilter(
            since=self.since.value(),
            until=self.until.value(),
            reviewer=self.reviewer.currentData(),
            category=self.category.currentData(),
            action=self.action.currentData(),
        )
