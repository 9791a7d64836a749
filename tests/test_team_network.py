"""The network between a desk and the server cut, then restored: the desk is a process in a
network namespace of the test's own, joined to the host by a veth pair; the server is a
temporary cluster listening on the host's end (tests/pg_cluster.py). The cut is the host's
end of the link going down: packets are lost, nothing answers, no error comes back at
once — the hardest case for a desk (a cable pulled, a Wi-Fi gone), and the one where a
connection that is never told it is dead would hang for the kernel's ~15 minutes.

Needs root (network namespaces); skipped with the reason otherwise. The namespace and the
link are removed whatever happens.
"""

from __future__ import annotations

import ipaddress
import json
import os
import random
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from factories import item_values
from moderator_gui.core.journal import PendingWrite
from moderator_gui.core.store import Store
from moderator_gui.core.store.tables import conflicts_t, decisions_t
from pg_cluster import TRUST_HBA, TempCluster, temp_cluster, wait_until
from team_child import Child

RETRYABLE_CODES = {"store.unreachable", "store.connection_lost", "store.server_restarting"}
# A connection attempt nobody answers is given up after this long (the store's default is
# 10 s); everything else is the store's own settings for a silent server (core/store/engine.py).
CONNECT_TIMEOUT_S = 2


@dataclass(frozen=True)
class Link:
    ns: str  # the desk's network namespace
    host_if: str  # the host's end of the veth pair
    host_ip: str  # the server listens here
    desk_ip: str

    @property
    def enter(self) -> list[str]:
        """The command prefix that runs a program in the desk's namespace."""
        return ["ip", "netns", "exec", self.ns]

    def cut(self) -> None:
        _ip("link", "set", self.host_if, "down")

    def restore(self) -> None:
        _ip("link", "set", self.host_if, "up")


def _ip(*args: str, ns: str | None = None) -> subprocess.CompletedProcess[str]:
    cmd = ["ip", *(("netns", "exec", ns, "ip") if ns else ()), *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {done.stderr.strip()}")
    return done


def _free_subnet() -> ipaddress.IPv4Network:
    """A /30 in 10.213.0.0/16 that no interface of the host uses."""
    used = [
        ipaddress.ip_interface(w).network for w in _ip("-o", "-4", "addr", "show").stdout.split() if "/" in w and w[0].isdigit()
    ]
    for _ in range(100):
        net = ipaddress.ip_network(f"10.213.{random.randrange(256)}.{random.randrange(64) * 4}/30")
        if not any(net.overlaps(u) for u in used):
            return net
    raise RuntimeError("no free /30 in 10.213.0.0/16")


@contextmanager
def desk_namespace() -> Iterator[Link]:
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("the network test needs root and iproute2 (ip netns, veth)")
    tag = uuid.uuid4().hex[:6]
    ns, host_if, desk_if = f"moderator-test-{tag}", f"mgh{tag}", f"mgd{tag}"
    try:
        _ip("netns", "add", ns)
    except RuntimeError as exc:
        pytest.skip(f"network namespaces are not permitted here: {exc}")
    try:
        net = _free_subnet()
        host_ip, desk_ip = (str(h) for h in net.hosts())
        _ip("link", "add", host_if, "type", "veth", "peer", "name", desk_if)
        _ip("link", "set", desk_if, "netns", ns)
        _ip("addr", "add", f"{host_ip}/30", "dev", host_if)
        _ip("link", "set", host_if, "up")
        _ip("addr", "add", f"{desk_ip}/30", "dev", desk_if, ns=ns)
        _ip("link", "set", desk_if, "up", ns=ns)
        _ip("link", "set", "lo", "up", ns=ns)
        yield Link(ns, host_if, host_ip, desk_ip)
    finally:
        subprocess.run(["ip", "link", "del", host_if], capture_output=True, timeout=30)  # (both ends go)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=30)


@pytest.fixture
def link() -> Iterator[Link]:
    with desk_namespace() as link:
        yield link
    left = subprocess.run(["ip", "-o", "link", "show", link.host_if], capture_output=True).returncode == 0
    assert not left and link.ns not in subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout


@pytest.fixture
def server(link: Link) -> Iterator[TempCluster]:
    """A cluster that also listens on the host's end of the link, and lets the desk in."""
    with temp_cluster(listen=("127.0.0.1", link.host_ip), hba=(*TRUST_HBA, f"host all all {link.desk_ip}/32 trust")) as cluster:
        yield cluster


def stored_uuids(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return dict(conn.execute(select(decisions_t.c.uuid, func.count()).group_by(decisions_t.c.uuid)).all())


def journal_uuids(folder: Path) -> list[str]:
    found = []
    for path in folder.rglob("*.json"):
        found += [PendingWrite.from_json(w).decision.uuid for w in json.loads(path.read_text())["writes"]]
    return found


def test_a_desk_cut_off_from_the_server_keeps_its_decisions_and_saves_them_once_when_the_link_is_back(
    link: Link, server: TempCluster, tmp_path: Path
) -> None:
    with Store.open(server.url()) as owner:
        owner.team_init(lease_seconds=600)
        owner.add_user("alice", "reviewer")
        queue = owner.add_items([item_values(external_id=f"net-{i}", priority=100 - i) for i in range(6)])
    url = server.url("alice", host=link.host_ip, connect_timeout=str(CONNECT_TIMEOUT_S))
    journals = tmp_path / "journals"
    desk = Child("desk", url, "alice", str(journals), "6", prefix=link.enter, stdin=True)
    try:
        assert json.loads(desk.expect("ready")) == queue
        before = [desk.send("decide") or desk.expect("recorded") for _ in range(2)]

        link.cut()
        for _ in range(3):
            desk.send("decide")  # the reviewer goes on: the desk queues them
        # The first write gives up after the store's timeouts (~10 s + the connect timeout),
        # retryably: not after the kernel's ~15 minutes.
        assert desk.expect("retry", timeout_s=60) in RETRYABLE_CODES
        wait_until(lambda: len(journal_uuids(journals)) == 3, timeout_s=30, what="the three decisions in the journal")
        during = journal_uuids(journals)
        with Store.open(server.url()) as owner:
            assert set(stored_uuids(owner)) == set(before)  # none of them reached the server

        link.restore()
        desk.send("quit")  # (once everything is saved)
        saved = json.loads(desk.expect("saved", timeout_s=120))
        desk.finish()
    finally:
        desk.close()
    assert saved[:2] == before and saved[2:] == during
    with Store.open(server.url()) as owner:
        assert stored_uuids(owner) == dict.fromkeys(saved, 1)  # each exactly once
        assert [owner.item(i).status for i in queue] == ["decided"] * 5 + ["pending"]
        with owner.read() as conn:
            assert conn.execute(select(func.count()).select_from(conflicts_t)).scalar_one() == 0
    assert journal_uuids(journals) == []  # the journal is gone once all is saved
