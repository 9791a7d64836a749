"""The names and texts of the sample queue, read from ``resources/demo/samples.toml``.

Why a data file: accounts, reviewers, flag reasons, posts, notes, platforms and
flag sources are example material, not logic; they can be read and edited
without reading the generator. Their ORDER is part of the demo's determinism
(the generator draws from these lists with seeded random numbers).

The file is read once (:func:`bundled_samples`) and checked; a malformed file raises
:class:`SamplesError` naming the file and the key (``text_posts[3].suspected``).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderator_gui.core.domain import ContentType
from moderator_gui.core.messages import QT_TRANSLATE_NOOP, CodedError, catalogue
from moderator_gui.core.paths import resources_dir

SAMPLES_FILE = Path("demo") / "samples.toml"  # inside resources/

catalogue(
    {
        "demo.samples": QT_TRANSLATE_NOOP("Messages", "the demo samples file {path} is malformed: {key}: {problem}"),
    }
)


class SamplesError(CodedError, ValueError):
    """The samples file is missing, unreadable, not TOML, or a key is missing or of the wrong kind."""

    def __init__(self, path: Path, key: str, problem: str) -> None:
        super().__init__("demo.samples", path=str(path), key=key, problem=problem)
        self.path, self.key, self.problem = path, key, problem


@dataclass(frozen=True)
class Samples:
    """The file's contents, in the shapes the generator draws from (tuples, in file order)."""

    source: Path
    accounts: tuple[str, ...]
    team: tuple[str, ...]  # reviewers other than the lead
    lead: str
    flag_reasons: Mapping[str | None, tuple[str, ...]]  # per suspected category; None: nothing suspected
    text_posts: tuple[tuple[str, str | None], ...]  # (text, suspected category or None)
    escalation_notes: tuple[str, ...]
    decision_notes: tuple[str, ...]
    revert_notes: tuple[str, ...]
    platforms: tuple[str, ...]
    id_prefix: Mapping[str, str]  # platform -> prefix of its external ids
    platform_weights: Mapping[ContentType, tuple[int, ...]]  # content type -> weight per platform (platforms order)
    flag_sources: tuple[str, ...]
    flag_source_weights: tuple[int, ...]

    @property
    def reviewers(self) -> tuple[str, ...]:
        """Every reviewer name, the lead last."""
        return (*self.team, self.lead)

    @property
    def any_category(self) -> tuple[str, ...]:
        """The categories with flag reasons, in file order: what "any category" means to the media pool."""
        return tuple(c for c in self.flag_reasons if c is not None)


class _Reader:
    """Typed access to the parsed TOML that names the key of whatever is wrong."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> SamplesError:
        return SamplesError(self.path, key, problem)

    def get(self, table: Mapping[str, Any], key: str, where: str, kind: type) -> Any:
        name = f"{where}.{key}" if where else key
        if key not in table:
            raise self.fail(name, "missing")
        return self.check(table[key], name, kind)

    def check(self, value: Any, name: str, kind: type) -> Any:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(name, f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    def texts(self, table: Mapping[str, Any], key: str, where: str = "", *, allow_empty: bool = False) -> tuple[str, ...]:
        """A non-empty list of strings (each non-blank unless ``allow_empty``)."""
        name = f"{where}.{key}" if where else key
        values = self.get(table, key, where, list)
        if not values:
            raise self.fail(name, "the list is empty")
        for i, value in enumerate(values):
            self.check(value, f"{name}[{i}]", str)
            if not allow_empty and not value.strip():
                raise self.fail(f"{name}[{i}]", "blank text")
        return tuple(values)

    def names(self, table: Mapping[str, Any], key: str, where: str = "") -> tuple[str, ...]:
        """A non-empty list of distinct, non-blank names."""
        values = self.texts(table, key, where)
        for i, value in enumerate(values):
            if value in values[:i]:
                raise self.fail(f"{where}.{key}[{i}]" if where else f"{key}[{i}]", f"{value!r} is listed twice")
        return values

    def weight(self, table: Mapping[str, Any], key: str, where: str) -> int:
        value = self.get(table, key, where, int)
        if value < 0:
            raise self.fail(f"{where}.{key}", f"a weight must be 0 or more, got {value}")
        return int(value)


def load_samples(path: Path) -> Samples:
    """Read and check a samples file (see ``resources/demo/samples.toml`` for its layout)."""
    r = _Reader(path)
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        raise r.fail("(file)", f"cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise r.fail("(file)", f"not UTF-8: {exc.reason}") from None
    except tomllib.TOMLDecodeError as exc:
        raise r.fail("(file)", f"not valid TOML: {exc}") from None

    accounts = r.names(data, "accounts")

    reviewers = r.get(data, "reviewers", "", dict)
    team = r.names(reviewers, "team", "reviewers")
    lead = r.get(reviewers, "lead", "reviewers", str)
    if not lead.strip():
        raise r.fail("reviewers.lead", "blank text")
    if lead in team:
        raise r.fail("reviewers.lead", f"{lead!r} is also in reviewers.team")

    reasons_table = r.get(data, "flag_reasons", "", dict)
    by_category = r.get(reasons_table, "by_category", "flag_reasons", dict)
    if not by_category:
        raise r.fail("flag_reasons.by_category", "no category")
    flag_reasons: dict[str | None, tuple[str, ...]] = {
        code: r.texts(by_category, code, "flag_reasons.by_category") for code in by_category
    }
    flag_reasons[None] = r.texts(reasons_table, "unsuspected", "flag_reasons")

    posts = r.get(data, "text_posts", "", list)
    if not posts:
        raise r.fail("text_posts", "the list is empty")
    text_posts: list[tuple[str, str | None]] = []
    for i, post in enumerate(posts):
        where = f"text_posts[{i}]"
        r.check(post, where, dict)
        text = r.get(post, "text", where, str)
        if not text.strip():
            raise r.fail(f"{where}.text", "blank text")
        suspected = r.get(post, "suspected", where, str) if "suspected" in post else None
        if suspected is not None and suspected not in by_category:
            raise r.fail(f"{where}.suspected", f"{suspected!r} has no [flag_reasons.by_category] entry")
        text_posts.append((text, suspected))

    notes = r.get(data, "notes", "", dict)
    escalation = r.texts(notes, "escalation", "notes")
    decision = r.texts(notes, "decision", "notes")
    revert = r.texts(notes, "revert", "notes", allow_empty=True)

    platform_table = r.get(data, "platforms", "", dict)
    if not platform_table:
        raise r.fail("platforms", "no platform")
    id_prefix: dict[str, str] = {}
    weights: dict[ContentType, list[int]] = {ct: [] for ct in ContentType}
    for name, spec in platform_table.items():
        where = f"platforms.{name}"
        r.check(spec, where, dict)
        id_prefix[name] = r.get(spec, "id_prefix", where, str)
        per_type = r.get(spec, "weights", where, dict)
        for key in per_type:
            if key not in weights:
                raise r.fail(f"{where}.weights.{key}", f"not a content type ({', '.join(weights)})")
        for ct, column in weights.items():
            column.append(r.weight(per_type, ct.value, f"{where}.weights"))
    for ct, column in weights.items():
        if not sum(column):
            raise r.fail("platforms", f"no platform carries {ct.value!r} (every weight is 0)")

    source_table = r.get(data, "flag_sources", "", dict)
    if not source_table:
        raise r.fail("flag_sources", "no flag source")
    source_weights = tuple(r.weight(source_table, name, "flag_sources") for name in source_table)
    if not sum(source_weights):
        raise r.fail("flag_sources", "every weight is 0")

    return Samples(
        source=path,
        accounts=accounts,
        team=team,
        lead=lead,
        flag_reasons=flag_reasons,
        text_posts=tuple(text_posts),
        escalation_notes=escalation,
        decision_notes=decision,
        revert_notes=revert,
        platforms=tuple(platform_table),
        id_prefix=id_prefix,
        platform_weights={ct: tuple(column) for ct, column in weights.items()},
        flag_sources=tuple(source_table),
        flag_source_weights=source_weights,
    )


@functools.cache
def bundled_samples() -> Samples:
    """The bundled samples file, read once per process."""
    return load_samples(resources_dir() / SAMPLES_FILE)
