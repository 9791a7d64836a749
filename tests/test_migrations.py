"""The Alembic migrations in db/: a linear chain, data kept across upgrades, models in
agreement with the migrated schema, and safe behaviour on start (newer schema,
two instances creating the database together)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, insert, inspect, select, text

from moderator_gui.core.paths import migrations_dir
from moderator_gui.core.store import SchemaError, Store, migrate
from moderator_gui.core.store.engine import make_engine, resolve_target
from moderator_gui.core.store.models import Base
from moderator_gui.core.store.tables import decisions_t, items_t, reviewers_t
from store_helpers import BASE_TIME, add_items, finish, spawn, start_together


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A plain engine on the test database, to look at it independently of the Store."""
    eng = make_engine(resolve_target(db_url))
    yield eng
    eng.dispose()


def test_the_revision_chain_is_linear() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert script.get_heads() == [migrate.head_revision()]
    chain = list(reversed(list(script.walk_revisions())))  # base first
    files = sorted(p.name for p in (migrations_dir() / "versions").glob("*.py"))
    assert len(chain) == len(files) >= 2
    previous = None
    for rev, name in zip(chain, files, strict=True):
        assert rev.down_revision == previous, f"{rev.revision} must revise {previous}"
        assert not rev.branch_labels and not rev.dependencies, rev.revision
        assert not rev.is_merge_point and not rev.is_branch_point, rev.revision
        assert name.startswith(f"{rev.revision}_"), f"{name} holds revision {rev.revision}"
        previous = rev.revision
    assert previous == migrate.head_revision()
    assert re.fullmatch(r"\d{4}", previous)


def test_a_new_database_is_migrated_to_head_on_open(db_url: str, engine: Engine) -> None:
    assert migrate.current_revision(engine) is None
    Store.open(db_url).close()
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert {"items", "decisions", "reviewers", "media"} <= set(inspect(engine).get_table_names())
    Store.open(db_url).close()  # already at head: nothing to do, nothing fails
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_upgrading_an_old_database_keeps_its_data(db_url: str, engine: Engine) -> None:
    migrate.upgrade(engine, "0001")
    assert migrate.current_revision(engine) == "0001"
    assert "media" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        # As the program of that time wrote them: ids from the database, not given.
        rid = conn.execute(
            insert(reviewers_t).values(name="老王", created_at=BASE_TIME).returning(reviewers_t.c.id)
        ).scalar_one()
        item = conn.execute(
            insert(items_t).values(
                external_id="old-1", platform="weibo", import_source="/old/manifest.csv",
                content_type="image", media_path=b"/old/\xff\xfe.jpg", sha256="cd" * 32, uploader="acct-old",
                flagged_at=BASE_TIME, report_count=3, priority=3400, status="decided",
                head_event="11111111-1111-1111-1111-111111111111", imported_at=BASE_TIME,
            ).returning(items_t.c.id)
        ).scalar_one()
        conn.execute(
            insert(decisions_t).values(
                uuid="11111111-1111-1111-1111-111111111111", item_id=item, kind="decide",
                category="harmful_animation", actions='["remove_content", "warn"]', note="旧的备注",
                reviewer_id=rid, decided_at=datetime(2025, 6, 1, 12, 0, tzinfo=UTC), policy_version="cac-minors-2021.0",
            )
        )

    with Store.open(db_url) as store:
        assert migrate.current_revision(engine) == migrate.head_revision()
        row = store.item(item)
        assert (row.external_id, row.media_path, row.status, row.priority) == ("old-1", b"/old/\xff\xfe.jpg", "decided", 3400)
        (hist,) = store.item_history(item)
        with store.read() as conn:
            hist_seq = conn.execute(select(decisions_t.c.seq)).scalar_one()
        assert (hist.reviewer, hist.category, hist.note, hist.actions) == (
            "老王", "harmful_animation", "旧的备注", ("remove_content", "warn"),
        )
        assert hist.decided_at == datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
        assert store.rebuild_projection() == 0
        # The upgraded database works like a new one: new tables, new events, old rules.
        store.save_media("cd" * 32, state="ok", real_type="jpeg", width=4, height=3, pipeline_version=1)
        assert (store.item(item).width, store.item(item).media_state) == (4, "ok")
        ev = store.revert(hist.uuid, "老王", note="mistake")
        assert store.item(item).status == "pending" and ev.seq > hist_seq
        assert store.reviewers() == ["老王"]
        with pytest.raises(Exception, match="append-only"), store.write() as conn:
            conn.execute(decisions_t.delete())


def test_the_models_agree_with_the_migrated_schema(db_url: str, engine: Engine) -> None:
    Store.open(db_url).close()
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        diffs = compare_metadata(ctx, Base.metadata)
    assert diffs == []


def test_a_database_from_a_newer_version_is_refused_clearly(db_url: str, engine: Engine) -> None:
    with Store.open(db_url) as store:
        add_items(store, 2)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    with pytest.raises(SchemaError) as exc:
        Store.open(db_url)
    assert "'0999'" in exc.value.message and "newer version" in exc.value.message
    with engine.connect() as conn:  # left as it was
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0999"
        assert conn.execute(select(items_t.c.id)).all() != []


def test_two_threads_opening_a_new_database_both_succeed(db_url: str, engine: Engine) -> None:
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def open_it() -> None:
        barrier.wait()
        try:
            Store.open(db_url).close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_two_processes_opening_a_new_database_file_both_succeed(tmp_path: Path) -> None:
    db = tmp_path / "fresh" / "shared.sqlite3"
    go = tmp_path / "go"
    procs = [spawn("open", str(db), str(go)) for _ in range(2)]
    start_together(procs, go)
    assert [finish(p) for p in procs] == ["ok", "ok"]
    with Store.open(db) as store, store.read() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [migrate.head_revision()]
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
