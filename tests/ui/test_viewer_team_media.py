"""What the desk says about media of a team database: removed by a retention purge (with its
date), or altered (failed verification), in the reviewer's language; the item can still be decided."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt

from moderator_gui.core.store import Store
from moderator_gui.core.store.tables import media_purges_t, media_retired_t
from moderator_gui.core.write_queue import EntryState

pytestmark = pytest.mark.gui

WHEN = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


@pytest.fixture
def language(qapp: Any) -> Iterator[Callable[[str], None]]:
    """``language(lang)``: the application's translators for ``lang`` (English again afterwards)."""
    from moderator_gui.ui.i18n import install_translators

    yield lambda lang: install_translators(qapp, lang)
    install_translators(qapp, "en")


def retire(store: Store, sha: str) -> None:
    """As ``moderator-cli media purge`` leaves it (set up directly: SQLite stores no media)."""
    with store.write() as conn:
        pid = conn.execute(
            media_purges_t.insert()
            .values(purged_by="lead", purged_at=WHEN, decided_before=WHEN, items=1, blobs=1, bytes=10)
            .returning(media_purges_t.c.id)
        ).scalar_one()
        conn.execute(media_retired_t.insert().values(sha256=sha, purge_id=pid, retired_at=WHEN))


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "media removed by retention policy on 2026-11-30"), ("zh_CN", "媒体已于 2026-11-30 按保留策略删除")],
)
def test_purged_media_says_when_it_was_removed_and_the_item_can_be_decided(
    make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any, lang: str, text: str, language: Any
) -> None:
    language(lang)
    item, ahead = add_items(ui_store, 2)
    retire(ui_store, ui_store.item(item).sha256)
    retire(ui_store, ui_store.item(ahead).sha256)
    svc, bridge = fake_media
    w = make_window(bridge=bridge, lang=lang)
    qtbot.waitUntil(lambda: w.viewer.canvas.message == text)
    assert "file not found" not in w.viewer.canvas.message
    assert w.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == text
    assert not [r for r in svc.requests if r[1] == "preview"]  # nothing asked of the pipeline, nor for the item ahead
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_0)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.session.entries[-1].state == EntryState.RECORDED)
    assert ui_store.item(item).status == "decided"


def test_media_that_failed_verification_is_said_in_chinese(
    make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, language: Any
) -> None:
    language("zh_CN")
    (item,) = add_items(ui_store, 1)
    ui_store.save_media(ui_store.item(item).sha256, state="failed", error="media failed verification", pipeline_version=1)
    w = make_window(bridge=fake_media[1], lang="zh_CN")
    assert "媒体未通过校验" in w.viewer.canvas.message
    assert w.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "媒体未通过校验"
