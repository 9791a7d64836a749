"""Languages: the Chinese catalogue is complete, current and compiled, and the app really shows it."""

from __future__ import annotations

import ast
import contextlib
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QModelIndex, Qt, QTranslator
from PySide6.QtGui import QFontMetrics, QImage
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel
from pytestqt.qtbot import QtBot

from moderator_gui.core.paths import resources_dir
from moderator_gui.ui import i18n_build
from moderator_gui.ui.export_dialog import ExportDialog
from moderator_gui.ui.i18n import available_languages, current_language, install_translators
from moderator_gui.ui.queue_model import Column
from qt_wait import drain_events

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]

TS = resources_dir() / "i18n" / "moderator_gui_zh_CN.ts"
QM = resources_dir() / "i18n" / "moderator_gui_zh_CN.qm"
UI_DIR = Path(i18n_build.__file__).resolve().parent
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%n|%\d")


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    """(context, source) -> the <message> element."""
    root = ET.parse(ts).getroot()
    return {
        (ctx.findtext("name", ""), m.findtext("source", "")): m
        for ctx in root.iter("context")
        for m in ctx.iter("message")
    }


def translations(m: ET.Element) -> list[str]:
    tr = m.find("translation")
    assert tr is not None
    forms = tr.findall("numerusform")
    return [f.text or "" for f in forms] if forms else [tr.text or ""]


def test_every_message_is_translated() -> None:
    found = messages(TS)
    assert len(found) > 100, "the catalogue looks truncated"
    problems = []
    for (ctx, src), m in found.items():
        kind = m.find("translation").get("type")  # type: ignore[union-attr]
        texts = translations(m)
        if kind in ("unfinished", "obsolete", "vanished") or not all(t.strip() for t in texts):
            problems.append(f"{ctx}: {src!r} is {kind or 'empty'}")
            continue
        for text in texts:
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(src)):
                problems.append(f"{ctx}: {src!r} -> {text!r} changes the placeholders")
            if re.search(r"&\w", src) and not re.search(r"&\w", text):
                problems.append(f"{ctx}: {src!r} -> {text!r} loses the keyboard mnemonic")
            if src.strip() and src != text and not re.search(r"[\u4e00-\u9fff]", text) and re.search(r"[a-z]{3}", src):
                problems.append(f"{ctx}: {src!r} -> {text!r} is not Chinese")
    assert not problems, "\n".join(problems)


def test_every_ui_module_is_scanned_and_no_string_is_missing(tmp_path: Path) -> None:
    """A dry run of ``i18n_build --update`` on a copy of the catalogue must add nothing.
    It scans every UI module and every core module that declares a message catalogue."""
    from moderator_gui.core.messages import CATALOGUE_MODULES

    package_root = UI_DIR.parents[1]
    catalogues = sorted(package_root.joinpath(*name.split(".")).with_suffix(".py") for name in CATALOGUE_MODULES)
    assert "moderator_gui.core.decision_builder" in CATALOGUE_MODULES
    assert i18n_build.ui_sources() == sorted(UI_DIR.glob("*.py")) + catalogues
    # Every core module that declares a catalogue is listed (else its texts would never be translated).
    declares = re.compile(r"^(\w+\s*=\s*)?catalogue\(", re.MULTILINE)
    core = UI_DIR.parent / "core"
    declaring = {p.resolve() for p in core.rglob("*.py") if declares.search(p.read_text(encoding="utf-8"))}
    assert declaring <= {c.resolve() for c in catalogues}, "a module declares a catalogue but is not in CATALOGUE_MODULES"
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    i18n_build.lupdate(copy)
    missing = sorted(set(messages(copy)) - set(messages(TS)))
    assert not missing, (
        "strings not in the catalogue; run `python -m moderator_gui.ui.i18n_build --update` and translate:\n"
        + "\n".join(f"{ctx}: {src!r}" for ctx, src in missing)
    )


def format_fields(text: str) -> list[str]:
    """The ``{placeholders}`` of a ``str.format`` template, in order (format specs included)."""
    import string

    return [
        f"{{{name}{'!' + conv if conv else ''}{':' + spec if spec else ''}}}"
        for _lit, name, spec, conv in string.Formatter().parse(text)
        if name is not None
    ]


def test_every_coded_message_is_translated_with_the_same_placeholders(chinese: QApplication) -> None:
    """Core's coded messages (core/messages.py): each English template is in the Chinese
    catalogue under the ``Messages`` context, translated, with exactly its ``{placeholders}``
    (the .ts, and what the compiled catalogue really returns)."""
    from moderator_gui.core.messages import CONTEXT, all_templates

    found = messages(TS)
    templates = all_templates()
    assert "decision.note_required" in templates
    problems = []
    for code, english in sorted(templates.items()):
        m = found.get((CONTEXT, english))
        if m is None:
            problems.append(f"{code}: {english!r} is not in {TS.name}")
            continue
        [chinese_text] = translations(m)
        if m.find("translation").get("type") is not None:  # type: ignore[union-attr]
            problems.append(f"{code}: {english!r} is not translated")
        for text in (chinese_text, QCoreApplication.translate(CONTEXT, english)):
            if sorted(format_fields(text)) != sorted(format_fields(english)):
                problems.append(f"{code}: {english!r} -> {text!r} changes the placeholders")
    assert not problems, "\n".join(problems)


def test_import_reasons_in_chinese(chinese: QApplication) -> None:
    """A rejection's reason and its place are translated, nested messages (a file kind) too."""
    from moderator_gui.core.ingest import Rejection
    from moderator_gui.core.messages import CONTEXT, Message

    def zh(text: str) -> str:
        return QCoreApplication.translate(CONTEXT, text)

    fifo = Message.of("import.special_file", path="media/pipe.jpg", kind=Message.of("import.kind_fifo"))
    r = Rejection.at(12, fifo)
    assert (r.where, r.reason) == ("line 12", "media/pipe.jpg is a FIFO, not a media file")
    assert (r.place.render(zh), r.msg.render(zh)) == ("第 12 行", "media/pipe.jpg 是命名管道（FIFO），不是媒体文件")
    assert Rejection.at("sub/a.jpg", fifo).place.render(zh) == "sub/a.jpg"
    unknown = Message.of("import.unknown_field", name="'mood'", where=Message.of("import.line", line=3))
    assert unknown.render(zh) == "已忽略未知字段 'mood'（首次出现在第 3 行）"


# Qt calls that put text on screen: a plain string literal there bypasses translation.
TEXT_SETTERS = frozenset(
    [
        "setText",
        "setWindowTitle",
        "setToolTip",
        "setPlaceholderText",
        "setStatusTip",
        "setWhatsThis",
        "addTab",
        "setTabText",
        "setTitle",
        "showMessage",
        "setLabelText",
        "setTitleText",
        "addMenu",
        "setItemText",
        "setAccessibleName",
    ]
)
TEXT_WIDGETS = frozenset(["QLabel", "QPushButton", "QAction", "QCheckBox", "QRadioButton", "QGroupBox", "QToolButton", "QMenu"])


def test_no_untranslated_literal_reaches_a_widget() -> None:
    hits = []
    for path in sorted(UI_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name in TEXT_SETTERS or name in TEXT_WIDGETS:
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and re.search(r"[A-Za-z]{2}", arg.value):
                        hits.append(f"{path.name}:{node.lineno}: {name}({arg.value!r})")
    assert not hits, "wrap these in self.tr() / QCoreApplication.translate():\n" + "\n".join(hits)


@pytest.mark.parametrize("ts", i18n_build.ts_files(), ids=lambda p: p.stem)
def test_compiled_catalogue_is_current(ts: Path, tmp_path: Path) -> None:
    qm = i18n_build.qm_for(ts)
    fresh = tmp_path / qm.name
    i18n_build.lrelease(ts, fresh)
    assert qm.read_bytes() == fresh.read_bytes(), "run `python -m moderator_gui.ui.i18n_build` and commit the .qm"


def test_build_is_a_noop_when_current(monkeypatch: pytest.MonkeyPatch) -> None:
    """scripts/dev.sh builds before every test run: when nothing changed it must not start a Qt tool."""
    cmd = [sys.executable, "-m", "moderator_gui.ui.i18n_build", "--quiet"]
    subprocess.run(cmd, check=True)  # (a fresh checkout may have the .qm older than the .ts)
    before = {qm: qm.stat().st_mtime_ns for qm in map(i18n_build.qm_for, i18n_build.ts_files())}

    def no_tools(cmd: Any) -> None:
        raise AssertionError(f"an up-to-date build ran {cmd[0]}")

    monkeypatch.setattr(i18n_build, "_run", no_tools)
    assert i18n_build.build(quiet=True) == []
    assert {qm: qm.stat().st_mtime_ns for qm in before} == before, "an up-to-date catalogue must not be rewritten"


EN_TS = TS.with_name("moderator_gui_en.ts")


def test_english_plurals(qapp: QApplication) -> None:
    """English reads "1 decision", "2 decisions": never "1 decision(s)"."""
    install_translators(qapp, "en")
    say = QCoreApplication.translate
    assert say("MainWindow", "%n decision(s) saving…", "", 1) == "1 decision saving…"
    assert say("MainWindow", "%n decision(s) saving…", "", 3) == "3 decisions saving…"
    kept = "Not saved yet: %1 — %n decision(s) kept and retried automatically."
    assert say("ReviewSession", kept, "", 1) == "Not saved yet: %1 — 1 decision kept and retried automatically."
    assert say("ReviewSession", kept, "", 2) == "Not saved yet: %1 — 2 decisions kept and retried automatically."


def test_every_plural_has_its_english_forms(tmp_path: Path) -> None:
    """The English catalogue holds every %n message of the code, with both forms filled in."""
    copy = tmp_path / EN_TS.name
    shutil.copy(EN_TS, copy)
    i18n_build.lupdate(copy)
    assert set(messages(copy)) == set(messages(EN_TS)), "run `python -m moderator_gui.ui.i18n_build --update`"
    for (ctx, src), m in messages(EN_TS).items():
        forms = translations(m)
        assert len(forms) == 2 and all("%n" in f for f in forms), f"{ctx}: {src!r} needs a singular and a plural form"
        assert m.find("translation").get("type") is None, f"{ctx}: {src!r} is unfinished"  # type: ignore[union-attr]


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[QApplication]:
    install_translators(qapp, "zh_CN")
    yield qapp
    install_translators(qapp, "en")


def test_languages_and_switching_at_run_time(qtbot: QtBot, qapp: QApplication, sqlite_store, runner) -> None:  # type: ignore[no-untyped-def]
    assert available_languages() == ["en", "zh_CN"]
    with pytest.raises(ValueError, match=r"unknown language 'fr'.*en, zh_CN"):
        install_translators(qapp, "fr")
    dialog = ExportDialog(sqlite_store, runner, sqlite_store.policy)  # open before the switch
    qtbot.addWidget(dialog)
    dialog.show()
    porn = sqlite_store.policy.categories[1]
    try:
        install_translators(qapp, "zh_CN")
        assert current_language() == "zh_CN"
        assert QLocale().name() == "zh_CN"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消", "Qt's own catalogue is installed too"
        # Open windows get LanguageChange and retranslate, policy labels included.
        qtbot.waitUntil(lambda: dialog.windowTitle() == "导出审核记录")
        assert dialog.filters.category.itemText(2) == f"{porn.key}  {porn.label.zh_CN}"
        assert dialog.export_button.text() == "导出(&E)"
        install_translators(qapp, "zh_CN")  # again: replaces, does not stack
        ours = [t for t in qapp.findChildren(QTranslator) if t.objectName() == "moderator_gui.i18n"]
        assert sorted(Path(t.filePath()).name for t in ours) == ["moderator_gui_zh_CN.qm", "qtbase_zh_CN.qm"]
    finally:
        install_translators(qapp, "en")
    assert current_language() == "en"
    qtbot.waitUntil(lambda: dialog.windowTitle() == "Export decision log")
    assert dialog.filters.category.itemText(2) == f"{porn.key}  {porn.label.en}"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


CJK = re.compile(r"[\u4e00-\u9fff]")
# Text that stays as it is in a Chinese UI: key names, units, format names, numbers.
LATIN_OK = re.compile(
    r"^[\s\d\W]*((Ctrl|Shift|Alt|Enter|Return|Esc|Space|Tab|SHA-256|UTC|ID|CSV|JSON|Lines|[A-Z]|F\d+)[\s\d\W]*)*$"
)


def ink(image: QImage) -> tuple[int, int]:
    """(pixels that differ from the top-left background pixel, distinct colours) of an image."""
    background = image.pixel(0, 0)
    pixels = [image.pixel(x, y) for y in range(image.height()) for x in range(image.width())]
    return sum(p != background for p in pixels), len(set(pixels))


def test_main_window_in_chinese(  # type: ignore[no-untyped-def]
    qtbot: QtBot, chinese: QApplication, make_window, add_items, ui_store, artifacts_dir: Path
) -> None:
    add_items(ui_store, 3)
    w = make_window(lang="zh_CN")
    menus = [a.text() for a in w.menuBar().actions()]
    assert menus and all(CJK.search(t) for t in menus), menus
    buttons = [b.text() for b in w.findChildren(QAbstractButton) if b.isVisible() and b.text().strip()]
    assert buttons
    english = [t for t in buttons if not CJK.search(t) and not LATIN_OK.match(t.replace("&", ""))]
    assert not english, f"buttons still in English: {english}"
    qtbot.waitUntil(lambda: w.model.rowCount() == 3)
    drain_events()  # the first page and the item are painted
    shot = artifacts_dir / "main-window-zh_CN.png"
    assert w.grab().save(str(shot))

    # CJK glyphs, not tofu: the menu bar's text has real strokes, and two different
    # words render differently (missing glyphs would all be the same empty box).
    bar = w.menuBar().grab().toImage()
    inked, colours = ink(bar)
    assert inked > 200 and colours > 8, f"menu bar text barely rendered ({inked} pixels, {colours} colours)"
    words = []
    for text in ("审核队列", "导出统计"):
        label = QLabel(text)
        label.setFont(w.menuBar().font())
        qtbot.addWidget(label)
        words.append(label.grab().toImage())
    assert ink(words[0])[0] > 50 and words[0] != words[1], "Chinese text renders as boxes: is a CJK font installed?"


def test_decision_buttons_fit_their_chinese_text(qtbot: QtBot, chinese: QApplication, make_window, add_items, ui_store) -> None:  # type: ignore[no-untyped-def]
    add_items(ui_store, 3)
    w = make_window(lang="zh_CN")
    w.resize(w.minimumSize())  # the narrowest the reviewer can make it
    drain_events()  # laid out again
    panel = w.panel
    assert "撤销" in panel.undo_button.text()
    for b in (panel.skip_button, panel.escalate_button, panel.undo_button):
        text = QFontMetrics(b.font()).horizontalAdvance(b.text())
        assert b.width() >= b.sizeHint().width() > text, (b.text(), b.width(), b.sizeHint())


def test_start_up_window_says_it_in_chinese(qtbot: QtBot, chinese: QApplication) -> None:
    from moderator_gui.ui.main import StartupWindow

    startup = StartupWindow()
    qtbot.addWidget(startup)
    startup.show_preparing_demo()  # what `moderator-gui --demo` shows first
    assert startup.label.text() == "正在准备示例队列…"


def test_platforms_and_flag_sources_in_chinese(qtbot: QtBot, chinese: QApplication, make_window, add_items, ui_store) -> None:  # type: ignore[no-untyped-def]
    add_items(ui_store, 1, platform="xiaohongshu", flag_source="user_report", report_count=9)
    add_items(ui_store, 1, platform="somewhere", flag_source="classifier", report_count=1)
    w = make_window(lang="zh_CN")
    qtbot.waitUntil(lambda: w.model.rowCount() == 2)
    assert [w.model.index(r, Column.PLATFORM).data() for r in range(2)] == ["小红书", "somewhere"]
    assert (w.context.fields["platform"].text(), w.context.fields["flag"].text()) == ("小红书", "用户举报")
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: w.context.fields["platform"].text() == "somewhere")
    assert w.context.fields["flag"].text() == "分类模型"


def test_a_refused_decision_says_why_in_chinese(qtbot: QtBot, chinese: QApplication, make_window, add_items, ui_store) -> None:  # type: ignore[no-untyped-def]
    """The session's own refusal (not core's English PolicyError text), with the policy's Chinese labels."""
    add_items(ui_store, 1)
    w = make_window(lang="zh_CN")
    qtbot.waitUntil(lambda: w.session.current is not None)
    item = w.session.current
    cat = ui_store.policy.category("self_harm_csam")
    why = w.session.record("self_harm_csam", (), "   ")
    assert why == f"以下选项必须填写备注：{cat.label.zh_CN}"
    assert not w.session.entries
    assert ui_store.item_history(item.id) == []


def window_texts(w: Any) -> dict[str, Any]:
    """Every text a reviewer can read in the main window (labels, buttons, tooltips, menus,
    filters, placeholders, tab titles, table headers and the queue's cells), by where it is."""
    from PySide6.QtWidgets import QComboBox, QGroupBox, QLineEdit, QTabBar, QTableView, QWidget

    out: dict[str, Any] = {"title": w.windowTitle(), "status": w.statusBar().currentMessage()}
    widgets = [w, *w.findChildren(QWidget)]
    for i, x in enumerate(widgets):
        key = f"{i}:{type(x).__name__}:{x.objectName()}"
        if isinstance(x, (QLabel, QAbstractButton)):
            out[key] = (x.text(), x.toolTip())
        elif isinstance(x, QGroupBox):
            out[key] = x.title()
        elif isinstance(x, QLineEdit):
            out[key] = x.placeholderText()
        elif isinstance(x, QComboBox):
            out[key] = [x.itemText(j) for j in range(x.count())]
        elif isinstance(x, QTabBar):
            out[key] = [(x.tabText(j), x.tabToolTip(j)) for j in range(x.count())]
        elif isinstance(x, QTableView) and x.model() is not None:  # (the filmstrip's texts are times)
            m, root = x.model(), QModelIndex()
            columns = m.columnCount(root)
            heads = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(columns)]
            cells = [[m.index(r, c).data() for c in range(columns)] for r in range(min(5, m.rowCount(root)))]
            out[key] = (heads, cells)
    out["menus"] = [(a.text(), [b.text() for b in a.menu().actions()]) for a in w.menuBar().actions()]
    out["canvas"] = w.viewer.canvas.message
    return out


def test_switching_language_in_settings_relabels_the_open_window_at_once(  # type: ignore[no-untyped-def]
    qtbot: QtBot, qapp: QApplication, make_window, add_items, ui_store
) -> None:
    """Settings → Chinese: the open window shows exactly what a window built in Chinese shows,
    policy labels included, and keeps its item, decisions and undo; the choice is remembered."""
    from moderator_gui.ui.settings_dialog import SettingsDialog
    from moderator_gui.ui.wellbeing import app_settings

    add_items(ui_store, 4, flag_source="user_report", platform="douyin", suspected_category="cyberbullying")
    w = make_window()
    table = w.queue_view.table
    qtbot.keyClick(table, Qt.Key.Key_S)  # skipped: it stays in both windows' queues
    qtbot.waitUntil(lambda: w.session.unsaved == 0 and w.context.row is not None)
    current = w.session.current.id
    english = window_texts(w)
    try:
        qtbot.keyClick(table, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
        dlg = w.findChild(SettingsDialog)
        assert dlg is not None
        dlg.language.setCurrentIndex(dlg.language.findData("zh_CN"))
        dlg.accept()
        assert current_language() == "zh_CN"
        assert app_settings().value("language") == "zh_CN", "remembered for the next start"
        qtbot.waitUntil(lambda: w.windowTitle() != english["title"])  # LanguageChange is posted
        fresh = make_window(lang="zh_CN")  # built in Chinese, on the same queue
        # (It opens on the item after the one this reviewer skipped: a skipped item is not
        # handed back to who skipped it.)
        qtbot.waitUntil(lambda: fresh.context.row is not None and fresh.context.row.id == current)
        fresh.session.entries = list(w.session.entries)  # the same session list to show
        fresh.history_model._reload()
        qtbot.waitUntil(lambda: fresh.context.account_model.rowCount() == w.context.account_model.rowCount())
        qtbot.waitUntil(lambda: fresh.model.total >= 0)  # its count is back (else "counting…" is compared)
        expected = window_texts(fresh)
        # (Panes that read in the background, like the session list, relabel when their read is back.)
        with contextlib.suppress(qtbot.TimeoutError):
            qtbot.waitUntil(lambda: window_texts(w) == expected)
        switched = window_texts(w)
        assert switched == expected
        assert switched != english
        assert w.panel.category_buttons["cyberbullying"].text().endswith(ui_store.policy.category("cyberbullying").label.zh_CN)
        assert "网络欺凌" in str(switched)  # the policy's Chinese labels, not only Qt's catalogue
        # Still the same desk: same item, and Ctrl+Z still undoes what was done in English.
        assert w.session.current.id == current
        qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: w.session.entries[-1].state.value == "undone")
        assert w.history_model.index(0, 2).data() == "已撤销"
    finally:
        install_translators(qapp, "en")
    qtbot.waitUntil(lambda: w.windowTitle().startswith("Moderator"))


def test_open_banners_follow_a_language_switch(  # type: ignore[no-untyped-def]
    qtbot: QtBot, qapp: QApplication, make_window, quick_store, add_items
) -> None:
    from store_helpers import WriteLock

    add_items(quick_store, 2)
    w = make_window(store=quick_store)
    lock = WriteLock(quick_store.engine.url.database)
    try:
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_6)
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: w.banners.text("save") is not None, timeout=5000)
        assert w.banners.text("save").startswith("Not saved yet")
        install_translators(qapp, "zh_CN")
        qtbot.waitUntil(lambda: (w.banners.text("save") or "").startswith("尚未保存"))
        banner = w.banners.banner("save")
        assert banner is not None
        assert banner.button_texts() == ["立即重试"]
        assert "关闭" in [b.text() for b in banner.findChildren(QAbstractButton)]  # Dismiss
    finally:
        install_translators(qapp, "en")
        lock.release()
    qtbot.waitUntil(lambda: (w.banners.text("save") or "Not saved").startswith("Not saved"))
    w.session.retry_now()
    qtbot.waitUntil(lambda: w.session.unsaved == 0, timeout=8000)
