"""The viewer: pipeline images only, blurred until revealed, zoom, animations, filmstrip, text, failures."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QWidget

from moderator_gui.core.store import Store
from moderator_gui.core.write_queue import EntryState

pytestmark = pytest.mark.gui

PURE = {(255, 0, 0), (0, 160, 0), (0, 0, 255), (255, 255, 255)}


def pure_fraction(pm: QPixmap) -> float:
    """Share of sampled pixels that are exactly one of the test pattern's colours (1.0 = sharp)."""
    img = pm.toImage().convertToFormat(QImage.Format.Format_RGB32)
    samples = [(x, y) for x in range(0, img.width(), max(1, img.width() // 64)) for y in (img.height() // 2,)]
    hits = sum((c.red(), c.green(), c.blue()) in PURE for c in (img.pixelColor(x, y) for x, y in samples))
    return hits / len(samples)


def edge_energy(pm: QPixmap) -> float:
    """Mean colour change between neighbouring pixels along the middle row (blur lowers it)."""
    img = pm.toImage().convertToFormat(QImage.Format.Format_RGB32)
    y = img.height() // 2
    cols = [img.pixelColor(x, y) for x in range(img.width())]
    diffs = [abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) for a, b in itertools.pairwise(cols)]
    return sum(diffs) / len(diffs)


def is_gray(pm: QPixmap) -> bool:
    img = pm.toImage().convertToFormat(QImage.Format.Format_RGB32)
    y = img.height() // 2
    cols = [img.pixelColor(x, y) for x in range(0, img.width(), 7)]
    return all(abs(c.red() - c.green()) <= 2 and abs(c.green() - c.blue()) <= 2 for c in cols)


def test_blur_reveal_grayscale_change_the_displayed_image(
    make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any
) -> None:
    add_items(ui_store, 2)
    svc, bridge = fake_media
    w = make_window(bridge=bridge)
    canvas = w.viewer.canvas
    qtbot.waitUntil(lambda: canvas.pixmap is not None)
    previews = len([r for r in svc.requests if r[1] == "preview"])
    assert w.wellbeing.state.blur  # the default protects the reviewer
    assert pure_fraction(canvas.pixmap) < 0.5
    table = w.queue_view.table
    # R reveals while held.
    qtbot.keyPress(table, Qt.Key.Key_R)
    assert pure_fraction(canvas.pixmap) > 0.9
    assert "Revealed" in w.viewer.state_label.text()
    qtbot.keyRelease(table, Qt.Key.Key_R)
    assert pure_fraction(canvas.pixmap) < 0.5
    # R held while the window loses the keyboard: its release goes elsewhere, the media is
    # blurred again anyway.
    qtbot.keyPress(table, Qt.Key.Key_R)
    assert w.wellbeing.revealed
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not w.isActiveWindow())
    assert not w.wellbeing.revealed
    assert pure_fraction(canvas.pixmap) < 0.5
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    # B toggles blur (and is remembered for this reviewer).
    qtbot.keyClick(table, Qt.Key.Key_B)
    assert not w.wellbeing.state.blur
    assert pure_fraction(canvas.pixmap) > 0.9
    assert w.desk_actions["toggle_blur"].isChecked() is False
    assert len([r for r in svc.requests if r[1] == "preview"]) == previews  # instant: both variants were there
    # G: grayscale, rendered in a worker, then shown.
    qtbot.keyClick(table, Qt.Key.Key_G)
    qtbot.waitUntil(lambda: is_gray(canvas.pixmap))
    qtbot.keyClick(table, Qt.Key.Key_G)
    qtbot.waitUntil(lambda: not is_gray(canvas.pixmap))
    qtbot.keyClick(table, Qt.Key.Key_B)
    assert pure_fraction(canvas.pixmap) < 0.5


def test_hold_to_reveal_button(make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any) -> None:
    add_items(ui_store, 1)
    w = make_window(bridge=fake_media[1])
    qtbot.waitUntil(lambda: w.viewer.canvas.pixmap is not None)
    qtbot.mousePress(w.viewer.reveal_button, Qt.MouseButton.LeftButton)
    assert pure_fraction(w.viewer.canvas.pixmap) > 0.9
    qtbot.mouseRelease(w.viewer.reveal_button, Qt.MouseButton.LeftButton)
    assert pure_fraction(w.viewer.canvas.pixmap) < 0.5


def test_queue_thumbnails_are_blurred_too(make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any) -> None:
    add_items(ui_store, 3)
    svc, bridge = fake_media
    w = make_window(bridge=bridge)
    sha = w.model.row_at(0).sha256
    qtbot.waitUntil(lambda: w.model.thumbs.cached(sha))
    assert {k for s, k, _p in svc.requests if s == sha} >= {"thumb"}
    blurred = w.model.index(0, 0).data(Qt.ItemDataRole.DecorationRole)
    assert blurred.deviceIndependentSize().width() <= 48  # scaled to the cell in the render thread
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_B)
    qtbot.waitUntil(lambda: w.model.thumbs.cached(sha))
    sharp = w.model.index(0, 0).data(Qt.ItemDataRole.DecorationRole)
    assert edge_energy(sharp) > 2 * edge_energy(blurred)


def test_zoom_keys_and_fit(make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any) -> None:
    add_items(ui_store, 1)
    w = make_window(bridge=fake_media[1])
    canvas = w.viewer.canvas
    qtbot.waitUntil(lambda: canvas.pixmap is not None)
    fit = canvas.scale()
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Plus)
    assert canvas.scale() == pytest.approx(fit * 1.25)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Minus)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Minus)
    assert canvas.scale() == pytest.approx(fit / 1.25)
    assert w.viewer.zoom_label.text().endswith("%")
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert canvas.scale() == pytest.approx(fit)
    assert w.panel.category is None  # Ctrl+0 fits; it does not choose "No violation"


def test_text_post_is_plain_text(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(ui_store, 1, content_type="text", media_path=None, sha256=None, text_body="<b>bold?</b> <img src=x> 你好")
    w = make_window()
    assert w.viewer.pages.currentWidget() is w.viewer.text
    assert w.viewer.text.toPlainText() == "<b>bold?</b> <img src=x> 你好"


def test_failed_media_shows_reason_and_can_be_decided(
    make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any
) -> None:
    (item,) = add_items(ui_store, 1)
    sha = ui_store.item(item).sha256
    ui_store.save_media(sha, state="failed", error="truncated JPEG: file ends at byte 4096", pipeline_version=1)
    w = make_window(bridge=fake_media[1])
    assert "truncated JPEG: file ends at byte 4096" in w.viewer.canvas.message
    assert w.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "truncated JPEG: file ends at byte 4096"
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_0)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.session.entries[-1].state == EntryState.RECORDED)
    assert ui_store.item(item).status == "decided"


def test_pipeline_failure_reason_is_shown(make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any) -> None:
    (item,) = add_items(ui_store, 1)
    svc, bridge = fake_media
    svc.failures[ui_store.item(item).sha256] = "not an image: the file is HTML"
    w = make_window(bridge=bridge)
    qtbot.waitUntil(lambda: "not an image: the file is HTML" in w.viewer.canvas.message)


def test_a_pipeline_that_breaks_is_reported_not_fatal(
    make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service itself raising (a closed pipeline, say) shows the reason; the item can still be decided."""
    (item,) = add_items(ui_store, 1)
    svc, bridge = fake_media

    def broken(job: Any, priority: float, callback: Any) -> None:
        raise RuntimeError("the media service is closed")

    monkeypatch.setattr(svc, "request", broken)
    w = make_window(bridge=bridge)
    qtbot.waitUntil(lambda: "the media pipeline failed: the media service is closed" in w.viewer.canvas.message)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_0)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: [h.category for h in ui_store.item_history(item)] == ["no_violation"])


def test_without_pipeline_a_placeholder(make_window: Any, ui_store: Store, add_items: Any) -> None:
    add_items(ui_store, 1)
    w = make_window(bridge=None)
    assert "media pipeline is not running" in w.viewer.canvas.message


def test_animation_plays_from_strip_frames(
    make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any
) -> None:
    (item,) = add_items(ui_store, 1, content_type="animation")
    svc, bridge = fake_media
    svc.frames[ui_store.item(item).sha256] = [0, 40, 80, 120]
    w = make_window(bridge=bridge)
    qtbot.waitUntil(lambda: len(w.viewer._frames) == 4)
    seen: set[int] = set()
    qtbot.waitUntil(lambda: seen.add(w.viewer._frame) or len(seen) == 4, timeout=3000)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Space)  # pause
    frame = w.viewer._frame
    qtbot.wait(150)
    assert w.viewer._frame == frame
    assert w.viewer.play_button.text() == "Play (Space)"


def test_video_filmstrip_click_and_step(make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any) -> None:
    (item,) = add_items(ui_store, 1, content_type="video")
    svc, bridge = fake_media
    svc.frames[ui_store.item(item).sha256] = [0, 1000, 2000, 3000]
    w = make_window(bridge=bridge)
    strip = w.viewer.filmstrip
    assert strip.isVisible()
    qtbot.waitUntil(lambda: strip.count() == 4)
    assert strip.item(1).text() == "1.0 s"
    rect = strip.visualItemRect(strip.item(2))
    qtbot.mouseClick(strip.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.viewer._frame == 2
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Period)
    assert w.viewer._frame == 3
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Comma)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Comma)
    assert w.viewer._frame == 1


def test_video_the_pipeline_could_not_check_is_not_played(
    make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any
) -> None:
    (item,) = add_items(ui_store, 1, content_type="video")
    svc, bridge = fake_media
    svc.failures[ui_store.item(item).sha256] = "no video stream"
    w = make_window(bridge=bridge)
    qtbot.waitUntil(lambda: "no video stream" in w.viewer.canvas.message)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Space)
    assert not w.viewer.playing_video
    assert "cannot be played" in w.viewer.state_label.text()


def _write_mp4(path: Any) -> None:
    import av
    from PIL import Image

    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(10):
            frame = av.VideoFrame.from_image(Image.new("RGB", (64, 48), (i * 20, 0, 0)))
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


# The build machine has no sound server and no VA-API/PipeWire libraries: QtMultimedia's
# FFmpeg backend says so at start. Only those environment notices are ignored.
@pytest.mark.slow
@pytest.mark.qt_log_ignore(r"Couldn't (load|resolve) (pipewire|va)", r"PulseAudioService")
def test_video_plays_only_on_explicit_play_muted(
    make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any, tmp_path: Any
) -> None:
    clip = tmp_path / "clip.mp4"
    _write_mp4(clip)
    (item,) = add_items(ui_store, 1, content_type="video", media_path=bytes(clip))
    ui_store.save_media(ui_store.item(item).sha256, state="ok", pipeline_version=1)
    w = make_window(bridge=fake_media[1])
    assert not w.viewer.playing_video  # never auto-played
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Space)
    assert w.viewer.playing_video
    assert w.viewer._audio.isMuted()
    assert w.viewer._video_item.graphicsEffect().isEnabled()  # blurred like the images
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_J)  # moving on stops playback


def test_the_items_ahead_are_rendered_before_the_reviewer_gets_there(
    make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any
) -> None:
    """While item 1 is shown, the previews of items 2 and 3 are rendered; J then shows item 2
    at once, with no "Loading preview…" in between and no second request to the pipeline."""
    add_items(ui_store, 4)
    svc, bridge = fake_media
    w = make_window(bridge=bridge)
    canvas = w.viewer.canvas
    qtbot.waitUntil(lambda: canvas.pixmap is not None)
    second, third, fourth = w.model.row_at(1), w.model.row_at(2), w.model.row_at(3)
    for ahead in (second, third):
        qtbot.waitUntil(lambda a=ahead: (a.sha256, "preview") in {(sha, kind) for sha, kind, _p in svc.requests})
        qtbot.waitUntil(lambda a=ahead: any(key[0] == a.sha256 for key in bridge._kept))
    assert (fourth.sha256, "preview") not in {(sha, kind) for sha, kind, _p in svc.requests}  # two, not the queue
    asked = len(svc.requests)
    first = canvas.pixmap.cacheKey()
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_J)
    assert w.session.current.id == second.id
    # Shown within the key press itself, with nothing rendered or asked for in between.
    assert canvas.pixmap is not None and canvas.pixmap.cacheKey() != first
    assert [r for r in svc.requests[asked:] if r[0] == second.sha256 and r[1] == "preview"] == []


STRIPES = [(255, 0, 0), (0, 160, 0), (0, 0, 255), (255, 255, 0)]


def _write_striped_mp4(path: Any, seconds: int = 20) -> None:
    """A clip of coloured stripes (the same every frame), long enough to be still playing
    while a test looks at it."""
    import av
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (64, 48))
    d = ImageDraw.Draw(img)
    for i, colour in enumerate(STRIPES):
        d.rectangle([i * 16, 0, i * 16 + 15, 47], fill=colour)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for _ in range(seconds * 10):
            for packet in stream.encode(av.VideoFrame.from_image(img)):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def colour_spread(pm: QPixmap) -> int:
    """The largest difference between two colour channels of any pixel (0 = all gray)."""
    img = pm.toImage().convertToFormat(QImage.Format.Format_RGB32)
    data = bytes(img.constBits())  # B, G, R, x per pixel; RGB32 rows are never padded
    b, g, r = data[0::4], data[1::4], data[2::4]
    return max(max(abs(x - y), abs(y - z), abs(x - z)) for x, y, z in zip(r, g, b, strict=True))


# Showing a frame: with no GPU, QtMultimedia converts frames on the CPU and says so once.
@pytest.mark.slow
@pytest.mark.qt_log_ignore(
    r"Couldn't (load|resolve) (pipewire|va)", r"PulseAudioService", r"No RHI backend\. Using CPU conversion"
)
def test_playing_video_blur_reveal_and_grayscale_are_independent(
    make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any, tmp_path: Any
) -> None:
    """Every combination of blur (B), reveal (R held) and grayscale (G) shows on the playing
    video at once: the video item carries the blur, its parent the grayscale, and what the
    reviewer sees is gray whenever grayscale is on, blurred or not."""
    from PySide6.QtWidgets import QGraphicsBlurEffect, QGraphicsColorizeEffect

    clip = tmp_path / "stripes.mp4"
    _write_striped_mp4(clip)
    (item, _other) = add_items(ui_store, 2, content_type="video", media_path=bytes(clip))
    ui_store.save_media(ui_store.item(item).sha256, state="ok", pipeline_version=1)
    w = make_window(bridge=fake_media[1])
    assert w.session.current.id == item
    table, viewer = w.queue_view.table, w.viewer
    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert viewer.playing_video
    video = viewer._video_item
    parent = video.parentItem()
    assert parent is not None and parent.scene() is viewer.video_view.scene()
    frames: list[bool] = []
    video.videoSink().videoFrameChanged.connect(lambda f: frames.append(f.isValid()))
    qtbot.waitUntil(lambda: any(frames), timeout=10_000)
    strength = w.wellbeing.state.blur_strength

    def effects() -> tuple[bool, bool]:
        """(blurred, grayscale) as the items carry them right now."""
        blur, gray = video.graphicsEffect(), parent.graphicsEffect()
        assert isinstance(blur, QGraphicsBlurEffect) and blur.blurRadius() == strength * 2
        assert isinstance(gray, QGraphicsColorizeEffect) and gray.strength() == 1.0
        assert gray.color().red() == gray.color().green() == gray.color().blue()  # neutral: no tint
        return blur.isEnabled(), gray.isEnabled()

    def shown_gray() -> bool:
        spread = colour_spread(viewer.video_view.grab())
        assert spread <= 3 or spread >= 60, spread  # clearly one or the other
        return spread <= 3

    # Blur on (the default), grayscale off.
    assert effects() == (True, False)
    assert not shown_gray()
    # R held: sharp, in colour.
    qtbot.keyPress(table, Qt.Key.Key_R)
    assert effects() == (False, False)
    assert not shown_gray()
    qtbot.keyRelease(table, Qt.Key.Key_R)
    assert effects() == (True, False)
    # G: blurred AND gray.
    qtbot.keyClick(table, Qt.Key.Key_G)
    assert w.wellbeing.state.grayscale
    assert effects() == (True, True)
    assert shown_gray()
    # R held with grayscale on: sharp, still gray.
    qtbot.keyPress(table, Qt.Key.Key_R)
    assert effects() == (False, True)
    assert shown_gray()
    qtbot.keyRelease(table, Qt.Key.Key_R)
    assert effects() == (True, True)
    # B: blur off, grayscale on.
    qtbot.keyClick(table, Qt.Key.Key_B)
    assert not w.wellbeing.state.blur
    assert effects() == (False, True)
    assert shown_gray()
    # G again: neither.
    qtbot.keyClick(table, Qt.Key.Key_G)
    assert effects() == (False, False)
    assert not shown_gray()
    # B and G back on while playing: both again.
    qtbot.keyClick(table, Qt.Key.Key_B)
    qtbot.keyClick(table, Qt.Key.Key_G)
    assert effects() == (True, True)
    assert shown_gray()
    # Moving on stops the video and takes both items out of the scene.
    qtbot.keyClick(table, Qt.Key.Key_J)
    assert w.session.current.id != item
    assert not viewer.playing_video
    assert viewer.video_view.scene().items() == []
    assert viewer._video_item is None


def test_a_playback_error_stays_said_until_the_video_stops(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    """A change of settings or language relabels the viewer: the reason playback failed stays."""
    add_items(ui_store, 2)
    w = make_window()
    w.viewer._playback_failed(None, "decoder error: moov atom not found")
    w.viewer.retranslate()
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_G)  # a wellbeing change redraws the state line too
    assert w.viewer.state_label.text() == "Playback failed: decoder error: moov atom not found"
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_J)  # another item: the video stopped
    assert "Playback failed" not in w.viewer.state_label.text()
