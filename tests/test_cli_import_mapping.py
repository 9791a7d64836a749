"""Foreign manifests: `moderator-cli import --map / --mapping` on real partner files (CSV and
JSONL with post_id/file/report_reason), content types inferred from real media, bad mappings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from corpus import PILLOW_CORPUS
from media_corpus import write_gif, write_video
from moderator_gui.cli import main
from moderator_gui.core.ingest.mapping import ColumnMapping, load_mapping, mapping_toml, save_mapping
from moderator_gui.core.sniff import is_animated, sniff
from moderator_gui.core.store import Store
from moderator_gui.core.store.tables import items_t

PARTNER_MAP = ["--map", "post_id=external_id", "--map", "file=media_path", "--map", "report_reason=flag_reason"]


def stored(db: str) -> dict[str, dict[str, object]]:
    with Store.open(db) as store, store.read() as conn:
        return {
            r.external_id: {"platform": r.platform, "content_type": r.content_type, "flag_reason": r.flag_reason,
                            "media_type": r.media_type, "text": r.text_body}
            for r in conn.execute(select(items_t))
        }  # fmt: skip


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(["import", *argv, "--json"]) == 0, capsys.readouterr().err
    out = capsys.readouterr()
    assert out.err == ""
    result: dict[str, object] = json.loads(out.out)
    return result


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    """A partner's folder: a PNG, an animated and a still GIF, an animated WebP, an APNG, a small
    MP4, and outside it a file that a row tries to reach."""
    d = tmp_path / "partner"
    (d / "files").mkdir(parents=True)
    (d / "files" / "photo.png").write_bytes((PILLOW_CORPUS / "hopper.png").read_bytes())
    write_gif(d / "files" / "sticker.gif", frames=4)
    Image.new("P", (16, 16), 3).save(d / "files" / "still.gif")
    frames = [Image.new("RGB", (16, 16), (60 * i, 0, 0)) for i in range(3)]
    frames[0].save(d / "files" / "wave.webp", save_all=True, append_images=frames[1:])
    frames[0].save(d / "files" / "spin.png", save_all=True, append_images=frames[1:])  # APNG
    write_video(d / "files" / "clip.mp4", seconds=0.5, size=(64, 48))
    (tmp_path / "secret.png").write_bytes((PILLOW_CORPUS / "hopper.png").read_bytes())
    (d / "files" / "link.png").symlink_to(tmp_path / "secret.png")
    return d


PARTNER_ROWS = [
    ("p-1", "files/photo.png", "nudity report"),
    ("p-2", "files/sticker.gif", "flagged sticker"),
    ("p-3", "files/clip.mp4", "violent clip"),
    ("p-4", "files/still.gif", ""),
    ("p-5", "files/wave.webp", ""),
    ("p-6", "files/spin.png", ""),
    ("p-7", "../secret.png", "escape"),
    ("p-8", "files/link.png", "escape by symlink"),
    ("p-9", "files/missing.jpg", ""),
]
EXPECTED_TYPES = {
    "p-1": "image", "p-2": "animation", "p-3": "video", "p-4": "image", "p-5": "animation", "p-6": "animation",
    "p-10": "text",
}  # fmt: skip
EXPECTED_REJECTS = [
    {"where": "line 8", "reason": "media_path '../secret.png' is outside the manifest's folder", "code": "import.outside_root"},
    {"where": "line 9", "reason": "media_path 'files/link.png' is a symlink pointing outside the manifest's folder",
     "code": "import.symlink_outside"},
    {"where": "line 10", "reason": "file not found: files/missing.jpg", "code": "import.file_not_found"},
]  # fmt: skip


def write_csv(path: Path) -> Path:
    lines = ["post_id,file,report_reason,body"]
    lines += [f"{pid},{file},{reason}," for pid, file, reason in PARTNER_ROWS]
    lines.append('p-10,,bullying,"放学后来群里, ok"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_jsonl(path: Path) -> Path:
    rows = [{"post_id": pid, "file": file, "report_reason": reason or None} for pid, file, reason in PARTNER_ROWS]
    rows.append({"post_id": "p-10", "body": "放学后来群里, ok", "report_reason": "bullying"})
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def check_partner_import(db: str, summary: dict[str, object], *, header_lines: int) -> None:
    """Rows 7-9 rejected, each with its own line (a CSV's header is line 1) and reason; the rest imported."""
    assert summary["imported"] == 7
    shift = 1 - header_lines
    assert summary["rejected"] == [{**r, "where": f"line {int(r['where'].split()[1]) - shift}"} for r in EXPECTED_REJECTS]
    items = stored(db)
    assert {k: v["content_type"] for k, v in items.items()} == EXPECTED_TYPES
    assert {v["platform"] for v in items.values()} == {"partner-x"}
    assert items["p-1"]["flag_reason"] == "nudity report" and items["p-1"]["media_type"] == "image/png"
    assert items["p-2"]["media_type"] == "image/gif" and items["p-6"]["media_type"] == "image/apng"
    assert items["p-10"]["text"] == "放学后来群里, ok" and items["p-10"]["flag_reason"] == "bullying"


def test_partner_csv_with_map_options(drop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "db.sqlite3")
    manifest = write_csv(drop / "partner.csv")
    # Without a mapping the partner's header lacks our columns: the source cannot be read.
    assert main(["import", str(manifest), "--db", db, "--platform", "partner-x"]) == 2
    err = capsys.readouterr().err
    assert "missing required column(s) external_id" in err
    assert "the header has 'post_id', 'file', 'report_reason'" in err  # what to map, at a glance
    summary = run_json(capsys, str(manifest), "--db", db, "--platform", "partner-x", *PARTNER_MAP, "--map", "body=text")
    check_partner_import(db, summary, header_lines=1)
    assert summary["warnings"] == []
    # Idempotent, mapping or not.
    again = run_json(capsys, str(manifest), "--db", db, "--platform", "partner-x", *PARTNER_MAP, "--map", "body=text")
    assert (again["imported"], again["duplicates"]) == (0, 7)


def test_partner_jsonl_rejected_without_mapping_imports_with_a_mapping_file(
    drop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "db.sqlite3")
    manifest = write_jsonl(drop / "partner.jsonl")
    before = run_json(capsys, str(manifest), "--db", db, "--platform", "partner-x")
    assert before["imported"] == 0
    assert {r["reason"] for r in before["rejected"]} == {"missing required field 'external_id'"}  # type: ignore[union-attr]
    mapping = tmp_path / "partner-x.toml"
    mapping.write_text(
        'platform = "partner-x"\n\n[columns]\npost_id = "external_id"\nfile = "media_path"\n'
        'report_reason = "flag_reason"\nbody = "text"\n',
        encoding="utf-8",
    )
    summary = run_json(capsys, str(manifest), "--db", db, "--mapping", str(mapping))  # its platform
    check_partner_import(db, summary, header_lines=0)


def test_map_options_override_the_mapping_file(drop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "db.sqlite3")
    manifest = drop / "m.csv"
    manifest.write_text("id,file,thumb,external_id,note\nq-1,files/photo.png,files/clip.mp4,old-id,x\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    save_mapping(mapping, ColumnMapping({"file": "media_path", "id": "uploader", "note": None}, platform="p"))
    # --map id=external_id takes external_id from the file's header column; thumb replaces file
    # as media_path (same field); the header's own external_id column is shadowed by id.
    summary = run_json(
        capsys, str(manifest), "--db", db, "--mapping", str(mapping), "--map", "thumb=media_path", "--map", "id=external_id"
    )
    assert summary["imported"] == 1
    assert summary["warnings"] == [
        "column 'external_id' ignored: column 'id' is mapped to that field",
        "unknown field 'file' ignored (first on line 1)",
    ]
    assert {k: v["content_type"] for k, v in stored(db).items()} == {"q-1": "video"}


def test_absent_mapped_column_and_left_out_column_in_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "db.sqlite3")
    manifest = tmp_path / "m.jsonl"
    manifest.write_text('{"pid": "t1", "msg": "hello", "secret": 1}\n', encoding="utf-8")
    summary = run_json(
        capsys, str(manifest), "--db", db, "--platform", "p",
        "--map", "pid=external_id", "--map", "msg=text", "--map", "secret=", "--map", "nope=uploader",
    )  # fmt: skip
    assert summary["imported"] == 1
    assert summary["warnings"] == ["mapped column 'nope' is not in the manifest"]
    assert stored(db)["t1"]["content_type"] == "text"


def test_row_without_content_type_media_or_text_is_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = tmp_path / "m.jsonl"
    manifest.write_text('{"post_id": "x", "report_reason": "r"}\n', encoding="utf-8")
    summary = run_json(capsys, str(manifest), "--db", str(tmp_path / "db.sqlite3"), "--platform", "p", *PARTNER_MAP)
    assert summary["rejected"] == [
        {"where": "line 1", "reason": "no content_type, and neither media_path nor text to infer it from",
         "code": "import.content_type_unknown"}
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "toml", "message"),
    [
        (["--map", "post_id"], None, "--map 'post_id': expected COLUMN=FIELD"),
        (["--map", "=external_id"], None, "--map '=external_id': expected COLUMN=FIELD"),
        (["--map", "post_id=external"], None, "--map: 'external' is not a manifest field (one of: classifier_score,"),
        (["--map", "a=external_id", "--map", "b=external_id"], None,
         "--map: columns 'a' and 'b' are both mapped to field 'external_id'"),
        (["--mapping", "{tmp}/nope.toml"], None, "cannot read mapping file {tmp}/nope.toml: No such file or directory"),
        (["--mapping", "{tmp}/m.toml"], "[columns\npost_id = 1", "{tmp}/m.toml is not a valid TOML file: "),
        (["--mapping", "{tmp}/m.toml"], "post_id = 'external_id'\n", "{tmp}/m.toml: unknown key 'post_id'"),
        (["--mapping", "{tmp}/m.toml"], "platform = 'x'\n", "{tmp}/m.toml: no [columns] table"),
        (["--mapping", "{tmp}/m.toml"], "[columns]\npost_id = 3\n", "{tmp}/m.toml: columns.post_id must be a string"),
        (["--mapping", "{tmp}/m.toml"], "[columns]\na = 'text'\nb = 'text'\n",
         "{tmp}/m.toml: columns 'a' and 'b' are both mapped to field 'text'"),
        (["--mapping", "{tmp}/m.toml"], b"[columns]\na = '\xff'\n", "{tmp}/m.toml is not a valid TOML file: "),
    ],
)
def test_bad_mappings_exit_2_before_the_database_is_touched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], toml: str | bytes | None, message: str
) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text("post_id,file\n", encoding="utf-8")
    if isinstance(toml, str):
        (tmp_path / "m.toml").write_text(toml, encoding="utf-8")
    elif toml is not None:
        (tmp_path / "m.toml").write_bytes(toml)
    db = tmp_path / "db.sqlite3"
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main(["import", str(manifest), "--db", str(db), *argv]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.startswith("moderator-cli import: " + message.replace("{tmp}", str(tmp_path))), out.err
    assert not db.exists()


def test_mapping_a_folder_is_refused(drop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "db.sqlite3")
    assert main(["import", str(drop), "--db", db, "--map", "a=text"]) == 2
    assert "is a folder: a column mapping applies to .jsonl and .csv manifests only" in capsys.readouterr().err
    assert stored(db) == {}


def test_mapping_file_round_trip(tmp_path: Path) -> None:
    mapping = ColumnMapping(
        {"post_id": "external_id", "file name": "media_path", 'say "hi"=\\': "text", "备注": None, "x\x7fy": "uploader"},
        platform="合作方",
    )
    path = tmp_path / "m.toml"
    save_mapping(path, mapping)
    assert load_mapping(path) == mapping
    assert "post_id = \"external_id\"" in mapping_toml(mapping)
    assert not list(tmp_path.glob(".*.tmp"))


def test_animation_is_told_from_the_structure_only(drop: Path) -> None:
    def animated(name: str) -> bool:
        head = (drop / "files" / name).read_bytes()[:65536]
        return is_animated(head, sniff(head))

    assert [animated(n) for n in ("sticker.gif", "wave.webp", "spin.png")] == [True, True, True]
    assert [animated(n) for n in ("still.gif", "photo.png", "clip.mp4")] == [False, False, False]
    # A GIF with two frames and no looping extension: the second image descriptor tells.
    two = drop / "files" / "two.gif"
    frames = [Image.new("RGB", (8, 8), (200 * i, 0, 0)) for i in range(2)]
    frames[0].save(two, save_all=True, append_images=frames[1:])
    assert b"NETSCAPE2.0" not in two.read_bytes()
    assert animated("two.gif")
    assert not is_animated(b"GIF89a\x01", "image/gif")  # truncated: still, never an exception
    assert os.path.getsize(drop / "files" / "clip.mp4") > 0
