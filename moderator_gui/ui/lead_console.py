"""The lead console: a team lead's window onto the team, live.

* who is online (desks whose heartbeat came within two heartbeats) and how many items each holds;
* the claims, with **Release** (the item returns to everyone) and **Reassign** (to a chosen reviewer);
* decisions per hour today (UTC), per reviewer and in total;
* the escalations waiting, with their notes: **Open at my desk** shows the item at the lead's desk
  (the queue filtered to escalated items), where the lead decides it with the usual keys;
* the conflicts to adjudicate (late decisions kept for a lead): **Accept** records it on top, as
  the lead, its note saying whose it was; **Dismiss** keeps it marked dismissed. Both ask first.

What it shows is read by :class:`ConsoleData` (lead_console_data.py) off the GUI thread, again
after every change event of the desk; the actions run on the desk's worker pool too. The server
is the real guard: it refuses a reviewer's login whatever this window does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMessageBox, QSplitter, QVBoxLayout, QWidget

from moderator_gui.core.policy import Policy
from moderator_gui.core.store import Store
from moderator_gui.core.team_overview import ConflictCase, Escalation, HourlyCounts, Presence
from moderator_gui.ui.lead_console_data import PRESENCE_INTERVAL_MS, ConsoleData
from moderator_gui.ui.lead_console_models import (
    ClaimsModel,
    ConflictsModel,
    EscalationsModel,
    HourlyModel,
    OnlineModel,
)
from moderator_gui.ui.lead_console_sections import ClaimsSection, ConflictsSection, EscalationsSection, TableSection
from moderator_gui.ui.message_text import error_text
from moderator_gui.ui.tasks import TaskRunner


class LeadConsole(QWidget):
    done = Signal(str)  # an action finished: what happened (for tests; also shown in the status line)

    def __init__(
        self,
        store: Store,
        runner: TaskRunner,
        policy: Policy,
        *,
        lead: str,
        team: bool,
        open_at_desk: Callable[[int], None],
        parent: QWidget | None = None,
        presence_ms: int = PRESENCE_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("LeadConsole")
        self.setWindowFlag(Qt.WindowType.Window)
        self._store = store
        self._runner = runner
        self._lead = lead
        self._open_at_desk = open_at_desk
        self.confirmation: QMessageBox | None = None
        self.data = ConsoleData(store, runner, team=team, parent=self, presence_ms=presence_ms)

        self.online_model = OnlineModel(self)
        self.hours_model = HourlyModel(self)
        self.claims_model = ClaimsModel(self)
        self.escalations_model = EscalationsModel(policy, self)
        self.conflicts_model = ConflictsModel(policy, self)
        self.online = TableSection(self.online_model, "online", self)
        self.hours = TableSection(self.hours_model, "hours", self, selectable=False)
        self.claims = ClaimsSection(self.claims_model, self)
        self.escalations = EscalationsSection(self.escalations_model, self)
        self.conflicts = ConflictsSection(self.conflicts_model, self)
        self.status = QLabel(self)
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        top = QSplitter(Qt.Orientation.Horizontal, self)
        top.addWidget(self.online)
        top.addWidget(self.hours)
        bottom = QSplitter(Qt.Orientation.Horizontal, self)
        bottom.addWidget(self.escalations)
        bottom.addWidget(self.conflicts)
        rows = QSplitter(Qt.Orientation.Vertical, self)
        rows.setChildrenCollapsible(False)
        for part in (top, self.claims, bottom):
            rows.addWidget(part)
        layout = QVBoxLayout(self)
        layout.addWidget(rows, 1)
        layout.addWidget(self.status)

        self.data.presence.connect(self._show_presence)
        self.data.decisions.connect(self._show_decisions)
        self.data.conflicts.connect(self._show_conflicts)
        self.data.failed.connect(lambda why: self._say(self.tr("Could not read the team's state: %1").replace("%1", why)))
        self.claims.release_requested.connect(self.release)
        self.claims.reassign_requested.connect(self.reassign)
        self.escalations.open_requested.connect(self.open_at_desk)
        self.conflicts.resolve_requested.connect(self.ask_to_resolve)
        self._retranslate()
        self.resize(1100, 760)

    # -- texts ---------------------------------------------------------------------------------
    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Lead console"))
        self._titles()
        for model in (self.online_model, self.hours_model, self.claims_model, self.escalations_model, self.conflicts_model):
            model.retranslate()
        for section in (self.claims, self.escalations, self.conflicts):
            section.retranslate()

    def _titles(self) -> None:
        self.online.setTitle(self.tr("Online now (%1)").replace("%1", str(self.online_model.rowCount())))
        self.hours.setTitle(self.tr("Decisions per hour today (UTC)"))
        self.claims.setTitle(self.tr("Claims (%1)").replace("%1", str(self.claims_model.rowCount())))
        self.escalations.setTitle(self.tr("Escalations waiting (%1)").replace("%1", str(self.escalations_model.rowCount())))
        self.conflicts.setTitle(self.tr("Conflicts to adjudicate (%1)").replace("%1", str(self.conflicts_model.rowCount())))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _say(self, text: str) -> None:
        self.status.setText(text)

    # -- showing what the reads found --------------------------------------------------------------
    def _show_presence(self, presence: Presence) -> None:
        if presence.online != self.online_model.rows or presence.claims != self.claims_model.rows:
            # (how many items each holds is in the online table: it follows the claims)
            self.online.keep_selection(lambda: self.online_model.set_presence(presence), key=lambda d: (d.reviewer, d.host))
        if presence.claims != self.claims_model.rows:
            self.claims.keep_selection(lambda: self.claims_model.set_rows(presence.claims), key=lambda c: c.item_id)
        self.claims.set_people(presence.people, presence.online_names())
        self._titles()

    def _show_decisions(self, found: tuple[HourlyCounts, list[Escalation]]) -> None:
        hourly, escalations = found
        self.hours_model.set_counts(hourly)
        if escalations != self.escalations_model.rows:
            self.escalations.keep_selection(lambda: self.escalations_model.set_rows(escalations), key=lambda e: e.item_id)
        self._titles()

    def _show_conflicts(self, cases: list[ConflictCase]) -> None:
        if cases != self.conflicts_model.rows:
            self.conflicts.keep_selection(lambda: self.conflicts_model.set_rows(cases), key=lambda c: c.conflict.id)
        self._titles()

    # -- actions -------------------------------------------------------------------------------
    def _run(self, fn: Callable[[], Any], success: Callable[[], str], label: str) -> None:
        def ok(_result: Any) -> None:
            text = success()
            self._say(text)
            self.done.emit(text)

        def failed(exc: BaseException) -> None:
            text = self.tr("Not done: %1").replace("%1", error_text(exc))
            self._say(text)
            self.done.emit(text)

        self._runner.run(fn, on_done=ok, on_error=failed, label=label)

    def release(self, item_id: int, external_id: str, holder: str) -> None:
        """The item returns to everyone (whoever holds it now)."""
        store = self._store
        self._run(
            lambda: store.release_item(item_id),
            lambda: self.tr("Released %1 (held by %2): it is open to everyone again.").replace("%1", external_id)
            .replace("%2", holder),
            "release",
        )  # fmt: skip

    def reassign(self, item_id: int, external_id: str, reviewer: str) -> None:
        store = self._store
        self._run(
            lambda: store.reassign(item_id, reviewer),
            lambda: self.tr("%1 is now held by %2.").replace("%1", external_id).replace("%2", reviewer),
            "reassign",
        )

    def open_at_desk(self, item_id: int) -> None:
        """Show the escalated item at the lead's desk, which decides it with the usual keys."""
        self._open_at_desk(item_id)

    def ask_to_resolve(self, case: ConflictCase, accept: bool) -> None:
        """Accept or dismiss a kept decision, once the lead has confirmed."""
        c = case.conflict
        decision = self.conflicts_model.category_text(c.kind, c.category)
        if accept:
            title = self.tr("Accept the late decision?")
            text = self.tr(
                "Record %1's decision on %2 (%3) now, under your name, on top of what is recorded (%4)? "
                "Its note will say whose decision it was."
            )
        else:
            title = self.tr("Dismiss the late decision?")
            text = self.tr("Dismiss %1's decision on %2 (%3)? Nothing is recorded; what is recorded stays (%4).")
        text = (
            text.replace("%1", c.reviewer).replace("%2", c.external_id).replace("%3", decision)
            .replace("%4", self.conflicts_model.recorded_text(case))
        )  # fmt: skip
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirm")
        yes = box.addButton(self.tr("&Accept") if accept else self.tr("&Dismiss"), QMessageBox.ButtonRole.AcceptRole)
        yes.setObjectName("confirm_yes")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(_result: int) -> None:
            self.confirmation = None
            if box.clickedButton() is yes:
                self.resolve(c.id, c.reviewer, c.external_id, accept=accept)

        box.finished.connect(answered)
        self.confirmation = box
        box.open()

    def resolve(self, conflict_id: int, reviewer: str, external_id: str, *, accept: bool) -> None:
        store, lead = self._store, self._lead
        if accept:
            said = self.tr("%1's decision on %2 is recorded, under your name.")
        else:
            said = self.tr("%1's decision on %2 is dismissed.")
        self._run(
            lambda: store.resolve_conflict(conflict_id, accept=accept, lead=lead),
            lambda: said.replace("%1", reviewer).replace("%2", external_id),
            "adjudicate",
        )

    # -- life -----------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():
            self.data.start()

    def hideEvent(self, event: QHideEvent) -> None:
        if not event.spontaneous():
            self.data.stop()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.data.stop()
        if self.confirmation is not None:
            self.confirmation.reject()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """The desk closes: nothing more is read; a pending question is dropped."""
        self.data.stop()
        if self.confirmation is not None:
            self.confirmation.reject()

