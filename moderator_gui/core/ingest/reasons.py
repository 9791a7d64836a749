"""Why a row, a file or a source was not imported: the coded messages of the import.

Every rejection reason, warning and :class:`ImportSourceError` of the package is a
:class:`~moderator_gui.core.messages.Message` declared here, in one catalogue (Qt's
lupdate reads this file: see ``CATALOGUE_MODULES``). The CLI prints the English
text; the UI translates the template, then fills in the parameters. A parameter
that is itself a Message (a file kind, a place such as "line 12") is translated too.

Parameters that echo user input (a value, a media path) are passed already quoted
and clipped by :func:`short` / :func:`clip`, so a reason stays readable whatever
the manifest holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moderator_gui.core.messages import QT_TRANSLATE_NOOP, CodedError, Message, catalogue

catalogue(
    {
        # -- the source as a whole (ImportSourceError) ------------------------------------------
        "import.bad_platform": QT_TRANSLATE_NOOP("Messages", "platform {platform} must be 1-{limit} characters"),
        "import.source_not_found": QT_TRANSLATE_NOOP("Messages", "source not found: {path}"),
        "import.source_unreadable": QT_TRANSLATE_NOOP("Messages", "cannot read {path}: {reason}"),
        "import.folder_permission_denied": QT_TRANSLATE_NOOP("Messages", "cannot read folder {path}: permission denied"),
        "import.unsupported_source": QT_TRANSLATE_NOOP(
            "Messages", "{path} is not a folder, a .jsonl manifest or a .csv manifest (see docs/manifest.md)"
        ),
        "import.source_special_file": QT_TRANSLATE_NOOP("Messages", "{path} is {kind}, not a manifest file"),
        "import.csv_empty": QT_TRANSLATE_NOOP("Messages", "{path}: empty CSV manifest (no header line)"),
        "import.csv_not_a_header": QT_TRANSLATE_NOOP("Messages", "{path}: header (line {line}) is not a CSV header"),
        "import.csv_header_unreadable": QT_TRANSLATE_NOOP("Messages", "{path}: header (line {line}): {reason}"),
        "import.csv_duplicate_columns": QT_TRANSLATE_NOOP(
            "Messages", "{path}: header (line {line}): duplicate column(s) {columns}"
        ),
        "import.csv_missing_columns": QT_TRANSLATE_NOOP(
            "Messages",
            "{path}: header (line {line}): missing required column(s) {columns}; the header has {present}"
            " (map its columns with --map COLUMN=FIELD; see docs/manifest.md)",
        ),
        # -- what a file is, when it is not a regular file (a parameter {kind}) -------------------
        "import.kind_fifo": QT_TRANSLATE_NOOP("Messages", "a FIFO"),
        "import.kind_char_device": QT_TRANSLATE_NOOP("Messages", "a character device"),
        "import.kind_block_device": QT_TRANSLATE_NOOP("Messages", "a block device"),
        "import.kind_socket": QT_TRANSLATE_NOOP("Messages", "a socket"),
        "import.kind_other": QT_TRANSLATE_NOOP("Messages", "not a regular file"),
        # -- where: a manifest line (a path is shown as it is) ------------------------------------
        "import.line": QT_TRANSLATE_NOOP("Messages", "line {line}"),
        # -- media files and folder entries -----------------------------------------------------
        "import.file_not_found": QT_TRANSLATE_NOOP("Messages", "file not found: {path}"),
        "import.permission_denied": QT_TRANSLATE_NOOP("Messages", "permission denied: {path}"),
        "import.cannot_read": QT_TRANSLATE_NOOP("Messages", "cannot read {path}: {reason}"),
        "import.is_a_folder": QT_TRANSLATE_NOOP("Messages", "{path} is a folder, not a file"),
        "import.special_file": QT_TRANSLATE_NOOP("Messages", "{path} is {kind}, not a media file"),
        "import.not_a_regular_file": QT_TRANSLATE_NOOP("Messages", "{path} is not a regular file"),
        "import.empty_file": QT_TRANSLATE_NOOP("Messages", "empty file (0 bytes): {path}"),
        "import.unrecognised_format": QT_TRANSLATE_NOOP(
            "Messages", "not a recognised image or video format (first bytes: {head})"
        ),
        "import.folder_unreadable": QT_TRANSLATE_NOOP("Messages", "cannot read folder: {reason}"),
        "import.folder_symlink_outside": QT_TRANSLATE_NOOP(
            "Messages", "symlink points outside the import root (to {target})"
        ),
        "import.path_too_long": QT_TRANSLATE_NOOP(
            "Messages", "path is {length} characters; an external id can have at most {limit}"
        ),
        "import.text_file_too_large": QT_TRANSLATE_NOOP("Messages", "text file is {size}; the limit is {limit}"),
        "import.text_file_not_utf8": QT_TRANSLATE_NOOP(
            "Messages", "not a UTF-8 text file (invalid byte {byte} at offset {offset})"
        ),
        "import.text_file_nul": QT_TRANSLATE_NOOP("Messages", "not a text file (contains NUL bytes)"),
        "import.text_file_empty": QT_TRANSLATE_NOOP("Messages", "empty text file"),
        "import.media_path_invalid": QT_TRANSLATE_NOOP("Messages", "media_path {path} is not a valid file name"),
        "import.media_path_nul": QT_TRANSLATE_NOOP("Messages", "media_path contains a NUL character"),
        "import.outside_root": QT_TRANSLATE_NOOP("Messages", "media_path {path} is outside the manifest's folder"),
        "import.symlink_outside": QT_TRANSLATE_NOOP(
            "Messages", "media_path {path} is a symlink pointing outside the manifest's folder"
        ),
        # -- reading a manifest line / CSV record -----------------------------------------------
        "import.line_too_large": QT_TRANSLATE_NOOP("Messages", "line is {size}; the limit is {limit}"),
        "import.field_too_large_about": QT_TRANSLATE_NOOP(
            "Messages", "field {name!r} is about {size}; the limit is {limit}"
        ),
        "import.line_not_utf8": QT_TRANSLATE_NOOP(
            "Messages", "not valid UTF-8 (byte {byte} at byte {offset} of the line)"
        ),
        "import.invalid_json": QT_TRANSLATE_NOOP("Messages", "invalid JSON: {detail} (column {column})"),
        "import.json_number_too_long": QT_TRANSLATE_NOOP("Messages", "invalid JSON: a number has too many digits"),
        "import.json_too_deep": QT_TRANSLATE_NOOP("Messages", "invalid JSON: nested too deeply"),
        "import.not_an_object": QT_TRANSLATE_NOOP("Messages", "expected a JSON object, got {type}"),
        "import.csv_unterminated": QT_TRANSLATE_NOOP(
            "Messages", "unterminated quoted field (the record runs to the end of the file)"
        ),
        "import.csv_field_count": QT_TRANSLATE_NOOP("Messages", "{count} fields, but the header has {expected}"),
        "import.invalid_csv": QT_TRANSLATE_NOOP("Messages", "invalid CSV: {detail}"),
        # -- one field / one record -----------------------------------------------------------
        "import.missing_field": QT_TRANSLATE_NOOP("Messages", "missing required field {name!r}"),
        "import.bad_content_type": QT_TRANSLATE_NOOP(
            "Messages", "field 'content_type' is {value}; expected one of {allowed}"
        ),
        "import.unknown_category": QT_TRANSLATE_NOOP(
            "Messages", "field 'suspected_category': unknown category code {code!r}"
        ),
        "import.content_type_unknown": QT_TRANSLATE_NOOP(
            "Messages", "no content_type, and neither media_path nor text to infer it from"
        ),
        "import.text_missing": QT_TRANSLATE_NOOP("Messages", "missing field 'text' (required for content_type 'text')"),
        "import.text_with_media_path": QT_TRANSLATE_NOOP(
            "Messages", "a text row carries its text in 'text'; 'media_path' is not allowed"
        ),
        "import.media_path_missing": QT_TRANSLATE_NOOP(
            "Messages", "missing field 'media_path' (required for content_type {content_type!r})"
        ),
        "import.content_type_mismatch": QT_TRANSLATE_NOOP(
            "Messages", "content_type {content_type!r} but {path} is {mime}"
        ),
        "import.sha256_mismatch": QT_TRANSLATE_NOOP("Messages", "sha256 does not match {path} (the file's is {sha256})"),
        "import.not_an_integer": QT_TRANSLATE_NOOP("Messages", "field {name!r} must be an integer, got {value}"),
        "import.not_an_integer_json": QT_TRANSLATE_NOOP(
            "Messages", "field {name!r} must be an integer, got {type} {value}"
        ),
        "import.integer_out_of_range": QT_TRANSLATE_NOOP("Messages", "field {name!r} is {value}; expected {low}..{high}"),
        "import.not_a_number": QT_TRANSLATE_NOOP("Messages", "field {name!r} must be a number, got {value}"),
        "import.not_a_number_json": QT_TRANSLATE_NOOP("Messages", "field {name!r} must be a number, got {type} {value}"),
        "import.score_out_of_range": QT_TRANSLATE_NOOP(
            "Messages", "field {name!r} is {value}; expected a number from 0 to 1"
        ),
        "import.not_a_string": QT_TRANSLATE_NOOP("Messages", "field {name!r} must be a string, got {type}"),
        "import.unpaired_surrogate": QT_TRANSLATE_NOOP(
            "Messages", "field {name!r} contains an unpaired surrogate at character {index}"
        ),
        "import.field_nul": QT_TRANSLATE_NOOP("Messages", "field {name!r} contains a NUL character"),
        "import.field_too_large": QT_TRANSLATE_NOOP("Messages", "field {name!r} is {size}; the limit is {limit}"),
        "import.bad_timestamp": QT_TRANSLATE_NOOP(
            "Messages", "field 'flagged_at' is not an ISO 8601 date-time: {value}"
        ),
        "import.bad_sha256": QT_TRANSLATE_NOOP("Messages", "field 'sha256' must be 64 hexadecimal digits"),
        "import.field_empty": QT_TRANSLATE_NOOP("Messages", "field {name!r} is empty"),
        "import.field_too_long": QT_TRANSLATE_NOOP(
            "Messages", "field {name!r} has {length} characters; the limit is {limit}"
        ),
        # -- warnings ---------------------------------------------------------------------------
        "import.unknown_field": QT_TRANSLATE_NOOP("Messages", "unknown field {name} ignored (first on {where})"),
        "import.repeated_id": QT_TRANSLATE_NOOP(
            "Messages", "{where}: external_id {external_id!r} (platform {platform!r}) repeats {first}; kept the first"
        ),
        "import.repeated_content": QT_TRANSLATE_NOOP(
            "Messages", "{where}: the same content repeats {first}; kept the first"
        ),
        "import.more_repeats": QT_TRANSLATE_NOOP(
            "Messages", "... and {count} more repeated rows (counted as duplicates)"
        ),
        "import.cancelled": QT_TRANSLATE_NOOP(
            "Messages", "import cancelled after {rows} rows; the rest was not imported"
        ),
        "import.symlink_to_folder": QT_TRANSLATE_NOOP("Messages", "{path}: symlink to a folder not followed"),
        "import.map_shadowed": QT_TRANSLATE_NOOP(
            "Messages", "column {column!r} ignored: column {source!r} is mapped to that field"
        ),
        "import.map_column_absent": QT_TRANSLATE_NOOP("Messages", "mapped column {column!r} is not in the manifest"),
        # -- column mappings (--map, --mapping FILE.toml; MappingError) ---------------------------
        "import.map_malformed": QT_TRANSLATE_NOOP("Messages", "--map {value}: expected COLUMN=FIELD"),
        "import.map_unknown_field": QT_TRANSLATE_NOOP(
            "Messages", "{origin}: {field!r} is not a manifest field (one of: {fields})"
        ),
        "import.map_duplicate_target": QT_TRANSLATE_NOOP(
            "Messages", "{origin}: columns {first!r} and {second!r} are both mapped to field {field!r}"
        ),
        "import.map_file_unreadable": QT_TRANSLATE_NOOP("Messages", "cannot read mapping file {path}: {reason}"),
        "import.map_file_invalid": QT_TRANSLATE_NOOP("Messages", "{path} is not a valid TOML file: {detail}"),
        "import.map_file_no_columns": QT_TRANSLATE_NOOP("Messages", "{path}: no [columns] table (see docs/manifest.md)"),
        "import.map_file_unknown_key": QT_TRANSLATE_NOOP(
            "Messages", "{path}: unknown key {key!r} (a mapping file has [columns] and, optionally, platform)"
        ),
        "import.map_file_bad_value": QT_TRANSLATE_NOOP(
            "Messages", "{path}: {key} must be a string (a field name, or an empty string to leave the column out)"
        ),
        "import.map_file_bad_platform": QT_TRANSLATE_NOOP("Messages", "{path}: platform must be a string"),
        "import.map_folder": QT_TRANSLATE_NOOP(
            "Messages", "{path} is a folder: a column mapping applies to .jsonl and .csv manifests only"
        ),
    }
)

MB = 1024 * 1024

# Where a row comes from: a manifest line number, or a path (its display form) in a folder import.
Place = int | str


class ImportSourceError(CodedError):
    """The source cannot be read at all (missing, unreadable, not a folder/.jsonl/.csv, bad header)."""


class Reject(Exception):  # noqa: N818 - a row's verdict, caught by the import; not a failure of it
    """Raised while examining one row/file; becomes a :class:`Rejection` and the import goes on.

    Carries its :class:`Message` unrendered: most rejections are never shown one by one."""

    def __init__(self, msg: Message | str, /, **params: Any) -> None:
        self.msg = msg if isinstance(msg, Message) else Message.of(msg, **params)
        super().__init__(self.msg.code)

    def __str__(self) -> str:
        return self.msg.render()


def place(at: Place) -> Message:
    """``at`` as a message to show: "line 12" (translated), or the path as it is."""
    if isinstance(at, int):
        return Message.of("import.line", line=at)
    return Message.of("generic.text", text=at)


@dataclass(frozen=True)
class Rejection:
    """One row or file not imported.

    ``where`` is "line 12" or a path (English, as the CLI prints it), ``msg`` says why
    as a coded message; ``line`` is the line number when ``where`` is a manifest line
    (so that the UI can say "第 12 行"). ``reason`` is the English text of ``msg``.
    """

    where: str
    msg: Message
    line: int | None = None

    @classmethod
    def at(cls, at: Place, msg: Message) -> Rejection:
        if isinstance(at, int):
            return cls(f"line {at}", msg, at)
        return cls(at, msg)

    @property
    def reason(self) -> str:
        return self.msg.render()

    @property
    def code(self) -> str:
        return self.msg.code

    @property
    def place(self) -> Message:
        """``where`` as a message: translate it with ``place.render(translate)``."""
        return place(self.where if self.line is None else self.line)


def clip(text: str, limit: int = 80) -> str:
    """User input echoed in a message: cut short (a reason must stay readable) and printable
    (a lone surrogate, e.g. an undecodable byte of a file name, is shown as ``\\udce9``)."""
    text = text if len(text) <= limit else text[:limit] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def short(value: Any) -> str:
    """A value quoted (``repr``) and clipped, for a message."""
    return clip(repr(value))


def mb(n: int) -> str:
    """A size for a message: "100.0 MB", "29.3 KB"; a round limit reads "1 MB"."""
    unit, scale = ("MB", MB) if n >= MB // 10 else ("KB", 1024)
    return f"{n // scale} {unit}" if n % scale == 0 else f"{n / scale:.1f} {unit}"
