"""A desk joining a team: the reviewer is the login; --reviewer is refused; a password that libpq
cannot find is asked in a dialog (never stored); the real app opens as the login."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from moderator_gui.cli import main as cli
from moderator_gui.core.store.engine import server_target
from moderator_gui.ui import main as app_main
from moderator_gui.ui.team_login import LoginDialog, ask_password
from pg_cluster import SCRAM_HBA, TempCluster, temp_cluster, wait_until

pytestmark = pytest.mark.gui
PASSWORD = "correct horse 4 battery"


def test_reviewer_option_is_refused_with_a_team_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    code = app_main.run(["--db", "postgresql+psycopg://alice@db.example/moderation", "--reviewer", "bob", "--lang", "en"])
    assert code == 2
    assert shown and "your decisions are recorded under your login (alice)" in shown[0]
    assert "--reviewer is not used with a team database" in capsys.readouterr().err


def test_the_sign_in_dialog_asks_for_the_password_and_says_what_went_wrong(qtbot: Any) -> None:
    server = server_target("postgresql+psycopg://alice@db.example:5433/moderation")
    assert server is not None and server.where == "db.example:5433/moderation"

    def answer() -> None:
        dlg = next((w for w in QApplication.topLevelWidgets() if isinstance(w, LoginDialog) and w.isVisible()), None)
        if dlg is None:
            QTimer.singleShot(20, answer)
            return
        assert "alice" in dlg.findChildren(type(dlg.problem))[0].text()
        assert dlg.problem.isVisible() and "wrong user name or password" in dlg.problem.text()
        assert dlg.password.echoMode() == dlg.password.EchoMode.Password
        qtbot.keyClicks(dlg.password, PASSWORD)
        ok = dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)
    got = ask_password(server, "the database server refused the login: wrong user name or password (…)")
    assert got == PASSWORD
    assert server.with_password(got).startswith("postgresql+psycopg://alice:correct")


@pytest.fixture(scope="module")
def team_cluster() -> Iterator[TempCluster]:
    with temp_cluster(hba=SCRAM_HBA) as cluster:
        cluster.sql("CREATE DATABASE team")
        owner = cluster.socket_url(db="team")
        assert cli(["team", "init", "--db", owner]) == 0
        secret = Path(cluster.data).parent / "alice.pw"
        secret.write_text(PASSWORD + "\n")
        assert cli(["team", "add-user", "alice", "--role", "reviewer", "--db", owner, "--password-file", str(secret)]) == 0
        assert cli(["demo", "--db", owner, "--items", "6"]) == 0
        yield cluster


@pytest.mark.slow
def test_the_app_opens_the_team_queue_as_the_login(team_cluster: TempCluster, tmp_path: Path) -> None:
    """The real program, offscreen: the password comes from PGPASSWORD (libpq's usual place),
    the reviewer is the login, and the desk closes cleanly on SIGTERM, giving its claims back."""
    log = tmp_path / "app.log"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PGPASSWORD": PASSWORD,
        "PGPASSFILE": str(tmp_path / "none"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    url = team_cluster.url("alice", None, db="team")
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "moderator_gui", "--db", url, "--lang", "en"], stdout=out,
                                stderr=subprocess.STDOUT, env=env)  # fmt: skip
        try:
            wait_until(lambda: b"ready: reviewer alice on" in log.read_bytes() or proc.poll() is not None,
                       timeout_s=60, what="the desk")  # fmt: skip
            assert proc.poll() is None, log.read_text(errors="replace")
            assert "password" not in url and PASSWORD not in log.read_text(errors="replace")
            claimed = lambda: team_cluster.sql("SELECT count(*) FROM claims WHERE reviewer = 'alice'", db="team")[0][0]  # noqa: E731
            wait_until(lambda: claimed() == 3, timeout_s=30, what="the desk to hold its items")
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(30) == 0, log.read_text(errors="replace")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert claimed() == 0, "quitting gives the items back at once"
    assert "Traceback" not in log.read_text(errors="replace")
