"""The store's side of the media pipeline: batched rows, and a failed preview never hides a working thumbnail."""

from __future__ import annotations

from sqlalchemy import func, select

from factories import make_item
from moderator_gui.core.store import QueueFilter, Store
from moderator_gui.core.store.tables import media_t

SHA_A = "a" * 64
SHA_B = "b" * 64


def test_a_batch_of_results_lands_in_one_call(store: Store) -> None:
    store.save_media_many(
        [
            (SHA_A, {"state": "ok", "thumb_ready": True, "width": 640, "height": 480, "pipeline_version": 1}),
            (SHA_B, {"state": "failed", "error": "truncated JPEG", "pipeline_version": 1}),
        ]
    )
    with store.read() as conn:
        rows = {r.sha256: r for r in conn.execute(select(media_t))}
    assert rows[SHA_A].state == "ok" and rows[SHA_A].thumb_ready and rows[SHA_A].width == 640
    assert rows[SHA_B].state == "failed" and rows[SHA_B].error == "truncated JPEG"
    assert not rows[SHA_B].thumb_ready and not rows[SHA_B].preview_ready


def test_failed_preview_keeps_the_thumbnail_in_the_queue(store: Store) -> None:
    make_item(store, sha256=SHA_A)
    store.save_media(SHA_A, state="ok", thumb_ready=True, pipeline_version=1)
    store.save_media(SHA_A, state="failed", error="needs more memory than the 200 MB limit",
                     preview_ready=False, pipeline_version=1)
    row = store.queue_page(QueueFilter(status="all"))[0]
    assert (row.media_state, row.media_error, row.thumb_ready) == ("ok", None, True)


def test_failed_thumbnail_still_marks_the_item_failed(store: Store) -> None:
    make_item(store, sha256=SHA_A)
    store.save_media(SHA_A, state="ok", thumb_ready=True, pipeline_version=1)
    store.save_media(SHA_A, state="failed", error="decoder crashed (signal 11)", thumb_ready=False, pipeline_version=2)
    row = store.queue_page(QueueFilter(status="all"))[0]
    assert (row.media_state, row.media_error, row.thumb_ready) == ("failed", "decoder crashed (signal 11)", False)
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(media_t)).scalar_one() == 1
