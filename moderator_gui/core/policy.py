"""The review policy: categories, actions and their rules, loaded from a versioned TOML file.

A malformed policy file raises :class:`PolicyError` naming the file and the
field (``category[3].label.zh_CN``), never a bare ``KeyError``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moderator_gui.core.messages import QT_TRANSLATE_NOOP, CodedError, Message, catalogue, is_code
from moderator_gui.core.paths import resources_dir

LANGUAGES = ("en", "zh_CN")
_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
KNOWN_REQUIREMENTS = frozenset({"note"})


catalogue(
    {
        "policy.file": QT_TRANSLATE_NOOP("Messages", "{detail}"),
        "policy.unknown_category": QT_TRANSLATE_NOOP("Messages", "unknown category code {code!r}"),
        "policy.unknown_action": QT_TRANSLATE_NOOP("Messages", "unknown action code {code!r}"),
        "policy.note_required": QT_TRANSLATE_NOOP("Messages", "a note is required for: {labels}"),
    }
)


class PolicyError(CodedError, ValueError):
    """The policy file is missing, unreadable or malformed (``policy.file``: the text says
    where), or a decision breaks one of its rules (a code of its own)."""

    def __init__(self, msg: Message | str, /, **params: Any) -> None:
        if isinstance(msg, str) and not is_code(msg):
            msg = Message.of("policy.file", detail=msg)
        super().__init__(msg, **params)


@dataclass(frozen=True)
class Label:
    en: str
    zh_CN: str  # noqa: N815 - the locale's name, as in the policy file

    def get(self, lang: str) -> str:
        return self.zh_CN if lang.startswith("zh") else self.en


@dataclass(frozen=True)
class Category:
    code: str
    key: str
    severity: int
    colour: str
    label: Label
    description: Label
    default_actions: tuple[str, ...]
    requires: frozenset[str] = frozenset()
    is_violation: bool = True


@dataclass(frozen=True)
class Action:
    code: str
    label: Label
    description: Label
    requires: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Policy:
    version: str
    categories: tuple[Category, ...]  # the seven categories, then "no violation" last
    actions: tuple[Action, ...]
    source: str = ""
    _by_code: dict[str, Category] = field(default_factory=dict, compare=False, repr=False)
    _actions_by_code: dict[str, Action] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_code.update({c.code: c for c in self.categories})
        self._actions_by_code.update({a.code: a for a in self.actions})

    @property
    def no_violation(self) -> Category:
        return self.categories[-1]

    def category(self, code: str) -> Category:
        try:
            return self._by_code[code]
        except KeyError:
            raise PolicyError("policy.unknown_category", code=code) from None

    def action(self, code: str) -> Action:
        try:
            return self._actions_by_code[code]
        except KeyError:
            raise PolicyError("policy.unknown_action", code=code) from None

    def has_category(self, code: str) -> bool:
        return code in self._by_code

    def has_action(self, code: str) -> bool:
        return code in self._actions_by_code

    def category_for_key(self, key: str) -> Category | None:
        return next((c for c in self.categories if c.key == key), None)

    def required_fields(self, category: str | None, actions: list[str] | tuple[str, ...]) -> frozenset[str]:
        """Fields a decision with this category and these actions must fill."""
        req: set[str] = set()
        if category is not None:
            req |= self.category(category).requires
        for a in actions:
            req |= self.action(a).requires
        return frozenset(req)

    def validate_decision(self, category: str | None, actions: list[str] | tuple[str, ...], note: str) -> None:
        """Raise PolicyError with a user-facing reason if the decision breaks a policy rule."""
        if category is not None and not self.has_category(category):
            raise PolicyError("policy.unknown_category", code=category)
        for a in actions:
            if not self.has_action(a):
                raise PolicyError("policy.unknown_action", code=a)
        if "note" in self.required_fields(category, actions) and not note.strip():
            needs = [self.action(a).label.en for a in actions if "note" in self.action(a).requires]
            if category is not None and "note" in self.category(category).requires:
                needs.insert(0, self.category(category).label.en)
            raise PolicyError("policy.note_required", labels=", ".join(needs))


def _get(table: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...]) -> Any:
    if key not in table:
        raise PolicyError(f"{where}.{key}: missing")
    value = table[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        raise PolicyError(
            f"{where}.{key}: expected {' or '.join(k.__name__ for k in kinds)}, got {type(value).__name__}"
        )
    return value


def _label(table: dict[str, Any], key: str, where: str) -> Label:
    sub = _get(table, key, where, dict)
    values = {}
    for lang in LANGUAGES:
        text = _get(sub, lang, f"{where}.{key}", str)
        if not text.strip():
            raise PolicyError(f"{where}.{key}.{lang}: empty")
        values[lang] = text
    return Label(**values)


def _code(table: dict[str, Any], where: str) -> str:
    code = _get(table, "code", where, str)
    if not _CODE_RE.match(code):
        raise PolicyError(f"{where}.code: {code!r} is not a valid code (lowercase letters, digits, _)")
    return code


def _requires(table: dict[str, Any], where: str) -> frozenset[str]:
    req = table.get("requires", [])
    if not isinstance(req, list) or not all(isinstance(r, str) for r in req):
        raise PolicyError(f"{where}.requires: expected a list of field names")
    unknown = set(req) - KNOWN_REQUIREMENTS
    if unknown:
        raise PolicyError(f"{where}.requires: unknown field(s) {sorted(unknown)}; known: {sorted(KNOWN_REQUIREMENTS)}")
    return frozenset(req)


def _category(table: Any, where: str, action_codes: set[str], is_violation: bool) -> Category:
    if not isinstance(table, dict):
        raise PolicyError(f"{where}: expected a table")
    severity = _get(table, "severity", where, int)
    if not 0 <= severity <= 5:
        raise PolicyError(f"{where}.severity: {severity} is outside 0-5")
    colour = _get(table, "colour", where, str)
    if not _COLOUR_RE.match(colour):
        raise PolicyError(f"{where}.colour: {colour!r} is not a #rrggbb colour")
    key = _get(table, "key", where, str)
    if len(key) != 1 or key not in "0123456789":  # str.isdigit() also takes "²" and "٣"
        raise PolicyError(f"{where}.key: {key!r} must be one digit")
    defaults = _get(table, "default_actions", where, list)
    for i, a in enumerate(defaults):
        if a not in action_codes:
            raise PolicyError(f"{where}.default_actions[{i}]: unknown action {a!r}")
    return Category(
        code=_code(table, where),
        key=key,
        severity=severity,
        colour=colour,
        label=_label(table, "label", where),
        description=_label(table, "description", where),
        default_actions=tuple(defaults),
        requires=_requires(table, where),
        is_violation=is_violation,
    )


def parse_policy(data: dict[str, Any], source: str = "<policy>") -> Policy:
    try:
        if data.get("schema") != 1:
            raise PolicyError(f"schema: expected 1, got {data.get('schema')!r}")
        version = _get(data, "version", "policy", str)
        raw_actions = _get(data, "action", "policy", list)
        actions = []
        for i, t in enumerate(raw_actions):
            where = f"action[{i}]"
            if not isinstance(t, dict):
                raise PolicyError(f"{where}: expected a table")
            actions.append(
                Action(
                    code=_code(t, where),
                    label=_label(t, "label", where),
                    description=_label(t, "description", where),
                    requires=_requires(t, where),
                )
            )
        action_codes = {a.code for a in actions}
        if len(action_codes) != len(actions):
            raise PolicyError("action: duplicate action codes")
        raw_cats = _get(data, "category", "policy", list)
        if len(raw_cats) != 7:
            raise PolicyError(f"category: expected the 7 categories, got {len(raw_cats)}")
        cats = [_category(t, f"category[{i}]", action_codes, True) for i, t in enumerate(raw_cats)]
        cats.append(_category(_get(data, "no_violation", "policy", dict), "no_violation", action_codes, False))
        for what in ("code", "key"):
            values = [getattr(c, what) for c in cats]
            dup = {v for v in values if values.count(v) > 1}
            if dup:
                raise PolicyError(f"category: duplicate {what} {sorted(dup)}")
        return Policy(version=version, categories=tuple(cats), actions=tuple(actions), source=source)
    except PolicyError as exc:
        raise PolicyError(f"{source}: {exc}") from None


def default_policy_path() -> Path:
    return resources_dir() / "policy" / "policy.toml"


def load_policy(path: Path | None = None) -> Policy:
    path = path or default_policy_path()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read policy file: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PolicyError(f"{path}: not UTF-8 (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path}: invalid TOML: {exc}") from None
    return parse_policy(data, str(path))
