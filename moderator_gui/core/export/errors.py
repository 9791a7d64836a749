"""What the export and the verifier tell a person: coded messages (``core/messages.py``).

Export failures are errors (:class:`ExportError`); verification problems are not (a
damaged file is an answer, not a failure): they come back as the ``msg`` of a
``VerifyResult``. The English texts are the ones ``moderator-cli`` prints.
"""

from __future__ import annotations

from moderator_gui.core.messages import QT_TRANSLATE_NOOP, CodedError, catalogue

catalogue(
    {
        "export.write_failed": QT_TRANSLATE_NOOP("Messages", "cannot write the export: {reason}"),
        "export.unknown_format": QT_TRANSLATE_NOOP("Messages", "unknown format {fmt!r}; use csv or jsonl"),
        "export.cancelled": QT_TRANSLATE_NOOP("Messages", "export cancelled after {rows} rows; no file was written"),
        "export.is_folder": QT_TRANSLATE_NOOP("Messages", "{path} is a folder; give a file name"),
        "export.no_folder": QT_TRANSLATE_NOOP("Messages", "cannot write {path}: the folder {folder} does not exist"),
        "export.folder_unwritable": QT_TRANSLATE_NOOP("Messages", "cannot write in {folder}: {reason}"),
        "export.file_unwritable": QT_TRANSLATE_NOOP("Messages", "cannot write {path}: {reason}"),
        "export.empty_file": QT_TRANSLATE_NOOP("Messages", "{path} is empty: not a decision-log export"),
        "export.bad_filter": QT_TRANSLATE_NOOP("Messages", "{reason}"),
    }
)

# Verification: the verdict, and what was found wrong and where.
catalogue(
    {
        "verify.ok": QT_TRANSLATE_NOOP("Messages", "OK: {rows} rows, final hash {final_hash}"),
        # The file as a whole (no row to blame).
        "verify.not_an_export": QT_TRANSLATE_NOOP("Messages", "not a decision-log export"),
        "verify.no_header": QT_TRANSLATE_NOOP("Messages", "no header line: this is not a decision-log export"),
        "verify.bad_header": QT_TRANSLATE_NOOP(
            "Messages", "the header line is not the format-{version} header (edited, or not an export)"
        ),
        "verify.no_bom": QT_TRANSLATE_NOOP(
            "Messages", "the file does not start with the UTF-8 BOM: it was re-saved by another program"
        ),
        "verify.not_utf8": QT_TRANSLATE_NOOP(
            "Messages", "{path} is not UTF-8 text ({reason}): not an export, or damaged"
        ),
        "verify.cannot_read": QT_TRANSLATE_NOOP("Messages", "cannot read {path}: {reason}"),
        # What is wrong with one line ({problem} of the row messages below).
        "verify.malformed_csv": QT_TRANSLATE_NOOP("Messages", "malformed CSV ({reason})"),
        "verify.malformed_csv_at_end": QT_TRANSLATE_NOOP("Messages", "malformed CSV ({reason}), at the end of the file"),
        "verify.cell_count": QT_TRANSLATE_NOOP("Messages", "has {cells} cells instead of {expected}"),
        "verify.not_json": QT_TRANSLATE_NOOP("Messages", "not valid JSON ({reason})"),
        "verify.hash_not_text": QT_TRANSLATE_NOOP("Messages", "has a prev_hash or row_hash that is not a string"),
        "verify.not_a_row": QT_TRANSLATE_NOOP(
            "Messages", "is not a decision-log row (members missing, added or out of order)"
        ),
        # Rows.
        "verify.bad_row": QT_TRANSLATE_NOOP("Messages", "row {row} {problem}: the file was edited"),
        "verify.cut_short_at_bad_row": QT_TRANSLATE_NOOP(
            "Messages", "the file was cut short: row {row} {problem} and the seal is missing"
        ),
        "verify.cut_short_in_row": QT_TRANSLATE_NOOP(
            "Messages", "the file was cut short: row {row} is incomplete and the seal is missing"
        ),
        "verify.cut_short_after_row": QT_TRANSLATE_NOOP(
            "Messages", "the file was cut short after row {row}: the seal is missing"
        ),
        "verify.edited": QT_TRANSLATE_NOOP(
            "Messages", "row {row} (seq {seq}) was edited: its content does not match its row_hash"
        ),
        "verify.resaved": QT_TRANSLATE_NOOP(
            "Messages",
            "row {row} has its exported values but not its exported bytes: the file was re-saved "
            "by another program (e.g. a spreadsheet); verify the original file",
        ),
        "verify.inserted_before": QT_TRANSLATE_NOOP(
            "Messages", "row {row} was inserted: row {next_row} follows row {before} in the exported chain"
        ),
        "verify.reordered": QT_TRANSLATE_NOOP("Messages", "row {row} (seq {seq}) is out of order: rows were reordered"),
        "verify.inserted": QT_TRANSLATE_NOOP(
            "Messages", "row {row} (seq {seq}) was inserted: it is not part of the exported chain"
        ),
        "verify.deleted": QT_TRANSLATE_NOOP(
            "Messages", "row {row} (seq {seq}) does not follow row {previous}: one or more rows before it were deleted"
        ),
        # The seal.
        "verify.seal_missing": QT_TRANSLATE_NOOP(
            "Messages", "the seal is missing: the file was cut short after row {rows} (or its seal removed)"
        ),
        "verify.seal_not_json": QT_TRANSLATE_NOOP(
            "Messages", "the seal is damaged or cut short (not valid JSON: {reason})"
        ),
        "verify.seal_not_object": QT_TRANSLATE_NOOP("Messages", "the seal is damaged (not a seal object)"),
        "verify.seal_row_damaged": QT_TRANSLATE_NOOP("Messages", "the seal row is damaged"),
        "verify.seal_edited": QT_TRANSLATE_NOOP(
            "Messages", "the seal was edited: its seal_hash does not match its content"
        ),
        "verify.unsupported_format": QT_TRANSLATE_NOOP("Messages", "unsupported format {name!r} version {version!r}"),
        "verify.wrong_file_type": QT_TRANSLATE_NOOP("Messages", "the seal says {sealed!r} but the file is {fmt}"),
        "verify.row_count": QT_TRANSLATE_NOOP(
            "Messages",
            "the seal says {sealed} rows but the file has {rows}: rows were deleted or added at the end",
        ),
        "verify.final_hash": QT_TRANSLATE_NOOP(
            "Messages", "the seal's final_hash does not match the last row: the end of the file was changed"
        ),
        "verify.seal_reformatted": QT_TRANSLATE_NOOP(
            "Messages", "the seal line was re-formatted (re-saved by another program)"
        ),
        "verify.after_seal": QT_TRANSLATE_NOOP("Messages", "there is content after the seal: rows were appended"),
    }
)


class ExportError(CodedError):
    """The export could not be made (bad filter, unwritable target); nothing was written."""


class ExportCancelled(ExportError):  # noqa: N818 - a request obeyed, not a failure
    """The progress callback asked to stop; the partial file was removed."""
