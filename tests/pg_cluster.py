"""A temporary PostgreSQL cluster of a test's own: for tests that stop, kill, restart or
password-protect a server (the shared one on 127.0.0.1:5432 must never be touched).

    with TempCluster(hba=SCRAM_HBA) as cluster:      # initdb + start; stop + remove after
        cluster.url("alice", "pw", db="team")        # a store URL over TCP
        with cluster.admin() as conn: ...            # psycopg, the superuser, Unix socket, autocommit
        cluster.stop("fast"); cluster.start()        # or restart(), or kill() (SIGKILL, a crash)

The fixtures ``pg_cluster`` (one per test) and ``pg_cluster_module`` (one per module, trust
authentication) skip the test, saying why, where a cluster cannot be run: no PostgreSQL
binaries, or running as root without ``runuser`` and a ``postgres`` user (PostgreSQL
refuses to run as root). The binaries: ``MODERATOR_TEST_PG_BIN`` or the newest
``/usr/lib/postgresql/*/bin``.

Fast to start (``initdb --no-sync``, ``fsync=off``, small buffers: about a second; but
``synchronous_commit`` stays on, so that a COMMIT that returned survives a SIGKILL of the
server — without fsync it would not survive a crash of the machine, which no test makes) and
never left behind: :meth:`TempCluster.cleanup` stops the server, SIGKILLs whatever of it is
still running (its processes are found by their working directory, the data directory,
so backends orphaned by a killed postmaster are found too), waits until they are gone and
removes the folder; it runs after the test whatever happened, and at exit for a cluster
a crash left behind.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

BIN_ENV = "MODERATOR_TEST_PG_BIN"
SERVER_USER = "postgres"  # the OS user the server runs as when the tests run as root
SUPERUSER = "postgres"  # the cluster's superuser (initdb -U)
START_TIMEOUT_S = 60
GONE_TIMEOUT_S = 30

TRUST_HBA = (
    "local all all trust",
    "host all all 127.0.0.1/32 trust",
)
SCRAM_HBA = (
    f"local all {SUPERUSER} trust",  # the administrator, over the Unix socket
    "host all all 127.0.0.1/32 scram-sha-256",
)

_LIVE: set[TempCluster] = set()


class ClusterUnavailable(Exception):  # noqa: N818 - a reason to skip, not a failure
    """A temporary cluster cannot be run here (the message says why)."""


def find_bin_dir() -> Path | None:
    env = os.environ.get(BIN_ENV)
    if env:
        return Path(env) if (Path(env) / "initdb").is_file() else None
    found = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").is_file()]

    def version(p: Path) -> tuple[int, ...]:
        try:
            return tuple(int(x) for x in p.parent.name.split("."))
        except ValueError:
            return (0,)

    return max(found, key=version) if found else None


def runner_prefix() -> list[str]:
    """How to run the server's programs: as ``postgres`` via runuser when we are root."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser") or next((p for p in ("/usr/sbin/runuser", "/sbin/runuser") if os.path.exists(p)), None)
    if runuser is None:
        raise ClusterUnavailable("the tests run as root, and PostgreSQL refuses to run as root: runuser is missing")
    try:
        import pwd

        pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise ClusterUnavailable(f"the tests run as root and there is no {SERVER_USER!r} user to run PostgreSQL as") from None
    return [runuser, "-u", SERVER_USER, "--"]


def unavailable_reason() -> str | None:
    """Why a temporary cluster cannot run here (None: it can)."""
    if find_bin_dir() is None:
        return f"no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb; or set {BIN_ENV})"
    try:
        runner_prefix()
    except ClusterUnavailable as exc:
        return str(exc)
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TempCluster:
    """One PostgreSQL cluster in a temporary folder (see the module docstring)."""

    def __init__(
        self,
        *,
        hba: Sequence[str] = TRUST_HBA,
        listen: Sequence[str] = ("127.0.0.1",),
        settings: Mapping[str, str] | None = None,
        bin_dir: Path | None = None,
    ) -> None:
        reason = unavailable_reason() if bin_dir is None else None
        if reason is not None:
            raise ClusterUnavailable(reason)
        self.bin = bin_dir or find_bin_dir()
        assert self.bin is not None
        self.prefix = runner_prefix()
        self.hba = tuple(hba)
        self.listen = tuple(listen)
        self.settings = dict(settings or {})
        self.base: Path | None = None
        self.port = 0
        self._initialised = False

    # -- paths ------------------------------------------------------------------------------
    @property
    def data(self) -> Path:
        assert self.base is not None, "the cluster was never initialised"
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        assert self.base is not None
        return self.base

    @property
    def logfile(self) -> Path:
        assert self.base is not None
        return self.base / "server.log"

    # -- life --------------------------------------------------------------------------------
    def _run(self, program: str, *args: str, timeout: float = START_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
        cmd = [*self.prefix, str(self.bin / program), *args]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.base)
        return done

    def init(self) -> None:
        if self._initialised:
            return
        # A short path of its own: a Unix socket path must stay under ~100 bytes.
        self.base = Path(tempfile.mkdtemp(prefix="pgc-", dir="/tmp"))
        _LIVE.add(self)
        if self.prefix:
            shutil.chown(self.base, SERVER_USER, SERVER_USER)
        done = self._run(
            "initdb", "--no-sync", "--no-instructions", "-A", "trust", "-U", SUPERUSER, "-E", "UTF8",
            "--locale=C", "-D", str(self.data),
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed ({done.returncode}): {done.stderr or done.stdout}")
        self.port = free_port()
        conf = {
            "listen_addresses": ",".join(self.listen),
            "port": str(self.port),
            "unix_socket_directories": str(self.socket_dir),
            "fsync": "off",
            "full_page_writes": "off",
            "shared_buffers": "16MB",
            "max_connections": "60",
            "max_wal_senders": "0",
            "wal_level": "minimal",
            "logging_collector": "off",
            "log_min_messages": "warning",
            "log_connections": "off",
            **self.settings,
        }
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as f:
            f.write("\n# tests/pg_cluster.py\n")
            f.writelines(f"{k} = '{v}'\n" for k, v in conf.items())
        (self.data / "pg_hba.conf").write_text("\n".join(self.hba) + "\n", encoding="utf-8")
        self._initialised = True

    def set_port(self, port: int) -> None:
        """Listen on another port from the next start (the one chosen was taken meanwhile)."""
        self.port = port
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as f:
            f.write(f"port = '{port}'\n")

    def start(self) -> TempCluster:
        """Start (initialising first if needed) and wait until it accepts connections."""
        self.init()
        for attempt in range(3):
            done = self._run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.logfile), "-w", "-t", str(START_TIMEOUT_S), "-s", "start"
            )
            if done.returncode == 0:
                return self
            self._kill_all()  # a half-started server must not linger
            if "could not bind" in self.log_tail() and attempt < 2:
                self.set_port(free_port())  # someone took the port between our choice and the start
                continue
            raise RuntimeError(f"pg_ctl start failed ({done.returncode}): {done.stderr}\n{self.log_tail()}")
        raise AssertionError("unreachable")

    def stop(self, mode: str = "fast") -> None:
        """``pg_ctl stop -m smart|fast|immediate`` and wait until every process of it is gone."""
        if not self.running:
            return
        done = self._run("pg_ctl", "-D", str(self.data), "-w", "-t", str(START_TIMEOUT_S), "-s", "-m", mode, "stop")
        if done.returncode != 0 and self.running:
            raise RuntimeError(f"pg_ctl stop -m {mode} failed ({done.returncode}): {done.stderr}")
        self._wait_gone()

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def kill(self) -> None:
        """A crash: SIGKILL the postmaster and every backend; the next start recovers from the WAL."""
        self._kill_all()

    @property
    def pid(self) -> int | None:
        """The postmaster's pid while it runs."""
        try:
            first = (self.data / "postmaster.pid").read_text().split("\n", 1)[0]
            pid = int(first)
        except (OSError, ValueError, AssertionError):
            return None
        try:
            alive = os.readlink(f"/proc/{pid}/cwd") == str(self.data)  # not a reused pid
        except OSError:
            alive = False
        return pid if alive else None

    @property
    def running(self) -> bool:
        return self.base is not None and (self.pid is not None or bool(self.processes()))

    def processes(self) -> list[int]:
        """Every process of this cluster: those working in its data directory (the postmaster
        and its backends, even orphaned ones)."""
        if self.base is None:
            return []
        data = str(self.data)
        found = []
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                cwd = os.readlink(f"/proc/{entry.name}/cwd")
            except OSError:
                continue  # gone, a zombie, or not ours to see
            if cwd == data or cwd.startswith(data + "/"):
                found.append(int(entry.name))
        return found

    def _kill_all(self) -> None:
        pid = self.pid
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)  # first: a dead postmaster starts no new backend
        deadline = time.monotonic() + GONE_TIMEOUT_S
        while True:
            left = self.processes()
            if not left:
                self._forget_dead_postmaster()
                return
            for p in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(p, signal.SIGKILL)
            if time.monotonic() > deadline:
                raise RuntimeError(f"processes of {self.data} survive SIGKILL: {left}")
            time.sleep(0.01)

    def _forget_dead_postmaster(self) -> None:
        """After a SIGKILL the postmaster's lock files stay, naming its pid; until that pid is
        reaped (by init: the postmaster is nobody's child here) the next start takes it for a
        running server. No process works in the data directory any more (checked): remove them."""
        if self.base is not None:
            (self.data / "postmaster.pid").unlink(missing_ok=True)
            for name in (f".s.PGSQL.{self.port}.lock", f".s.PGSQL.{self.port}"):
                (self.socket_dir / name).unlink(missing_ok=True)

    def _wait_gone(self) -> None:
        deadline = time.monotonic() + GONE_TIMEOUT_S
        while self.processes():
            if time.monotonic() > deadline:
                raise RuntimeError(f"processes of {self.data} still running after stop: {self.processes()}")
            time.sleep(0.01)

    def cleanup(self) -> None:
        """Stop, kill what is left, remove the folder. Safe to call twice, and after a failure."""
        if self.base is None:
            return
        try:
            if self.running:
                with contextlib.suppress(Exception):
                    self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "10", "-s", "-m", "immediate", "stop", timeout=20)
            self._kill_all()
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
            _LIVE.discard(self)
            self.base = None
            self._initialised = False

    def __enter__(self) -> TempCluster:
        try:
            return self.start()
        except BaseException:
            self.cleanup()
            raise

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    # -- connecting ---------------------------------------------------------------------------
    def url(
        self, user: str = SUPERUSER, password: str | None = None, *, db: str = "postgres", host: str = "127.0.0.1",
        **query: str,
    ) -> str:  # fmt: skip
        """A store URL over TCP (``host``), with extra libpq settings in ``query``."""
        auth = quote(user, safe="") + (":" + quote(password, safe="") if password is not None else "")
        q = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in query.items())
        return f"postgresql+psycopg://{auth}@{host}:{self.port}/{db}" + (f"?{q}" if q else "")

    def socket_url(self, user: str = SUPERUSER, *, db: str = "postgres") -> str:
        """A store URL over the Unix socket (the administrator under ``SCRAM_HBA``)."""
        return f"postgresql+psycopg://{quote(user, safe='')}@/{db}?host={quote(str(self.socket_dir), safe='')}&port={self.port}"

    @contextlib.contextmanager
    def admin(self, db: str = "postgres") -> Iterator[Any]:
        """A psql-like connection: the superuser over the Unix socket, autocommit."""
        import psycopg

        conn = psycopg.connect(host=str(self.socket_dir), port=self.port, user=SUPERUSER, dbname=db, autocommit=True)
        try:
            yield conn
        finally:
            conn.close()

    def sql(self, statement: str, *args: Any, db: str = "postgres") -> list[tuple[Any, ...]]:
        """Run one statement as the superuser; its rows (if any)."""
        with self.admin(db) as conn:
            cur = conn.execute(statement, args or None)
            return list(cur.fetchall()) if cur.description else []

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except (OSError, AssertionError):
            return ""


@atexit.register
def _cleanup_left_behind() -> None:
    for cluster in list(_LIVE):
        with contextlib.suppress(Exception):
            cluster.cleanup()


def wait_until(predicate: Any, *, timeout_s: float, what: str, interval_s: float = 0.05) -> Any:
    """Poll ``predicate`` until it returns something true (returned) or ``timeout_s`` passed (fail).
    A condition wait: the deadline is an upper bound, the wait ends as soon as it holds."""
    deadline = time.monotonic() + timeout_s
    while True:
        got = predicate()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(interval_s)


@contextlib.contextmanager
def temp_cluster(**kwargs: Any) -> Iterator[TempCluster]:
    """A started TempCluster, or the test skipped with the reason it cannot run here."""
    try:
        cluster = TempCluster(**kwargs)
    except ClusterUnavailable as exc:
        pytest.skip(f"a temporary PostgreSQL cluster cannot run here: {exc}")
    with cluster:  # cleanup() fails the test if a process of it survives
        yield cluster


@pytest.fixture
def pg_cluster() -> Iterator[TempCluster]:
    """A temporary cluster (trust authentication on 127.0.0.1) for one test."""
    with temp_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def pg_cluster_module() -> Iterator[TempCluster]:
    """A temporary cluster shared by a module's tests (for tests that do not stop it)."""
    with temp_cluster() as cluster:
        yield cluster
