"""One manifest record into item columns: every field type-checked and range-checked.

:func:`record_values` validates a record (JSON values, or CSV strings) and returns
the values of one ``items`` row, or raises :class:`~.reasons.Reject` with a reason
naming the field. The limits are the columns' (``ITEM_TEXT_LIMITS``) and
:data:`MAX_TEXT_BYTES` for free text. What the record needs from the import (the
policy, the media file behind ``media_path``, where to warn) comes through a
:class:`RowContext`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from moderator_gui.core.domain import ContentType, compute_priority
from moderator_gui.core.ingest.reasons import MB, Place, Reject, clip, mb, short
from moderator_gui.core.store import ITEM_TEXT_LIMITS

if TYPE_CHECKING:
    from moderator_gui.core.ingest.files import FileInfo

#: Largest text post / flag reason accepted (UTF-8 bytes).
MAX_TEXT_BYTES = 1 * MB

_INT32 = (-(2**31), 2**31 - 1)
_INT_FIELDS: dict[str, tuple[int, int]] = {
    "report_count": (0, _INT32[1]),
    "priority": _INT32,
    "width": (1, _INT32[1]),
    "height": (1, _INT32[1]),
    "duration_ms": (0, _INT32[1]),
}
_STR_FIELDS = (
    "external_id", "platform", "content_type", "media_path", "text", "uploader", "flagged_at",
    "flag_source", "flag_reason", "suspected_category", "sha256",
)  # fmt: skip
KNOWN_FIELDS = frozenset(_STR_FIELDS) | frozenset(_INT_FIELDS) | {"classifier_score"}
#: Fields every record must have (``content_type``, when absent, is inferred: :func:`infer_content_type`).
REQUIRED_FIELDS = ("external_id", "platform")
# Free-text fields limited in bytes; the other string fields in characters by their column width.
_BYTE_LIMITED = {"text": MAX_TEXT_BYTES, "flag_reason": MAX_TEXT_BYTES}
_CHAR_LIMITED: dict[str, int] = dict(ITEM_TEXT_LIMITS)
_CONTENT_TYPES = {c.value: c for c in ContentType}  # a dict lookup is much cheaper than ContentType(x)
_SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")


@dataclass
class Row:
    """A validated row: where it comes from (a line number or a path) and its item columns."""

    at: Place
    values: dict[str, Any]


def base_row(source_text: str, now: datetime) -> dict[str, Any]:
    """Every item column with its default, so that all rows of an executemany have the same keys."""
    return {
        "import_source": source_text,
        "media_path": None,
        "media_type": None,
        "sha256": None,
        "size_bytes": None,
        "width": None,
        "height": None,
        "duration_ms": None,
        "text_body": None,
        "uploader": None,
        "flagged_at": now,
        "flag_source": None,
        "flag_reason": None,
        "report_count": 0,
        "classifier_score": None,
        "suspected_category": None,
        "imported_at": now,
    }


class RowContext(Protocol):
    """What validating a record needs from the import it belongs to."""

    #: The default platform (``--platform``) for records without one.
    platform: str | None

    def base_row(self) -> dict[str, Any]: ...

    def warn_unknown(self, name: str, at: Place) -> None: ...

    def has_category(self, code: str) -> bool: ...

    def severity(self, category: str | None) -> int: ...

    def media_file(self, written: str) -> FileInfo:
        """The media file ``written`` in the manifest: resolved safely, examined; raises Reject."""
        ...


def record_values(record: dict[str, Any], at: Place, ctx: RowContext, *, textual: bool) -> dict[str, Any]:
    """Validate one manifest record (JSON values, or CSV strings when ``textual``) into item columns."""
    f: dict[str, Any] = {}
    for name, value in record.items():
        if name not in KNOWN_FIELDS:
            ctx.warn_unknown(str(name), at)
        elif value is not None and not (textual and not value.strip()):
            f[name] = _field(name, value, textual)
    if "platform" not in f and ctx.platform:
        f["platform"] = ctx.platform
    for name in REQUIRED_FIELDS:
        if name not in f:
            raise Reject("import.missing_field", name=name)
    info: FileInfo | None = None
    if "content_type" in f:
        ctype = _CONTENT_TYPES.get(f["content_type"])
        if ctype is None:
            raise Reject("import.bad_content_type", value=short(f["content_type"]), allowed="|".join(_CONTENT_TYPES))
    elif "media_path" in f:
        info = ctx.media_file(f["media_path"])
        ctype = infer_content_type(info)
    elif "text" in f:
        ctype = ContentType.TEXT
    else:
        raise Reject("import.content_type_unknown")
    category = f.get("suspected_category")
    if category is not None and not ctx.has_category(category):
        raise Reject("import.unknown_category", code=category)
    values = ctx.base_row()
    values.update(
        external_id=f["external_id"],
        platform=f["platform"],
        content_type=ctype.value,
        uploader=f.get("uploader"),
        flag_source=f.get("flag_source"),
        flag_reason=f.get("flag_reason"),
        report_count=f.get("report_count", 0),
        classifier_score=f.get("classifier_score"),
        suspected_category=category,
        width=f.get("width"),
        height=f.get("height"),
        duration_ms=f.get("duration_ms"),
    )
    if "flagged_at" in f:
        values["flagged_at"] = f["flagged_at"]
    if ctype == ContentType.TEXT:
        if "text" not in f:
            raise Reject("import.text_missing")
        if "media_path" in f:
            raise Reject("import.text_with_media_path")
        values["text_body"] = f["text"]
    else:
        if "media_path" not in f:
            raise Reject("import.media_path_missing", content_type=ctype.value)
        if info is None:
            info = ctx.media_file(f["media_path"])
        expected = "image" if ctype in (ContentType.IMAGE, ContentType.ANIMATION) else "video"
        if info.family != expected:
            raise Reject("import.content_type_mismatch", content_type=ctype.value, path=clip(f["media_path"]), mime=info.mime)
        given = f.get("sha256")
        if given is not None and given != info.sha256:
            raise Reject("import.sha256_mismatch", path=clip(f["media_path"]), sha256=info.sha256)
        values.update(media_path=info.db_path, media_type=info.mime, sha256=info.sha256, md5=info.md5, size_bytes=info.size)
    values["priority"] = f.get("priority")
    if values["priority"] is None:
        values["priority"] = compute_priority(ctx.severity(category), values["report_count"], values["classifier_score"])
    return values


def infer_content_type(info: FileInfo) -> ContentType:
    """The content type of a row that names none, from its media file's sniffed type:
    ``video``, ``animation`` (an animated GIF/WebP/APNG) or ``image``."""
    if info.family == "video":
        return ContentType.VIDEO
    return ContentType.ANIMATION if info.animated else ContentType.IMAGE


def _field(name: str, value: Any, textual: bool) -> Any:
    """One manifest value, type-checked and range-checked; raises Reject naming the field."""
    # Fast paths for the common, valid case (type(x) is int excludes bool); the full checks
    # below produce the error messages.
    kind = type(value)
    if kind is str and name in _CHAR_LIMITED and value.isascii() and "\x00" not in value:
        stripped = value.strip()
        if stripped and len(stripped) <= _CHAR_LIMITED[name]:
            return stripped
    elif kind is int and name in _INT_FIELDS:
        lo, hi = _INT_FIELDS[name]
        if lo <= value <= hi:
            return value
    if name in _INT_FIELDS:
        lo, hi = _INT_FIELDS[name]
        if textual:
            try:
                value = int(value.strip())
            except ValueError:
                raise Reject("import.not_an_integer", name=name, value=short(value)) from None
        elif not isinstance(value, int) or isinstance(value, bool):
            raise Reject("import.not_an_integer_json", name=name, type=json_type(value), value=short(value))
        if not lo <= value <= hi:
            raise Reject("import.integer_out_of_range", name=name, value=clip(str(value)), low=lo, high=hi)
        return value
    if name == "classifier_score":
        if textual:
            try:
                value = float(value.strip())
            except ValueError:
                raise Reject("import.not_a_number", name=name, value=short(value)) from None
        elif not isinstance(value, (int, float)) or isinstance(value, bool):
            raise Reject("import.not_a_number_json", name=name, type=json_type(value), value=short(value))
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            raise Reject("import.score_out_of_range", name=name, value=f"{value}")
        return float(value)
    if not isinstance(value, str):
        raise Reject("import.not_a_string", name=name, type=json_type(value))
    if name == "media_path":
        return value  # a file name: checked when it is resolved
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise Reject("import.unpaired_surrogate", name=name, index=exc.start) from None
    if "\x00" in value:
        raise Reject("import.field_nul", name=name)
    if name in _BYTE_LIMITED:
        if size > _BYTE_LIMITED[name]:
            raise Reject("import.field_too_large", name=name, size=mb(size), limit=mb(_BYTE_LIMITED[name]))
        return value
    if name == "flagged_at":
        return _timestamp(value)
    value = value.strip()
    if name == "sha256":
        if not _SHA256_RE.match(value):
            raise Reject("import.bad_sha256")
        return value.lower()
    if not value:
        raise Reject("import.field_empty", name=name)
    limit = _CHAR_LIMITED[name]
    if len(value) > limit:
        raise Reject("import.field_too_long", name=name, length=len(value), limit=limit)
    return value


def _timestamp(value: str) -> datetime:
    """ISO 8601; a naive time is UTC."""
    try:
        ts = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Reject("import.bad_timestamp", value=short(value)) from None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def json_type(value: Any) -> str:
    """A JSON value's type as JSON names it ("object", "array", "string", "number", ...)."""
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return {dict: "object", list: "array", str: "string", int: "number", float: "number"}.get(
        type(value), type(value).__name__
    )
