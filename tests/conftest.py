"""Shared fixtures: a real SQLite file, and the real PostgreSQL server when MODERATOR_TEST_PG_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from moderator_gui.core.store import Store

PG_ENV = "MODERATOR_TEST_PG_URL"


def pytest_configure(config: pytest.Config) -> None:
    from corpus import PILLOW_CORPUS

    if not (PILLOW_CORPUS / "hopper.jpg").is_file():
        raise pytest.UsageError(
            f"the shared Pillow test corpus is missing at {PILLOW_CORPUS}: the tests expect "
            "../shared/testdata/pillow-corpus beside the clone (or MODERATOR_PILLOW_CORPUS)"
        )


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real per-user data/cache folders or a developer's MODERATOR_DB."""
    base = tmp_path_factory.mktemp("userdirs")
    monkeypatch.setenv("MODERATOR_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("MODERATOR_CACHE_DIR", str(base / "cache"))
    monkeypatch.delenv("MODERATOR_DB", raising=False)


def _pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL to a fresh, empty schema on the PostgreSQL server (dropped afterwards)."""
    base = _pg_url()
    if base is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test); .ci/run sets it")
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        pytest.fail(f"{PG_ENV} is set but the server cannot be used: {exc}")
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on a real SQLite file and on the real PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "store.sqlite3")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store.open(db_url)
    yield s
    s.close()


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "store.sqlite3"


@pytest.fixture
def sqlite_store(sqlite_path: Path) -> Iterator[Store]:
    s = Store.open(sqlite_path)
    yield s
    s.close()
