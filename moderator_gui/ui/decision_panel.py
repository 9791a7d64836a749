"""The decision panel: seven categories + No violation, their actions, the note, the session history.

Category buttons are large, labelled in the reviewer's language from the policy
file, and show their key and policy colour. Choosing one pre-fills its default
actions as checkboxes the reviewer can change. When the policy requires a note
(a category or an action's ``requires``), the Record button is disabled and the
panel says in words what is missing.

Buttons never take keyboard focus: keys belong to the window's shortcuts, and
typing goes only into the note field.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from moderator_gui.core.policy import Policy, PolicyError
from moderator_gui.ui.keymap import KEY_SEPARATOR, binding, key_text
from moderator_gui.ui.review_session import SessionHistoryModel


class EscapeLeaves(QObject):
    """Escape in a text field gives the keyboard back to the queue (``leave`` gets the focus).

    With ``own_return``, Enter stays in the field (the find box searches) instead of
    reaching the window's Enter shortcut (record), which QLineEdit would let through.
    """

    def __init__(self, leave: QWidget, parent: QObject | None = None, *, own_return: bool = False) -> None:
        super().__init__(parent)
        self._leave = leave
        self._own_return = own_return

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if not isinstance(event, QKeyEvent):
            return False
        if (
            self._own_return
            and event.type() == QEvent.Type.ShortcutOverride
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            event.accept()  # "the field wants this key": no shortcut fires, the field gets it
            return True
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self._leave.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        return False


class DecisionPanel(QWidget):
    changed = Signal()  # category, actions or note changed

    def __init__(self, policy: Policy, lang: str, history: SessionHistoryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._policy = policy
        self._lang = lang
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)

        cats = QGroupBox(self.tr("Category"), self)
        grid = QVBoxLayout(cats)
        grid.setSpacing(4)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.category_buttons: dict[str, QPushButton] = {}
        for cat in policy.categories:
            b = QPushButton(f"{cat.key}   {cat.label.get(lang)}", cats)
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setMinimumHeight(38)
            b.setToolTip(cat.description.get(lang))
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            # A full box model: Qt draws a partial border (the colour stripe) only then.
            b.setStyleSheet(
                "QPushButton { text-align:left; padding:6px 10px; border:1px solid palette(mid);"
                f" border-left:8px solid {cat.colour}; border-radius:3px; background:palette(button); }}"
                "QPushButton:hover { background:palette(midlight); }"
                f"QPushButton:checked {{ background:{cat.colour}; color:white; font-weight:bold; }}"
            )
            b.clicked.connect(lambda _c=False, code=cat.code: self.choose_category(code))
            self._group.addButton(b)
            self.category_buttons[cat.code] = b
            grid.addWidget(b)
        lay.addWidget(cats)
        # Wide enough for the longest label in this language (bold when chosen), never clipped.
        bold = self.font()
        bold.setBold(True)
        self._widest_category = max(QFontMetrics(bold).horizontalAdvance(b.text()) for b in self.category_buttons.values())
        self.setMinimumWidth(self._widest_category + 64)

        acts = QGroupBox(self.tr("Actions"), self)
        agrid = QGridLayout(acts)
        agrid.setVerticalSpacing(2)
        self.action_boxes: dict[str, QCheckBox] = {}
        # "escalate" is its own command (E), not a checkbox on a decision.
        shown = [a for a in policy.actions if a.code != "escalate"]
        for i, a in enumerate(shown):
            box = QCheckBox(a.label.get(lang), acts)
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            box.setToolTip(a.description.get(lang))
            box.toggled.connect(self._on_changed)
            agrid.addWidget(box, i // 2, i % 2)
            self.action_boxes[a.code] = box
        lay.addWidget(acts)

        self.note = QLineEdit(self)
        self.note.setObjectName("note")
        self.note.setPlaceholderText(self.tr("Note (Tab to type, Esc to leave)"))
        self.note.setClearButtonEnabled(True)
        self.note.textChanged.connect(self._on_changed)
        lay.addWidget(self.note)

        self.requirement = QLabel(self)
        self.requirement.setObjectName("requirement")
        self.requirement.setWordWrap(True)
        self.requirement.setStyleSheet("color:#b91c1c;")
        self.requirement.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.requirement)

        self.record_button = QPushButton(self)
        self.skip_button = QPushButton(self)
        self.escalate_button = QPushButton(self)
        self.undo_button = QPushButton(self)
        for b in (self.record_button, self.skip_button, self.escalate_button, self.undo_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setMinimumHeight(32)
        self.record_button.setMinimumHeight(40)
        self.record_button.setStyleSheet("QPushButton:enabled { font-weight:bold; }")
        lay.addWidget(self.record_button)
        self._buttons = QHBoxLayout()
        for b in (self.skip_button, self.escalate_button, self.undo_button):
            # Never narrower than the text (with its key): the panel's minimum width follows.
            b.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            self._buttons.addWidget(b)
        lay.addLayout(self._buttons)

        lay.addWidget(QLabel(self.tr("This session"), self))
        self.history_view = QTableView(self)
        self.history_view.setModel(history)
        self.history_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.history_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.history_view.verticalHeader().hide()
        self.history_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.history_view.setWordWrap(False)
        lay.addWidget(self.history_view, 1)
        self._category: str | None = None
        self.escalating = False
        self._message = ""
        self._record_text = self._escalate_text = ""
        self._record_action: QAction | None = None
        self._refresh()

    def connect_actions(self, record: QAction, skip: QAction, escalate: QAction, undo: QAction) -> None:
        """The buttons run the same QActions as the keys (one keymap, one behaviour)."""
        for button, action, command in (
            (self.record_button, record, "record"),
            (self.skip_button, skip, "skip"),
            (self.escalate_button, escalate, "escalate"),
            (self.undo_button, undo, "undo"),
        ):
            button.setText(f"{action.iconText()}  ({key_text(binding(command)).split(KEY_SEPARATOR)[0]})")
            button.clicked.connect(action.trigger)
        self._record_text = self.record_button.text()
        self._escalate_text = self.escalate_button.text()
        self._record_action = record
        self._fit_buttons()
        self._refresh()

    def _fit_buttons(self) -> None:
        """An explicit minimum width overrides the layout's, so it must cover the button row
        (in every language: "撤销（Ctrl+Z）" is wider than "Undo (Ctrl+Z)")."""
        row = [self.skip_button, self.escalate_button, self.undo_button]
        margins = self.layout().contentsMargins()
        spacing = max(self._buttons.spacing(), 0)
        row_width = sum(b.sizeHint().width() for b in row) + spacing * (len(row) - 1)
        bold = self.record_button.font()
        bold.setBold(True)
        record_width = max(QFontMetrics(bold).horizontalAdvance(t) for t in (self._record_text, self._escalate_text)) + 24
        self.setMinimumWidth(max(self._widest_category + 64, row_width + margins.left() + margins.right(), record_width))

    # -- state ------------------------------------------------------------------------------
    @property
    def category(self) -> str | None:
        return self._category

    def actions(self) -> tuple[str, ...]:
        return tuple(code for code, box in self.action_boxes.items() if box.isChecked())

    def note_text(self) -> str:
        return self.note.text()

    def choose_category(self, code: str) -> None:
        """Select a category and pre-fill its default actions."""
        cat = self._policy.category(code)
        self._stop_escalation()
        self._category = code
        self.category_buttons[code].setChecked(True)
        for a, box in self.action_boxes.items():
            box.blockSignals(True)
            box.setChecked(a in cat.default_actions)
            box.blockSignals(False)
        self.show_message("")
        self._on_changed()

    def reset(self) -> None:
        """A new item: nothing chosen, no note."""
        self._group.setExclusive(False)
        for b in self.category_buttons.values():
            b.setChecked(False)
        self._group.setExclusive(True)
        for box in self.action_boxes.values():
            box.blockSignals(True)
            box.setChecked(False)
            box.blockSignals(False)
        self._category = None
        self._stop_escalation()
        self.note.blockSignals(True)
        self.note.clear()
        self.note.blockSignals(False)
        self.show_message("")
        self._on_changed()

    def start_escalation(self, why: str) -> None:
        """E without a note: wait for the note; Enter (or E after Esc) then escalates."""
        self.escalating = True
        self.record_button.setText(self._escalate_text)
        self.show_message(why)
        self.note.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _stop_escalation(self) -> None:
        if self.escalating:
            self.escalating = False
            self.record_button.setText(self._record_text)

    def show_message(self, text: str) -> None:
        self._message = text
        self._refresh()

    def missing_requirement(self) -> str:
        """What stops the decision from being recorded, in words ('' if nothing)."""
        if self.escalating:
            return "" if self.note.text().strip() else self.tr("Type a note for the team lead to escalate.")
        if self._category is None:
            return self.tr("Choose a category (1–7) or No violation (0).")
        try:
            needs = self._policy.required_fields(self._category, self.actions())
        except PolicyError as exc:
            return str(exc)
        if "note" in needs and not self.note.text().strip():
            names = []
            cat = self._policy.category(self._category)
            if "note" in cat.requires:
                names.append(cat.label.get(self._lang))
            names += [self._policy.action(a).label.get(self._lang) for a in self.actions() if "note" in self._policy.action(a).requires]
            return self.tr("A note is required for: %1").replace("%1", "、".join(names) if self._lang.startswith("zh") else ", ".join(names))
        return ""

    def _on_changed(self) -> None:
        self._message = ""
        self._refresh()
        self.changed.emit()

    def _refresh(self) -> None:
        missing = self.missing_requirement()
        message = self._message
        # Before a category is chosen the hint is not an error: say it quietly.
        self.requirement.setText(message or (missing if self._category is not None or self.escalating else ""))
        self.record_button.setEnabled(not missing)
        if self._record_action is not None:
            self._record_action.setEnabled(not missing)
