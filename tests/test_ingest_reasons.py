"""Import reasons are coded messages (Qt-free): every code the ingest package uses is catalogued,
every rejection's English text is its message rendered, and the place and nested parameters
("line 12", a file kind) are messages too, so that the UI can translate all of it."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest

from corpus import PILLOW_CORPUS
from moderator_gui.core import ingest, messages
from moderator_gui.core.ingest import ImportReport, ImportSourceError, Rejection, import_path
from moderator_gui.core.messages import CodedError, Message
from moderator_gui.core.store import Store

PACKAGE = Path(ingest.__file__).resolve().parent


def check_coded(report: ImportReport) -> None:
    """Each rejection and warning of ``report`` is a catalogued message whose English is what the report says."""
    templates = messages.all_templates()
    for r in report.rejected:
        assert r.code in templates, r
        assert r.reason == r.msg.render() == str(r.msg)
        assert r.where == (f"line {r.line}" if r.line is not None else r.place.render())
        assert r.place.render() == r.where
    assert report.warnings == [m.render() for m in report.warning_msgs]
    assert all(m.code in templates for m in report.warning_msgs)


def used_codes() -> dict[str, set[str]]:
    """Every "import.*" code the package's modules use (not counting the catalogue's own keys), by module."""
    used: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        declared = {
            id(key)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "catalogue"
            for arg in node.args
            if isinstance(arg, ast.Dict)
            for key in arg.keys
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value.startswith("import.")
                and id(node) not in declared
            ):
                used.setdefault(node.value, set()).add(path.name)
    return used


def test_every_code_used_by_the_package_is_catalogued_and_every_import_template_is_used() -> None:
    templates = messages.all_templates()
    used = used_codes()
    assert len(used) > 60
    assert not {code: where for code, where in used.items() if code not in templates}, "codes without a template"
    catalogued = {code for code in templates if code.startswith("import.")}
    assert catalogued == set(used), f"templates nothing uses: {sorted(catalogued - set(used))}"
    assert "moderator_gui.core.ingest.reasons" in messages.CATALOGUE_MODULES


def test_rejections_warnings_and_json_carry_codes(sqlite_store: Store, tmp_path: Path) -> None:
    (tmp_path / "ok.jpg").write_bytes((PILLOW_CORPUS / "hopper.jpg").read_bytes())
    os.mkfifo(tmp_path / "pipe.jpg")
    manifest = tmp_path / "m.jsonl"
    rows = [
        {"external_id": "a", "platform": "p", "content_type": "image", "media_path": "ok.jpg", "mood": 1},
        {"external_id": "b", "platform": "p", "content_type": "image", "media_path": "pipe.jpg"},
        {"external_id": "c", "platform": "p", "content_type": "text", "text": "t", "report_count": -1},
        {"external_id": "a", "platform": "p", "content_type": "image", "media_path": "ok.jpg"},
    ]
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = import_path(sqlite_store, manifest)
    check_coded(report)
    assert [(r.line, r.code) for r in report.rejected] == [(2, "import.special_file"), (3, "import.integer_out_of_range")]
    fifo = report.rejected[0]
    assert fifo.msg == Message.of("import.special_file", path="pipe.jpg", kind=Message.of("import.kind_fifo"))
    assert fifo == Rejection("line 2", fifo.msg, 2)
    assert [m.code for m in report.warning_msgs] == ["import.unknown_field", "import.repeated_id"]
    assert report.to_json()["rejected"] == [
        {"where": "line 2", "reason": "pipe.jpg is a FIFO, not a media file", "code": "import.special_file"},
        {"where": "line 3", "reason": "field 'report_count' is -1; expected 0..2147483647",
         "code": "import.integer_out_of_range"},
    ]  # fmt: skip

    # A translator sees the templates, nested ones included, and fills in the same parameters.
    zh = {
        "line {line}": "第 {line} 行",
        "{path} is {kind}, not a media file": "{path} 是{kind}，不是媒体文件",
        "a FIFO": "命名管道（FIFO）",
        "{where}: external_id {external_id!r} (platform {platform!r}) repeats {first}; kept the first":
            "{where}：external_id {external_id!r}（平台 {platform!r}）与{first}重复；已保留先出现的一条",
    }  # fmt: skip

    def tr(text: str) -> str:
        return zh.get(text, text)

    assert (fifo.place.render(tr), fifo.msg.render(tr)) == ("第 2 行", "pipe.jpg 是命名管道（FIFO），不是媒体文件")
    assert report.warning_msgs[1].render(tr) == "第 4 行：external_id 'a'（平台 'p'）与第 1 行重复；已保留先出现的一条"


def test_folder_rejections_are_placed_by_path(sqlite_store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "page.jpg").write_bytes(b"<html>")
    report = import_path(sqlite_store, folder)
    check_coded(report)
    (r,) = report.rejected
    assert (r.where, r.line, r.code) == ("page.jpg", None, "import.unrecognised_format")
    assert r.place == Message.of("generic.text", text="page.jpg")


def test_source_errors_are_coded_errors(sqlite_store: Store, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.csv")
    (tmp_path / "m.csv").write_text("external_id,content_type\n", encoding="utf-8")
    cases = [
        (tmp_path / "nope.jsonl", "import.source_not_found"),
        (tmp_path / "pipe.csv", "import.source_special_file"),
        (tmp_path / "m.csv", "import.csv_missing_columns"),
    ]
    for source, code in cases:
        with pytest.raises(ImportSourceError) as caught:
            import_path(sqlite_store, source)
        exc = caught.value
        assert isinstance(exc, CodedError)
        assert (exc.code, exc.message, str(exc)) == (code, exc.msg.render(), exc.msg.render())
    assert exc.msg.args == {
        "path": str(tmp_path / "m.csv"), "line": 1, "columns": "platform", "present": "'external_id', 'content_type'"
    }  # fmt: skip
