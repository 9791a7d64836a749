"""The lead console on a team server: a lead sees who is online, what each holds, today's
decisions, the escalations and the conflicts; releases, reassigns, adjudicates and opens an
escalated item at the desk. A reviewer's desk has no console. Real key presses and clicks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QTableView
from sqlalchemy import select

from factories import make_item, record
from moderator_gui.core.domain import DecisionInput, EventKind
from moderator_gui.core.store import ConflictError, Store
from moderator_gui.core.store.tables import conflicts_t
from moderator_gui.core.store.watch import ChangeWatcher
from moderator_gui.ui.i18n import install_translators
from team_helpers import TeamDB, team_database

pytestmark = pytest.mark.gui
postgres = pytest.mark.postgres

NOTE = "Looks like a minor in a livestream — please check the account"


@dataclass
class Team:
    db: TeamDB
    owner: Store
    stores: dict[str, Store]
    items: list[int]

    def login(self, short: str) -> str:
        return self.db.login(short)


@pytest.fixture
def team(qapp: QApplication) -> Iterator[Team]:
    """A team (a lead, two reviewers) on the shared server, with a scene a lead must handle:
    ann holds two items and decided one, bob holds one, escalated one with a note, and his
    late decision on ann's item is kept as a conflict. Set up before the windows: torn down after."""
    with team_database({"lead": "lead", "ann": "reviewer", "bob": "reviewer"}) as db:
        owner = db.store()
        stores = {name: db.store(name) for name in ("lead", "ann", "bob")}
        try:
            reasons = ("用户举报：疑似未成年人直播炫富", "Classifier: violent imagery", "多名用户举报：饭圈集资")
            items = [
                make_item(owner, external_id=f"dy-{7301 + k}", platform="douyin", flag_reason=reasons[k % 3])
                for k in range(10)
            ]
            t = Team(db, owner, stores, items)
            ann, bob = t.login("ann"), t.login("bob")
            stores["ann"].heartbeat("desk-ann", ann)
            stores["bob"].heartbeat("desk-bob", bob)
            assert stores["ann"].claim_next(ann, 2) == items[:2]
            assert stores["bob"].claim_next(bob, 1) == items[2:3]
            record(stores["bob"], items[3], EventKind.ESCALATE, reviewer=bob, actions=("escalate",), note=NOTE)
            record(stores["ann"], items[4], reviewer=ann, category="porn_violence")
            with pytest.raises(ConflictError):
                stores["bob"].record(
                    DecisionInput(items[4], EventKind.DECIDE, bob, category="cyberbullying", actions=("remove_content", "warn"),
                                  note="bullying in the comments")
                )
            yield t
        finally:
            for s in (*stores.values(), owner):
                s.close()


@pytest.fixture
def lead_desk(team: Team, make_window: Callable[..., Any]) -> Iterator[Any]:
    """The lead's desk, hearing of other desks' changes as the app's does (a change watcher)."""
    store = team.stores["lead"]
    watcher = ChangeWatcher(store).start()
    assert watcher.connected.wait(10)
    try:
        w = make_window(reviewer=team.login("lead"), store=store, identity=store.identity())
        yield w
        w.shutdown()  # before the watcher stops and the team's schema goes
    finally:
        watcher.stop()


def rows_of(model: QAbstractItemModel, col: int = 0) -> list[str]:
    return [model.index(r, col).data() for r in range(model.rowCount())]


def click_row(qtbot: Any, table: QTableView, text: str, col: int = 0) -> None:
    model = table.model()
    row = rows_of(model, col).index(text)
    rect = table.visualRect(model.index(row, col))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: [i.row() for i in table.selectionModel().selectedRows()] == [row])


def click(qtbot: Any, button: QPushButton) -> None:
    qtbot.waitUntil(button.isEnabled)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def open_console(qtbot: Any, w: Any) -> Any:
    """Ctrl+L at the desk; returns the console once everything has been read."""
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.tools.console is not None and w.tools.console.isVisible())
    console = w.tools.console
    qtbot.waitUntil(lambda: console.hours_model.counts is not None and not console.data.busy, timeout=10_000)
    return console


@postgres
def test_a_lead_sees_who_is_online_their_claims_decisions_escalations_and_conflicts(
    team: Team, lead_desk: Any, qtbot: Any
) -> None:
    lead, ann, bob = team.login("lead"), team.login("ann"), team.login("bob")
    w = lead_desk
    assert w.desk_actions["lead_console"].isVisible()
    qtbot.waitUntil(lambda: len(w.claims.held) == 3)  # the lead's own desk holds the next items
    console = open_console(qtbot, w)
    qtbot.waitUntil(lambda: sorted(rows_of(console.online_model)) == sorted([ann, bob, lead]))
    holds = dict(zip(rows_of(console.online_model), rows_of(console.online_model, 2), strict=True))
    assert holds == {ann: "2", bob: "1", lead: "3"}
    claims = dict(zip(rows_of(console.claims_model), rows_of(console.claims_model, 1), strict=True))
    assert {k: v for k, v in claims.items() if v != lead} == {"dy-7301": ann, "dy-7302": ann, "dy-7303": bob}
    assert console.online.title() == "Online now (3)" and console.claims.title() == "Claims (6)"
    # Today's decisions: ann's one (bob's escalation is not a decision), in her row and the total.
    hours = console.hours_model
    last = hours.columnCount() - 1
    assert hours.headerData(last, Qt.Orientation.Horizontal) == "Total"
    assert rows_of(hours) == [ann, "Total"]
    assert [hours.index(r, last).data() for r in range(2)] == ["1", "1"]
    # The escalation, with bob's note; the conflict: bob's late decision against ann's.
    assert rows_of(console.escalations_model) == ["dy-7304"]
    assert [console.escalations_model.index(0, c).data() for c in (1, 3)] == [bob, NOTE]
    assert console.escalations.title() == "Escalations waiting (1)"
    conflict = [console.conflicts_model.index(0, c).data() for c in range(5)]
    assert conflict[:2] == ["dy-7305", bob]
    assert conflict[3:] == ["Cyberbullying and harmful social behaviour", f"Pornography and violence — {ann}"]


@postgres
def test_releasing_and_reassigning_show_up_through_change_events(team: Team, lead_desk: Any, qtbot: Any) -> None:
    ann, bob = team.login("ann"), team.login("bob")
    console = open_console(qtbot, lead_desk)
    console.data.presence_interval_ms = 600_000  # what follows arrives by change events, not the heartbeat timer

    def holder(external_id: str) -> str | None:
        found = dict(zip(rows_of(console.claims_model), rows_of(console.claims_model, 1), strict=True))
        return found.get(external_id)

    qtbot.waitUntil(lambda: holder("dy-7301") == ann)
    click_row(qtbot, console.claims.table, "dy-7301")
    click(qtbot, console.claims.release_button)
    qtbot.waitUntil(lambda: holder("dy-7301") is None)
    assert team.items[0] not in {c.item_id for c in team.owner.claims()}
    assert "dy-7301" in console.status.text()

    click_row(qtbot, console.claims.table, "dy-7302")
    combo = console.claims.reassign_to
    combo.setFocus()
    qtbot.keyClicks(combo, "bob")
    assert combo.currentData() == bob
    click(qtbot, console.claims.reassign_button)
    qtbot.waitUntil(lambda: holder("dy-7302") == bob)
    assert {c.item_id: c.reviewer for c in team.owner.claims()}[team.items[1]] == bob
    assert [i.row() for i in console.claims.table.selectionModel().selectedRows()] == [
        rows_of(console.claims_model).index("dy-7302")
    ], "the lead's selection survives the refresh"

    # Another desk's change (bob's desk takes one more item) reaches the console through the watcher.
    taken = team.stores["bob"].claim_next(bob, 3)
    new = [team.owner.item(i).external_id for i in taken if holder(team.owner.item(i).external_id) != bob]
    assert new
    qtbot.waitUntil(lambda: all(holder(x) == bob for x in new), timeout=10_000)


@postgres
def test_accepting_a_conflict_records_it_as_the_lead_and_it_leaves_the_list(team: Team, lead_desk: Any, qtbot: Any) -> None:
    lead, bob = team.login("lead"), team.login("bob")
    console = open_console(qtbot, lead_desk)
    qtbot.waitUntil(lambda: rows_of(console.conflicts_model) == ["dy-7305"])
    click_row(qtbot, console.conflicts.table, "dy-7305")
    # Dismiss, then think better of it: nothing happens.
    click(qtbot, console.conflicts.dismiss_button)
    qtbot.waitUntil(lambda: console.confirmation is not None and console.confirmation.isVisible())
    box = console.confirmation
    assert bob in box.text() and "dy-7305" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.confirmation is None)
    assert len(team.owner.conflicts()) == 1
    # Accept, confirmed.
    click(qtbot, console.conflicts.accept_button)
    qtbot.waitUntil(lambda: console.confirmation is not None and console.confirmation.isVisible())
    box = console.confirmation
    assert "under your name" in box.text()
    qtbot.mouseClick(box.findChild(QPushButton, "confirm_yes"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.conflicts_model.rowCount() == 0, timeout=10_000)
    assert console.conflicts.title() == "Conflicts to adjudicate (0)"
    head = team.owner.item_history(team.items[4])[0]
    assert (head.reviewer, head.category) == (lead, "cyberbullying")
    assert bob in head.note and "bullying in the comments" in head.note
    assert team.owner.conflicts() == [] and len(team.owner.conflicts(open_only=False)) == 1
    with team.owner.read() as conn:
        assert conn.execute(select(conflicts_t.c.resolution, conflicts_t.c.resolved_by)).all() == [("accepted", lead)]
    # Today's decisions now count the lead's.
    qtbot.waitUntil(lambda: lead in rows_of(console.hours_model))


@postgres
def test_a_refused_action_says_why_in_the_lead_s_language(team: Team, lead_desk: Any, qtbot: Any) -> None:
    """The server refuses (ann holds the item now): the store's coded message is shown."""
    ann = team.login("ann")
    console = open_console(qtbot, lead_desk)
    assert team.stores["ann"].claim(ann, team.items[4])
    qtbot.waitUntil(lambda: rows_of(console.conflicts_model) == ["dy-7305"])
    click_row(qtbot, console.conflicts.table, "dy-7305")
    click(qtbot, console.conflicts.accept_button)
    qtbot.waitUntil(lambda: console.confirmation is not None and console.confirmation.isVisible())
    with qtbot.waitSignal(console.done, timeout=10_000) as said:
        qtbot.mouseClick(console.confirmation.findChild(QPushButton, "confirm_yes"), Qt.MouseButton.LeftButton)
    assert said.args[0].startswith("Not done: ") and f"{ann} is working on this item" in said.args[0]
    assert console.status.text() == said.args[0]
    assert (team.owner.item_history(team.items[4])[0].reviewer) == ann  # nothing recorded on top
    assert "kept for a team lead" not in said.args[0]
    assert len(team.owner.conflicts()) == 1  # the lead's refused attempt is not kept as another conflict


@postgres
def test_open_at_my_desk_shows_the_escalated_item_and_the_lead_decides_it_by_keys(
    team: Team, lead_desk: Any, qtbot: Any
) -> None:
    w = lead_desk
    console = open_console(qtbot, w)
    qtbot.waitUntil(lambda: rows_of(console.escalations_model) == ["dy-7304"])
    click_row(qtbot, console.escalations.table, "dy-7304")
    click(qtbot, console.escalations.open_button)
    qtbot.waitUntil(lambda: w.session.current is not None and w.session.current.external_id == "dy-7304")
    assert w.queue_view.status_box.currentData() == "escalated"
    assert w.queue_view.current_row() == w.model.row_of(team.items[3])
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_2)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.session.unsaved == 0 and bool(w.session.entries))
    assert w.session.entries[-1].inp.item_id == team.items[3]
    head = team.owner.item_history(team.items[3])[0]
    assert (head.reviewer, head.kind, head.category) == (team.login("lead"), "decide", "porn_violence")
    assert team.owner.item(team.items[3]).status == "decided"
    qtbot.waitUntil(lambda: console.escalations_model.rowCount() == 0)


@postgres
def test_a_reviewers_desk_has_no_console(team: Team, make_window: Callable[..., Any], qtbot: Any) -> None:
    store = team.stores["ann"]
    w = make_window(reviewer=team.login("ann"), store=store, identity=store.identity())
    try:
        action = w.desk_actions["lead_console"]
        assert not action.isVisible()
        tools_menu = [a for m in w._menus.values() for a in m.actions() if a.isVisible()]
        assert action not in tools_menu and w.desk_actions["statistics"] in tools_menu
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert w.tools.console is None
        assert w.statusBar().currentMessage() != "The lead console is for team leads.", "the key is off"
        assert w.tools.open_lead_console() is False  # asked all the same: refused
        assert w.tools.console is None
        assert w.statusBar().currentMessage() == "The lead console is for team leads."
    finally:
        w.shutdown()


def shoot(qtbot: Any, console: Any, path: Path) -> None:
    console.resize(1180, 720)
    click_row(qtbot, console.claims.table, "dy-7302")
    click_row(qtbot, console.escalations.table, "dy-7304")
    click_row(qtbot, console.conflicts.table, "dy-7305")
    qtbot.waitUntil(lambda: not console.data.busy)
    assert console.grab().save(str(path))


@postgres
def test_screenshot_en(team: Team, lead_desk: Any, qtbot: Any, artifacts_dir: Path) -> None:
    console = open_console(qtbot, lead_desk)
    qtbot.waitUntil(lambda: console.escalations_model.rowCount() == 1 and console.conflicts_model.rowCount() == 1)
    shoot(qtbot, console, artifacts_dir / "lead-console-en.png")
    assert console.claims.reassign_button.isEnabled(), "a claim selected: someone else is offered"


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[QApplication]:
    install_translators(qapp, "zh_CN")
    yield qapp
    install_translators(qapp, "en")


@postgres
def test_screenshot_zh_cn(chinese: QApplication, team: Team, lead_desk: Any, qtbot: Any, artifacts_dir: Path) -> None:
    console = open_console(qtbot, lead_desk)
    qtbot.waitUntil(lambda: console.escalations_model.rowCount() == 1 and console.conflicts_model.rowCount() == 1)
    assert console.windowTitle() == "组长控制台"
    assert console.escalations.open_button.text() == "在我的工作台打开(&O)"
    shoot(qtbot, console, artifacts_dir / "lead-console-zh_CN.png")


def test_a_solo_desk_has_the_console_too(
    make_window: Callable[..., Any], ui_store: Store, add_items: Any, qtbot: Any, qapp: QApplication
) -> None:
    """A SQLite file has no roles: its desk is its own lead. The console shows the desk itself
    online with what it holds, and follows a language switch while open."""
    add_items(ui_store, 5)
    w = make_window(reviewer="alice")
    assert w.desk_actions["lead_console"].isVisible()
    qtbot.waitUntil(lambda: len(w.claims.held) == 3)
    console = open_console(qtbot, w)
    qtbot.waitUntil(lambda: rows_of(console.online_model, 2) == ["3"])
    assert rows_of(console.online_model) == ["alice"]
    assert rows_of(console.claims_model, 1) == ["alice"] * 3
    assert rows_of(console.hours_model) == ["Total"] and console.escalations_model.rowCount() == 0
    try:
        install_translators(qapp, "zh_CN")
        qtbot.waitUntil(lambda: console.windowTitle() == "组长控制台")
        assert console.claims.title() == "已领取条目（3）"
    finally:
        install_translators(qapp, "en")
    qtbot.waitUntil(lambda: console.windowTitle() == "Lead console")
    # "Open at my desk" on an item no longer escalated: the desk says so.
    with qtbot.waitSignal(w.goto.not_found):
        w.open_item(w.session.current.id, "escalated")
    assert w.statusBar().currentMessage().startswith("That item is not there any more")
    assert w.queue_view.status_box.currentData() == "escalated"
