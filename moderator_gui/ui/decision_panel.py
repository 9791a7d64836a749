"""The decision panel: seven categories + No violation, their actions, the note, the session history.

Category buttons are large, labelled in the reviewer's language from the policy
file, and show their key and policy colour. Choosing one pre-fills its default
actions as checkboxes the reviewer can change. When the policy requires a note
(a category or an action's ``requires``), the Record button is disabled and the
panel says in words what is missing.

Buttons never take keyboard focus: keys belong to the window's shortcuts, and
typing goes only into the note field.

Small screens (1366×768, 1280×720 laptops): the panel never forces the window taller.
Its contents sit in a scroll area; when the panel is short the session history shrinks
first (it only takes the space left over), then the category buttons shrink from their
roomy height to the height of their text, and only below that does the panel scroll.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from moderator_gui.core.policy import Policy, PolicyError
from moderator_gui.ui.keymap import KEY_SEPARATOR, binding, key_text
from moderator_gui.ui.session_history import SessionHistoryModel


class EscapeLeaves(QObject):
    """Escape in a text field gives the keyboard back to the queue (``leave`` gets the focus).

    With ``own_return``, Enter stays in the field (the find box searches) instead of
    reaching the window's Enter shortcut (record), which QLineEdit would let through.
    """

    def __init__(self, leave: QWidget, parent: QObject | None = None, *, own_return: bool = False) -> None:
        super().__init__(parent)
        self._leave = leave
        self._own_return = own_return

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
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


class RoomyButton(QPushButton):
    """A button that prefers ``roomy_height`` but, when space is short, shrinks to the
    height its text (with its padding) needs: never less, so the text is never clipped."""

    def __init__(self, text: str, parent: QWidget, roomy_height: int) -> None:
        super().__init__(text, parent)
        self._roomy_height = roomy_height

    def sizeHint(self) -> QSize:
        natural = super().sizeHint()
        return QSize(natural.width(), max(natural.height(), self._roomy_height))

    def minimumSizeHint(self) -> QSize:
        # QPushButton's own minimumSizeHint() is its (here roomy) sizeHint(): use the natural one.
        return super().sizeHint()


class FollowFocus(QObject):
    """When ``watched`` gets the keyboard focus (Tab, or the app gives it), the scroll area
    shows it: the reviewer never types into a field scrolled out of sight."""

    def __init__(self, scroll: QScrollArea, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._scroll = scroll

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            self._scroll.ensureWidgetVisible(watched)
        return False


class DecisionPanel(QWidget):
    changed = Signal()  # category, actions or note changed

    CATEGORY_HEIGHT = 38  # roomy category buttons when there is space; their text's height when not

    def __init__(self, policy: Policy, lang: str, history: SessionHistoryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._policy = policy
        self._lang = lang
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # Short windows scroll the panel instead of being forced taller than the screen.
        self._scroll = QScrollArea(self)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setWidgetResizable(True)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the window's shortcuts
        outer.addWidget(self._scroll)
        body = QWidget(self._scroll)
        body.setObjectName("decision_body")
        lay = QVBoxLayout(body)
        lay.setContentsMargins(6, 6, 6, 6)
        self._body = body

        cats = self._cats = QGroupBox(body)
        grid = QVBoxLayout(cats)
        grid.setSpacing(4)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.category_buttons: dict[str, QPushButton] = {}
        for cat in policy.categories:
            b = RoomyButton("", cats, self.CATEGORY_HEIGHT)
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
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

        acts = self._acts = QGroupBox(body)
        agrid = QGridLayout(acts)
        agrid.setVerticalSpacing(2)
        self.action_boxes: dict[str, QCheckBox] = {}
        # "escalate" is its own command (E), not a checkbox on a decision.
        shown = [a for a in policy.actions if a.code != "escalate"]
        for i, a in enumerate(shown):
            box = QCheckBox(acts)
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            box.toggled.connect(self._on_changed)
            agrid.addWidget(box, i // 2, i % 2)
            self.action_boxes[a.code] = box
        lay.addWidget(acts)

        self.note = QLineEdit(body)
        self.note.setObjectName("note")
        self.note.setClearButtonEnabled(True)
        self.note.textChanged.connect(self._on_changed)
        self.note.installEventFilter(FollowFocus(self._scroll, self))
        lay.addWidget(self.note)

        self.requirement = QLabel(body)
        self.requirement.setObjectName("requirement")
        self.requirement.setWordWrap(True)
        self.requirement.setStyleSheet("color:#b91c1c;")
        self.requirement.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.requirement)

        self.record_button = RoomyButton("", body, 40)
        self.skip_button = QPushButton(body)
        self.escalate_button = QPushButton(body)
        self.undo_button = QPushButton(body)
        for button in (self.record_button, self.skip_button, self.escalate_button, self.undo_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumHeight(32)
        # 40 px tall when there is room, down to the others' 32 when the panel is short.
        self.record_button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.record_button.setStyleSheet("QPushButton:enabled { font-weight:bold; }")
        lay.addWidget(self.record_button)
        self._buttons = QHBoxLayout()
        for button in (self.skip_button, self.escalate_button, self.undo_button):
            # Never narrower than the text (with its key): the panel's minimum width follows.
            button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            self._buttons.addWidget(button)
        lay.addLayout(self._buttons)

        self._session_label = QLabel(body)
        lay.addWidget(self._session_label)
        self.history_view = QTableView(body)
        self.history_view.setModel(history)
        self.history_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.history_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.history_view.verticalHeader().hide()
        self.history_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.history_view.setWordWrap(False)
        self.history_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)  # as the stats table
        # It takes the space left over (stretch), down to a header and two rows.
        self.history_view.setMinimumHeight(
            self.history_view.horizontalHeader().sizeHint().height()
            + 2 * self.history_view.verticalHeader().defaultSectionSize()
            + 2 * self.history_view.frameWidth()
        )
        lay.addWidget(self.history_view, 1)
        self._scroll.setWidget(body)
        self._category: str | None = None
        self.escalating = False
        self._message = ""
        self._record_text = self._escalate_text = ""
        self._record_action: QAction | None = None
        self._commands: list[tuple[QPushButton, QAction, str]] = []
        self._retranslate()

    def _retranslate(self) -> None:
        """Every text of the panel, in the current language (Qt's catalogue and the policy's labels)."""
        lang = self._lang
        self._cats.setTitle(self.tr("Category"))
        for cat in self._policy.categories:
            b = self.category_buttons[cat.code]
            b.setText(f"{cat.key}   {cat.label.get(lang)}")
            b.setToolTip(cat.description.get(lang))
            # Wide enough for its label in this language (bold when chosen), never clipped: the
            # bold text plus what the button draws around its text (border, colour stripe, padding).
            bold = b.font()
            bold.setBold(True)
            chrome = b.sizeHint().width() - QFontMetrics(b.font()).horizontalAdvance(b.text())
            b.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(b.text()) + chrome)
        self._acts.setTitle(self.tr("Actions"))
        for code, box in self.action_boxes.items():
            box.setText(self._policy.action(code).label.get(lang))
            box.setToolTip(self._policy.action(code).description.get(lang))
        self.note.setPlaceholderText(self.tr("Note (Tab to type, Esc to leave)"))
        self._session_label.setText(self.tr("This session"))
        self._label_commands()

    def set_language(self, lang: str) -> None:
        """The UI language changed (the main window says so, after relabelling its actions)."""
        self._lang = lang
        self._retranslate()

    def connect_actions(self, record: QAction, skip: QAction, escalate: QAction, undo: QAction) -> None:
        """The buttons run the same QActions as the keys (one keymap, one behaviour)."""
        self._commands = [
            (self.record_button, record, "record"),
            (self.skip_button, skip, "skip"),
            (self.escalate_button, escalate, "escalate"),
            (self.undo_button, undo, "undo"),
        ]
        for button, action, _command in self._commands:
            button.clicked.connect(action.trigger)
        self._record_action = record
        self._label_commands()

    def _label_commands(self) -> None:
        """The command buttons say their action's short name and first key, in this language."""
        for button, action, command in self._commands:
            button.setText(f"{action.iconText()}  ({key_text(binding(command)).split(KEY_SEPARATOR)[0]})")
        if self._commands:
            self._record_text = self.record_button.text()
            self._escalate_text = self.escalate_button.text()
            if self.escalating:
                self.record_button.setText(self._escalate_text)
        self._fit_buttons()
        self._refresh()

    def _fit_buttons(self) -> None:
        """No text is ever clipped, in any language ("撤销（Ctrl+Z）" is wider than "Undo (Ctrl+Z)").

        Every button is at least as wide as its text (the Record button as its bold text,
        Record or Escalate); the body's layout adds those up. The scroll area hides the body's
        minimum width from the window, so the panel states it, with room for the vertical
        scroll bar (the horizontal one is off: the body is never wider than the panel).
        """
        bold = self.record_button.font()
        bold.setBold(True)
        texts = [t for t in (self._record_text, self._escalate_text) if t]
        if texts:
            chrome = self.record_button.sizeHint().width() - QFontMetrics(self.record_button.font()).horizontalAdvance(
                self.record_button.text()
            )
            self.record_button.setMinimumWidth(max(QFontMetrics(bold).horizontalAdvance(t) for t in texts) + chrome)
        if (body_layout := self._body.layout()) is not None:
            body_layout.invalidate()
        scroll_bar = self._scroll.verticalScrollBar().sizeHint().width()
        self.setMinimumWidth(self._body.minimumSizeHint().width() + scroll_bar + 2 * self._scroll.frameWidth())

    # -- state ------------------------------------------------------------------------------
    @property
    def category(self) -> str | None:
        return self._category

    def chosen_actions(self) -> tuple[str, ...]:
        """The codes of the checked actions (not QWidget.actions(), the widget's QActions)."""
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
        self._scroll.ensureWidgetVisible(self.note)  # also when the window is not active (no FocusIn)

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
            needs = self._policy.required_fields(self._category, self.chosen_actions())
        except PolicyError as exc:
            return str(exc)
        if "note" in needs and not self.note.text().strip():
            names = []
            cat = self._policy.category(self._category)
            if "note" in cat.requires:
                names.append(cat.label.get(self._lang))
            names += [
                self._policy.action(a).label.get(self._lang)
                for a in self.chosen_actions()
                if "note" in self._policy.action(a).requires
            ]
            return self.tr("A note is required for: %1").replace(
                "%1", "、".join(names) if self._lang.startswith("zh") else ", ".join(names)
            )
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
