"""What the desk's commands do: the keymap's command names (keys, menus, buttons) mapped to the
window's parts. Deciding goes to the review session; what it refuses is said on the decision
panel (or the status bar), and the keyboard goes back to the queue afterwards."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from moderator_gui.ui import keymap

if TYPE_CHECKING:
    from moderator_gui.ui.main_window import MainWindow

STATUS_MS = 5000  # how long a status-bar message stays


class DeskCommands:
    def __init__(self, window: MainWindow) -> None:
        self._w = window

    def handlers(self) -> dict[str, Callable[[], object]]:
        w = self._w
        h: dict[str, Callable[[], object]] = {
            b.command: functools.partial(self.choose_key, b.command.removeprefix("category_"))
            for b in keymap.KEYMAP
            if b.command.startswith("category_")
        }
        h.update(
            record=self.record,
            decide_cluster=self.decide_cluster,
            skip=self.skip,
            escalate=self.escalate,
            undo=self.undo,
            next=lambda: w.session.move(1),
            previous=lambda: w.session.move(-1),
            find=w.queue_view.focus_find,
            refresh=w.model.refresh,
            toggle_blur=w.wellbeing.toggle_blur,
            toggle_grayscale=w.wellbeing.toggle_grayscale,
            reveal=lambda: w.wellbeing.set_revealed(True),
            zoom_in=w.viewer.zoom_in,
            zoom_out=w.viewer.zoom_out,
            zoom_fit=w.viewer.zoom_fit,
            play_pause=w.viewer.play_pause,
            frame_back=lambda: w.viewer.step(-1),
            frame_forward=lambda: w.viewer.step(1),
            export=w.tools.open_export,
            statistics=w.tools.open_statistics,
            lead_console=w.tools.open_lead_console,
            settings=w.tools.open_settings,
            help=w.tools.toggle_help,
            quit=w.close,
        )
        h["import"] = w.tools.open_import  # ("import" is a keyword of Python: not an argument of update)
        return h

    def choose_key(self, key: str) -> None:
        """A category key: the policy file says which category it is."""
        w = self._w
        cat = w.desk.policy.category_for_key(key)
        if cat is None:
            text = QCoreApplication.translate("MainWindow", "No category is bound to key %1 in this policy.")
            w.statusBar().showMessage(text.replace("%1", key), STATUS_MS)
            return
        w.panel.choose_category(cat.code)

    def record(self) -> None:
        panel = self._w.panel
        if panel.escalating:
            self.escalate()
            return
        why = self._w.session.record(panel.category, panel.chosen_actions(), panel.note_text())
        self._after_command(why)

    def skip(self) -> None:
        self._after_command(self._w.session.skip(self._w.panel.note_text()))

    def escalate(self) -> None:
        panel = self._w.panel
        note = panel.note_text()
        why = self._w.session.escalate(note)  # the session says what an escalation needs
        if why and not note.strip():
            panel.start_escalation(why)
            return
        self._after_command(why)

    def decide_cluster(self) -> None:
        """Shift+Enter: the chosen decision for every undecided item with this picture, once confirmed."""
        w = self._w
        panel, batch, row = w.panel, w.cluster_batch, w.session.current
        members = batch.members(row, w.context.cluster) if row is not None else []
        category, actions, note = panel.category, panel.chosen_actions(), panel.note_text()
        read = row is not None and w.context.cluster_read_for == row.id
        why = batch.refusal(row, members, category, actions, note, read=read)
        if why or row is None or category is None:
            self._after_command(why)
            return
        box = QMessageBox(QMessageBox.Icon.Question, QCoreApplication.translate("MainWindow", "Decide the cluster"), "", parent=w)
        label = w.desk.policy.category(category).label.get(w.desk.lang)
        box.setText(
            QCoreApplication.translate("MainWindow", "Record “%1” for %2 items: this one and %3 others with the same picture?")
            .replace("%1", label)
            .replace("%2", str(len(members) + 1))
            .replace("%3", str(len(members)))
        )
        box.setInformativeText(QCoreApplication.translate("MainWindow", "Enter records them all · Esc cancels"))
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        box.setObjectName("cluster_confirm")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(result: int) -> None:
            if result == QMessageBox.StandardButton.Yes and w.session.current is not None:
                batch.record(row, members, category, actions, note)
            w.activateWindow()  # the keys are the desk's again
            w.queue_view.table.setFocus()

        box.finished.connect(answered)
        box.open()

    def undo(self) -> None:
        if self._w.cluster_batch.can_undo():
            self._w.cluster_batch.undo()
            return
        why = self._w.session.undo()
        if why:
            self._w.statusBar().showMessage(why, STATUS_MS)

    def _after_command(self, why: str | None) -> None:
        w = self._w
        if why:
            w.panel.show_message(why)
        elif QApplication.focusWidget() in (w.panel.note, w.queue_view.find_box):
            w.queue_view.table.setFocus()  # leave the text: the next key is a command again
