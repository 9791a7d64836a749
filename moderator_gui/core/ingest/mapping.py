"""Column mappings: a partner's manifest columns (``post_id``, ``file``) -> our fields (``external_id``, ``media_path``).

A :class:`ColumnMapping` says which source column becomes which manifest field (or is left
out). It comes from ``--map COLUMN=FIELD`` options (:func:`parse_map_options`), from a saved
TOML file (:func:`load_mapping`, written by :func:`mapping_toml`; the format is in
docs/manifest.md), or from both (:meth:`ColumnMapping.merged`: the options win).

The import applies it to every record before validation (:class:`RecordMapper`), so every
rule of docs/manifest.md holds for the mapped fields exactly as for a manifest that used our
names. A column that is not mapped keeps its name; a column named like a field that another
column is mapped to is ignored, with a warning.

Bad mappings raise :class:`MappingError`, a coded error like the rest of the import.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moderator_gui.core.ingest.fields import KNOWN_FIELDS
from moderator_gui.core.ingest.reasons import clip, mb
from moderator_gui.core.messages import CodedError, Message

#: A mapping file larger than this is refused (a real one is a few hundred bytes).
MAX_MAPPING_BYTES = 1024 * 1024
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_FIELDS_TEXT = ", ".join(sorted(KNOWN_FIELDS))


class MappingError(CodedError):
    """A mapping that cannot be used: malformed ``--map``, unknown field, two columns mapped
    to one field, an unreadable or invalid mapping file."""


@dataclass(frozen=True)
class ColumnMapping:
    """Source column -> field (``None``: the column is left out, without a warning).

    ``platform`` is the default platform a mapping file may carry (``--platform`` wins)."""

    columns: Mapping[str, str | None] = field(default_factory=dict)
    platform: str | None = None

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, str | None]], *, origin: str, platform: str | None = None) -> ColumnMapping:
        """Validated: every target is a manifest field, no field has two columns. A column
        given twice keeps its last target (a later ``--map`` corrects an earlier one)."""
        columns: dict[str, str | None] = {}
        for column, target in pairs:
            if target is not None and target not in KNOWN_FIELDS:
                raise MappingError("import.map_unknown_field", origin=origin, field=clip(target), fields=_FIELDS_TEXT)
            columns[column] = target
        by_target: dict[str, str] = {}
        for column, target in columns.items():
            if target is None:
                continue
            if target in by_target:
                raise MappingError(
                    "import.map_duplicate_target", origin=origin, first=clip(by_target[target]), second=clip(column), field=target
                )
            by_target[target] = column
        return cls(columns, platform)

    def merged(self, override: ColumnMapping) -> ColumnMapping:
        """This mapping with ``override``'s entries on top: an entry of ``override`` replaces
        this mapping's entry for the same column and any entry that maps to the same field."""
        taken = {t for t in override.columns.values() if t is not None}
        columns = {c: t for c, t in self.columns.items() if c not in override.columns and (t is None or t not in taken)}
        columns.update(override.columns)
        return ColumnMapping(columns, override.platform if override.platform is not None else self.platform)

    @property
    def renames(self) -> bool:
        """Whether applying it changes anything (a mapping of every column to itself does not)."""
        return any(column != target for column, target in self.columns.items())

    def field_of(self, column: str) -> str | None:
        """What ``column`` of a manifest becomes: a field name (or an unknown name kept as it
        is), or None if it is left out or shadowed by a column mapped to its name."""
        if column in self.columns:
            return self.columns[column]
        return None if column in self.shadowed else column

    @property
    def shadowed(self) -> frozenset[str]:
        """Field names other columns are mapped to: a column of that name (not itself mapped) is ignored."""
        return frozenset(t for t in self.columns.values() if t is not None) - set(self.columns)


def parse_map_options(values: Iterable[str]) -> ColumnMapping:
    """``["post_id=external_id", "note="]`` -> a mapping (``COLUMN=`` leaves the column out).
    The column may itself contain ``=``: the last one separates the field."""
    pairs: list[tuple[str, str | None]] = []
    for value in values:
        column, sep, target = value.rpartition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column:
            raise MappingError("import.map_malformed", value=clip(repr(value)))
        pairs.append((column, target or None))
    return ColumnMapping.build(pairs, origin="--map")


def load_mapping(path: str | os.PathLike[str]) -> ColumnMapping:
    """A mapping file (TOML: a ``[columns]`` table of column = "field", optional ``platform``)."""
    shown = str(path)
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block the open
            raise MappingError("import.map_file_unreadable", path=shown, reason="not a regular file")
        if st.st_size > MAX_MAPPING_BYTES:
            raise MappingError("import.map_file_invalid", path=shown, detail=f"larger than {mb(MAX_MAPPING_BYTES)}")
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise MappingError("import.map_file_unreadable", path=shown, reason=exc.strerror or str(exc)) from None
    except ValueError as exc:  # tomllib.TOMLDecodeError, or bytes that are not UTF-8
        raise MappingError("import.map_file_invalid", path=shown, detail=clip(str(exc), 200)) from None
    return mapping_from_toml(data, shown)


def mapping_from_toml(data: dict[str, Any], shown: str) -> ColumnMapping:
    for key in data:
        if key not in ("columns", "platform"):
            raise MappingError("import.map_file_unknown_key", path=shown, key=clip(key))
    columns = data.get("columns")
    if not isinstance(columns, dict):
        raise MappingError("import.map_file_no_columns", path=shown)
    platform = data.get("platform")
    if platform is not None and not isinstance(platform, str):
        raise MappingError("import.map_file_bad_platform", path=shown)
    pairs: list[tuple[str, str | None]] = []
    for column, target in columns.items():
        if not isinstance(target, str):
            raise MappingError("import.map_file_bad_value", path=shown, key=clip(f"columns.{column}"))
        pairs.append((column, target.strip() or None))
    return ColumnMapping.build(pairs, origin=shown, platform=platform)


def mapping_toml(mapping: ColumnMapping) -> str:
    """The mapping as a mapping file (what :func:`load_mapping` reads back)."""
    lines = ["# Column mapping for `moderator-cli import --mapping` (docs/manifest.md).", ""]
    if mapping.platform is not None:
        lines += [f"platform = {_toml_string(mapping.platform)}", ""]
    lines.append("[columns]")
    for column, target in mapping.columns.items():
        key = column if _BARE_KEY.fullmatch(column) else _toml_string(column)
        lines.append(f"{key} = {_toml_string(target or '')}")
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, except that TOML also escapes DEL)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def save_mapping(path: str | os.PathLike[str], mapping: ColumnMapping) -> None:
    """Write a mapping file atomically (a file system call: not on a GUI thread)."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(mapping_toml(mapping), encoding="utf-8")
    os.replace(tmp, target)


class RecordMapper:
    """Applies a mapping to the records of one import, with its warnings: a column ignored
    because another is mapped to its name (once per name), a mapped column the manifest never has."""

    def __init__(self, mapping: ColumnMapping, warn: Callable[[Message], None]) -> None:
        self._mapping = mapping
        self.columns = dict(mapping.columns)
        self._shadowed = mapping.shadowed
        self._by_target = {t: c for c, t in mapping.columns.items() if t is not None}
        self._warn = warn
        self._warned: set[str] = set()
        self._seen: set[str] = set()

    def header(self, names: list[str]) -> list[str]:
        """A CSV header's columns as fields (those left out or shadowed are dropped); warns now
        about mapped columns the header lacks and columns shadowed by a mapped one."""
        self._seen.update(names)
        for name in names:
            if name in self._shadowed:
                self._shadow(name)
        self.finish()
        return self.fields(names)

    def fields(self, names: list[str]) -> list[str]:
        """What a header's columns become (no warnings)."""
        return [f for n in names if (f := self._mapping.field_of(n)) is not None]

    def __call__(self, record: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        columns = self.columns
        for key, value in record.items():
            if key in columns:
                self._seen.add(key)
                target = columns[key]
                if target is not None:
                    out[target] = value
            elif key in self._shadowed:
                self._shadow(key)
            else:
                out[key] = value
        return out

    def _shadow(self, name: str) -> None:
        if name not in self._warned:
            self._warned.add(name)
            self._warn(Message.of("import.map_shadowed", column=clip(name), source=clip(self._by_target[name])))

    def finish(self) -> None:
        """Warn about every mapped column not seen (once; for JSONL, after the last record)."""
        for column in self.columns:
            if column not in self._seen:
                self._seen.add(column)
                self._warn(Message.of("import.map_column_absent", column=clip(column)))
