"""Storage failures: each one is a specific StoreError with a human message, the decision
is not acknowledged (not in the database), the database stays intact and usable, and
the same decision (same uuid) records exactly once when retried after the cause is gone."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, select, text

from moderator_gui.core.domain import DecisionInput
from moderator_gui.core.store import (
    DatabaseLockedError,
    DiskFullError,
    ReadOnlyDatabaseError,
    StorageUnavailableError,
    Store,
    StoreError,
)
from moderator_gui.core.store.tables import decisions_t
from store_helpers import add_items, decision


def uuids(store: Store) -> list[str]:
    with store.read() as conn:
        return list(conn.execute(select(decisions_t.c.uuid).order_by(decisions_t.c.seq)).scalars())


def assert_refused(store: Store, inp: DecisionInput, error: type[StoreError], words: str) -> StoreError:
    """``record`` fails with ``error`` (retryable, message with ``words``), and records nothing."""
    before = uuids(store)
    with pytest.raises(error) as exc:
        store.record(inp)
    assert exc.value.retryable
    assert words in exc.value.message and "not saved" in exc.value.message
    assert uuids(store) == before and inp.uuid not in before
    return exc.value


def assert_records_once(store: Store, inp: DecisionInput, acknowledged: list[str]) -> None:
    """The retry records the decision once; nothing acknowledged earlier was lost."""
    ev = store.record(inp)
    assert store.record(inp) == ev
    assert uuids(store) == [*acknowledged, inp.uuid]


# -- locked ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["IMMEDIATE", "EXCLUSIVE"])
def test_locked_sqlite_database(sqlite_path: Path, mode: str) -> None:
    with Store.open(sqlite_path, busy_timeout_ms=150) as store:
        a, b = add_items(store, 2)
        acknowledged = [store.record(decision(a)).uuid]
        other = sqlite3.connect(sqlite_path, isolation_level=None)
        other.execute(f"BEGIN {mode}")
        try:
            inp = decision(b)
            # (Refused at all means it gave up after the busy timeout instead of waiting forever.)
            err = assert_refused(store, inp, DatabaseLockedError, "locked by another program")
            assert "retried" in err.message
            assert store.item(a).status == "decided"  # reads go on while the writer waits (WAL)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert_records_once(store, inp, acknowledged)


@pytest.mark.postgres
def test_locked_postgres_database(pg_url: str) -> None:
    """PostgreSQL would wait for a lock forever: the store gives up after its timeout."""
    # The schema first, with the usual timeout: migrations take a server-wide advisory lock, which
    # another test's store (another schema, another process) may hold for longer than 300 ms on a
    # busy machine. What is tested here is the lock on the items table.
    Store.open(pg_url).close()
    with Store.open(pg_url, busy_timeout_ms=300, migrate_schema=False) as store:
        a, b = add_items(store, 2)
        acknowledged = [store.record(decision(a)).uuid]
        admin = create_engine(pg_url)
        try:
            with admin.connect() as holder:
                holder.execute(text("LOCK TABLE items IN EXCLUSIVE MODE"))  # e.g. a stuck maintenance job
                inp = decision(b)
                # Refused at all means it gave up: without the lock timeout it would wait for
                # the lock forever (and the test would end at pytest's timeout instead).
                assert_refused(store, inp, DatabaseLockedError, "locked by another program")
                holder.rollback()
        finally:
            admin.dispose()
        assert_records_once(store, inp, acknowledged)


@pytest.mark.postgres
def test_statistics_after_an_import_touch_only_the_stores_own_tables(pg_url: str) -> None:
    """The database is shared (other teams' schemas, other programs' tables): refreshing the
    planner's statistics after an import must neither wait on nor fail over a table that is
    not the store's. A bare ANALYZE waited on this lock, and failed when another schema's
    table was dropped while it ran."""
    Store.open(pg_url).close()
    other = f"other_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{other}"'))
            conn.execute(text(f'CREATE TABLE "{other}".busy AS SELECT generate_series(1, 5) AS n'))
        with Store.open(pg_url, busy_timeout_ms=300, migrate_schema=False) as store:
            add_items(store, 3)
            with admin.connect() as holder:
                holder.execute(text("BEGIN"))
                holder.execute(text(f'LOCK TABLE "{other}".busy IN ACCESS EXCLUSIVE MODE'))
                store.refresh_statistics()  # a bare ANALYZE gives up here on the lock timeout
                holder.execute(text("ROLLBACK"))
            with store.read() as conn:
                tuples = dict(conn.exec_driver_sql(
                    "SELECT c.relname, c.reltuples FROM pg_class c "
                    "WHERE c.oid IN (to_regclass('items'), %(busy)s::regclass)", {"busy": f'"{other}".busy'}
                ).all())
        # ours analysed; theirs never (-1 from PostgreSQL 14, 0 before; 5 once analysed)
        assert tuples["items"] == 3 and tuples["busy"] <= 0, tuples
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{other}" CASCADE'))
        admin.dispose()


# -- disk full ------------------------------------------------------------------------------------


def _limit_pages(store: Store, extra_pages: int) -> None:
    """Cap the database file at its current size plus ``extra_pages`` on every connection
    (max_page_count is per connection), as a full disk would."""
    with store.read() as conn:
        limit = conn.exec_driver_sql("PRAGMA page_count").scalar_one() + extra_pages

    @event.listens_for(store.engine, "connect")
    def _cap(dbapi_conn, _record) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {limit}")

    store.engine.dispose()  # pooled connections were opened without the cap


def _integrity(path: Path) -> str:
    raw = sqlite3.connect(path)
    try:
        return raw.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        raw.close()


def _fill_until_full(store: Store, items: list[int], note_size: int) -> tuple[list[str], DecisionInput]:
    """Record decisions with long notes until the disk is full. Returns what was
    acknowledged and the decision that was refused."""
    acknowledged: list[str] = []
    for item in items:
        inp = decision(item, category="self_harm_csam", actions=["remove_content"], note="证" * note_size)
        try:
            acknowledged.append(store.record(inp).uuid)
        except DiskFullError as exc:
            refused = exc
            break
    else:
        raise AssertionError(f"the disk never filled up after {len(acknowledged)} decisions")
    assert refused.retryable and "disk is full" in refused.message and "not saved" in refused.message
    return acknowledged, inp


def test_disk_full_sqlite_max_page_count(sqlite_path: Path) -> None:
    store = Store.open(sqlite_path)
    items = add_items(store, 60)
    _limit_pages(store, extra_pages=12)
    acknowledged, refused = _fill_until_full(store, items, note_size=1500)
    assert acknowledged, "some decisions fitted before the disk was full"
    assert uuids(store) == acknowledged and refused.uuid not in acknowledged
    assert store.item(refused.item_id).status == "pending"
    store.close()
    assert _integrity(sqlite_path) == "ok"
    with Store.open(sqlite_path) as freed:  # space is available again
        assert_records_once(freed, refused, acknowledged)


@contextlib.contextmanager
def _tiny_tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    res = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True, text=True
    )
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root and mount permission): {res.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_disk_full_on_a_real_tiny_filesystem(tmp_path: Path) -> None:
    """A real file system filling up (ENOSPC), not an emulation."""
    with _tiny_tmpfs(tmp_path / "mnt", "448k") as mnt:  # the empty schema takes ~300k
        db = mnt / "store.sqlite3"
        store = Store.open(db)
        items = add_items(store, 60)
        try:
            acknowledged, refused = _fill_until_full(store, items, note_size=3000)
            assert acknowledged
            assert uuids(store) == acknowledged  # the database still answers
        finally:
            store.close()
        assert _integrity(db) == "ok"
        subprocess.run(["mount", "-o", "remount,size=4m", str(mnt)], check=True)
        with Store.open(db) as freed:
            assert_records_once(freed, refused, acknowledged)


# -- read-only ------------------------------------------------------------------------------------


def test_read_only_sqlite_database(sqlite_path: Path) -> None:
    with Store.open(sqlite_path) as store:
        a, b = add_items(store, 2)
        acknowledged = [store.record(decision(a)).uuid]
    with Store.open(f"sqlite:///file:{sqlite_path}?mode=ro&uri=true") as ro:
        assert ro.item(a).status == "decided"  # reading works
        assert_refused(ro, decision(b), ReadOnlyDatabaseError, "read-only")
        assert uuids(ro) == acknowledged
    assert _integrity(sqlite_path) == "ok"


def test_read_only_sqlite_database_that_needs_migrating(sqlite_path: Path) -> None:
    from moderator_gui.core.store import migrate
    from moderator_gui.core.store.engine import make_engine, resolve_target

    engine = make_engine(resolve_target(sqlite_path))
    migrate.upgrade(engine, "0001")
    engine.dispose()
    with pytest.raises(ReadOnlyDatabaseError) as exc:
        Store.open(f"sqlite:///file:{sqlite_path}?mode=ro&uri=true")
    assert "cannot open the database" in exc.value.message and "read-only" in exc.value.message


@pytest.mark.postgres
def test_read_only_postgres_session(pg_url: str) -> None:
    with Store.open(pg_url) as store:
        a, b = add_items(store, 2)
        acknowledged = [store.record(decision(a)).uuid]
    # pg_url ends with the libpq "options" value: add a second setting to it.
    ro_url = pg_url + "%20-cdefault_transaction_read_only%3Don"
    with Store.open(ro_url) as ro:
        assert ro.item(a).status == "decided"
        assert_refused(ro, decision(b), ReadOnlyDatabaseError, "read-only")
        assert uuids(ro) == acknowledged


# -- cannot reach or open the database ----------------------------------------------------------------


def test_unreachable_postgres_server_names_the_url_without_password() -> None:
    url = "postgresql+psycopg://moderator:s3cret-pw@127.0.0.1:1/moderation"
    with pytest.raises(StorageUnavailableError) as exc:
        Store.open(url)
    msg = exc.value.message
    assert "postgresql+psycopg://moderator:***@127.0.0.1:1/moderation" in msg
    assert "s3cret-pw" not in msg and "s3cret-pw" not in str(exc.value)
    assert "Connection refused" in msg


@pytest.mark.postgres
def test_missing_postgres_database_is_unavailable_not_a_crash(pg_url: str) -> None:
    url = pg_url.split("?")[0].rsplit("/", 1)[0] + "/no_such_database_here"
    with pytest.raises(StorageUnavailableError, match="no_such_database_here"):
        Store.open(url)


def test_sqlite_file_in_a_folder_that_cannot_exist(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageUnavailableError) as exc:
        Store.open(blocker / "sub" / "store.sqlite3")
    assert f"cannot use the database location ({blocker / 'sub'}): Not a directory" in exc.value.message


def test_not_a_database_url() -> None:
    with pytest.raises(StorageUnavailableError, match="not a database file path or URL"):
        Store.open("postgresql://[::1")


def test_sqlite_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is a text file, not a database" * 200)
    with pytest.raises(StorageUnavailableError) as exc:
        Store.open(junk)
    assert exc.value.message == f"cannot open the database sqlite+pysqlite:///{junk}: " + (
        "the file is not a database (or it is damaged); choose another file"
    )
    assert junk.read_bytes().startswith(b"this is a text file")  # left untouched


def test_a_postgres_server_that_does_not_answer_is_given_up_after_the_connect_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not the operating system's ~2 minutes: the desk says so and retries (the journal keeps
    the decisions meanwhile). What the driver is asked for, captured at its connect call."""
    import psycopg

    from moderator_gui.core.store.engine import PG_CONNECT_TIMEOUT_S, make_engine, resolve_target

    asked: dict[str, object] = {}

    def connect(*args: object, **kwargs: object) -> object:
        asked.update(kwargs)
        raise psycopg.OperationalError("connection timeout expired")

    monkeypatch.setattr(psycopg, "connect", connect)
    monkeypatch.setattr(psycopg.Connection, "connect", classmethod(lambda cls, *a, **k: connect(*a, **k)))
    engine = make_engine(resolve_target("postgresql://lead@db.example:5432/team"))
    try:
        with pytest.raises(Exception, match="timeout expired"):
            engine.connect()
    finally:
        engine.dispose()
    assert asked.get("connect_timeout") == PG_CONNECT_TIMEOUT_S == 10


@pytest.mark.parametrize(
    "said",
    [
        'connection to server at "db", port 5432 failed: FATAL:  password authentication failed for user "alice"',
        'connection to server at "db", port 5432 failed: fe_sendauth: no password supplied',
        'connection to server at "db", port 5432 failed: FATAL:  no pg_hba.conf entry for host "10.0.0.7", user "alice"',
        'connection to server at "db", port 5432 failed: FATAL:  role "alice" does not exist',
    ],
)
def test_a_login_the_server_refuses_is_an_authentication_error_not_an_outage(said: str) -> None:
    """libpq gives no SQLSTATE for a refused login (there is no session yet): without this it
    read as "cannot reach the database", retryable — retried forever, the password never asked."""
    import psycopg

    from moderator_gui.core.store import AuthenticationError
    from moderator_gui.core.store.errors import translate

    err = translate(psycopg.OperationalError(said))
    assert isinstance(err, AuthenticationError) and not err.retryable
    assert err.code == "store.auth_failed"
    assert err.message.startswith("the database server refused the login: wrong user name or password")
    # A database that does not exist is not a login refused (the test above opens one).
    missing = translate(psycopg.OperationalError('connection failed: FATAL:  database "nope" does not exist'))
    assert isinstance(missing, StorageUnavailableError)


def test_a_silent_server_is_given_up_on_open_connections_too_and_the_url_may_say_otherwise() -> None:
    """Without a TCP user timeout a pooled connection opened before the network went blocks for
    the kernel's ~15 minutes (tests/test_team_network.py cuts a real link); the URL's own
    libpq settings win over the store's."""
    from moderator_gui.core.store.engine import PG_SILENT_SERVER_S, pg_connect_args, resolve_target

    defaults = pg_connect_args(resolve_target("postgresql://lead@db.example/team"))
    assert defaults == {
        "connect_timeout": 10, "tcp_user_timeout": PG_SILENT_SERVER_S * 1000, "keepalives": 1,
        "keepalives_idle": 4, "keepalives_interval": 2, "keepalives_count": 3,
    }  # fmt: skip
    own = pg_connect_args(resolve_target("postgresql://lead@db.example/team?connect_timeout=3&tcp_user_timeout=2000"))
    assert "connect_timeout" not in own and "tcp_user_timeout" not in own and own["keepalives"] == 1
