"""Logging in with a password, on a server that asks for one (``scram-sha-256`` in pg_hba.conf):
a temporary cluster of the test's own (tests/pg_cluster.py), set up through the CLI as its
owner would, then opened as the reviewer with the password in the URL, in ``PGPASSWORD``
and in a password file (``PGPASSFILE``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from moderator_gui.cli import main
from moderator_gui.core.store import AuthenticationError, Store
from moderator_gui.core.store.team import Identity
from pg_cluster import SCRAM_HBA, TempCluster, temp_cluster

PASSWORD = "correct horse 4 battery"  # spaces and a digit: quoted in URLs and the password file
WRONG = "incorrect-donkey-99"


@pytest.fixture(scope="module")
def scram_cluster() -> Iterator[TempCluster]:
    """A cluster that asks every TCP login for a SCRAM password; its superuser logs in over the
    Unix socket. The team is set up by ``team init`` and ``team add-user`` as its owner runs them."""
    with temp_cluster(hba=SCRAM_HBA) as cluster:
        cluster.sql("CREATE DATABASE team")
        yield cluster


@pytest.fixture(scope="module")
def alice(scram_cluster: TempCluster, tmp_path_factory: pytest.TempPathFactory) -> str:
    owner = scram_cluster.socket_url(db="team")
    assert main(["team", "init", "--db", owner, "--lease-seconds", "60"]) == 0
    secret = tmp_path_factory.mktemp("secret") / "alice.pw"
    secret.write_text(PASSWORD + "\n")
    assert main(["team", "add-user", "alice", "--role", "reviewer", "--db", owner, "--password-file", str(secret)]) == 0
    return "alice"


@pytest.fixture
def no_libpq_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No password from the environment or from ~/.pgpass unless the test gives one."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-such-pgpass"))


def open_as(cluster: TempCluster, user: str, password: str | None = None) -> Store:
    return Store.open(cluster.url(user, password, db="team"))


def test_the_password_is_stored_as_a_scram_verifier(scram_cluster: TempCluster, alice: str) -> None:
    ((stored,),) = scram_cluster.sql("SELECT rolpassword FROM pg_authid WHERE rolname = %s", alice)
    assert stored.startswith("SCRAM-SHA-256$4096:")
    assert PASSWORD not in stored


@pytest.mark.usefixtures("no_libpq_password")
def test_the_right_password_in_the_url_logs_in_as_a_reviewer(scram_cluster: TempCluster, alice: str) -> None:
    with open_as(scram_cluster, alice, PASSWORD) as store:
        assert store.identity() == Identity(login="alice", team=True, role="reviewer")
        assert store.lease_seconds() == 60


@pytest.mark.usefixtures("no_libpq_password")
def test_the_password_from_pgpassword(scram_cluster: TempCluster, alice: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    with open_as(scram_cluster, alice) as store:
        assert store.identity().role == "reviewer"


@pytest.mark.usefixtures("no_libpq_password")
def test_the_password_from_a_password_file(
    scram_cluster: TempCluster, alice: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{scram_cluster.port}:team:alice:{PASSWORD}\n")
    pgpass.chmod(0o600)  # (libpq ignores a password file others may read)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    with open_as(scram_cluster, alice) as store:
        assert store.identity().role == "reviewer"


@pytest.mark.usefixtures("no_libpq_password")
@pytest.mark.parametrize("given", [WRONG, None], ids=["wrong", "none"])
def test_a_wrong_or_missing_password_is_a_clear_refusal(scram_cluster: TempCluster, alice: str, given: str | None) -> None:
    with pytest.raises(AuthenticationError) as caught:  # (a StoreError: the desk asks for the password again)
        open_as(scram_cluster, alice, given)
    err = caught.value
    assert err.msg.args["reason"].code == "store.auth_failed"  # (inside "cannot open the database ...")
    assert not err.retryable  # not an outage: retrying will not help
    assert "refused the login: wrong user name or password" in err.message
    assert ("alice:***@127.0.0.1" if given else "alice@127.0.0.1") in err.message
    assert PASSWORD not in err.message and WRONG not in err.message and WRONG not in repr(err.msg)
