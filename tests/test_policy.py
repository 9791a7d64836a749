"""The versioned policy file: the shipped one is complete, and a malformed one is refused
with a PolicyError that names the file and the field, never a bare KeyError."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from moderator_gui.core.policy import PolicyError, default_policy_path, load_policy, parse_policy
from moderator_gui.core.store import Store
from moderator_gui.core.store.tables import decisions_t
from store_helpers import add_items, decision

SHIPPED_TEXT = default_policy_path().read_text(encoding="utf-8")
SHIPPED = tomllib.loads(SHIPPED_TEXT)

CAC_2021 = [
    "minor_wealth_display", "porn_violence", "harmful_animation", "self_harm_csam",
    "fan_fundraising", "cyberbullying", "addiction_safeguards",
]


def test_the_shipped_policy_has_the_seven_categories_then_no_violation() -> None:
    policy = load_policy()
    assert policy.version == "cac-minors-2021.1"
    assert [c.code for c in policy.categories] == [*CAC_2021, "no_violation"]
    assert [c.key for c in policy.categories] == ["1", "2", "3", "4", "5", "6", "7", "0"]
    assert all(c.is_violation for c in policy.categories[:7]) and not policy.no_violation.is_violation
    for c in policy.categories:
        assert c.label.zh_CN.strip() and c.label.en.strip() and c.description.zh_CN.strip()
        assert all(policy.has_action(a) for a in c.default_actions)
    assert policy.category("porn_violence").label.get("zh_CN") == "色情暴力内容"
    assert policy.category("porn_violence").label.get("en") == "Pornography and violence"
    assert policy.category_for_key("4").code == "self_harm_csam"  # type: ignore[union-attr]
    assert policy.category_for_key("9") is None


def test_which_decisions_need_a_note() -> None:
    policy = load_policy()
    assert policy.required_fields("self_harm_csam", ["remove_content"]) == {"note"}
    assert policy.required_fields(None, ["escalate"]) == {"note"}
    assert policy.required_fields("porn_violence", ["report_authorities"]) == {"note"}
    assert policy.required_fields("porn_violence", ["remove_content", "suspend_account"]) == frozenset()
    policy.validate_decision("self_harm_csam", ["report_authorities"], "ticket 42")
    with pytest.raises(PolicyError, match=r"note is required for: Self-harm .*, Report to authorities"):
        policy.validate_decision("self_harm_csam", ["report_authorities"], " \n")
    with pytest.raises(PolicyError, match="unknown category code 'nope'"):
        policy.category("nope")


def _mutated(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(SHIPPED)
    change(data)
    return data


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """``category.3.label.zh_CN`` = value (``None``: delete it)."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        node: Any = data
        for p in parents:
            node = node[p]
        if value is None:
            del node[last]
        else:
            node[last] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("category.3.label.zh_CN", None), "category[3].label.zh_CN: missing"),
        (_set("category.0.label.en", "  "), "category[0].label.en: empty"),
        (_set("category.1.severity", "5"), "category[1].severity: expected int, got str"),
        (_set("category.1.severity", True), "category[1].severity: expected int, got bool"),
        (_set("category.1.severity", 9), "category[1].severity: 9 is outside 0-5"),
        (_set("category.0.default_actions", ["remove_content", "burn"]), "category[0].default_actions[1]: unknown action 'burn'"),
        (_set("category.2.colour", "pink"), "category[2].colour: 'pink' is not a #rrggbb colour"),
        (_set("category.2.colour", "#12345"), "category[2].colour: '#12345' is not a #rrggbb colour"),
        (_set("category.6.key", "1"), "category: duplicate key ['1']"),
        (_set("category.6.key", "12"), "category[6].key: '12' must be one digit"),
        (_set("category.6.key", "²"), "category[6].key: '²' must be one digit"),
        (_set("category.5.code", "porn_violence"), "category: duplicate code ['porn_violence']"),
        (_set("category.5.code", "Cyber Bullying"), "category[5].code: 'Cyber Bullying' is not a valid code"),
        (_set("category.0.requires", ["signature"]), "category[0].requires: unknown field(s) ['signature']"),
        (_set("category.0", "text"), "category[0]: expected a table"),
        (lambda d: d["category"].pop(), "category: expected the 7 categories, got 6"),
        (lambda d: d["category"].append(copy.deepcopy(d["category"][0])), "expected the 7 categories, got 8"),
        (_set("action.1.code", "remove_content"), "action: duplicate action codes"),
        (_set("action.0.label", "Remove"), "action[0].label: expected dict, got str"),
        (_set("no_violation", None), "policy.no_violation: missing"),
        (_set("no_violation.colour", None), "no_violation.colour: missing"),
        (_set("version", None), "policy.version: missing"),
        (_set("schema", 2), "schema: expected 1, got 2"),
    ],
)
def test_a_malformed_field_is_named(change: Callable[[dict[str, Any]], None], message: str) -> None:
    with pytest.raises(PolicyError) as exc:
        parse_policy(_mutated(change), "team.toml")
    assert str(exc.value).startswith("team.toml: ")
    assert message in str(exc.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('label.zh_CN = "色情暴力内容"\n', "", "category[1].label.zh_CN: missing"),
        (
            'severity = 5\ncolour = "#dc2626"',
            'severity = "high"\ncolour = "#dc2626"',
            "category[1].severity: expected int, got str",
        ),
        (
            'default_actions = ["order_rectification"]',
            'default_actions = ["fine_parents"]',
            "category[6].default_actions[0]: unknown action 'fine_parents'",
        ),
        ('colour = "#7c3aed"', 'colour = "purple"', "category[4].colour: 'purple' is not a #rrggbb colour"),
        ('key = "2"', 'key = "1"', "category: duplicate key ['1']"),
        ('code = "porn_violence"\nkey = "2"', 'code = "porn_violence"\nkey = "2"\nkey = "3"', "invalid TOML"),
        ("schema = 1", "schema = 1\nversion = [", "invalid TOML"),
    ],
)
def test_a_malformed_policy_file_is_named(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert SHIPPED_TEXT.count(old) == 1, old
    path = tmp_path / "policy.toml"
    path.write_text(SHIPPED_TEXT.replace(old, new), encoding="utf-8")
    with pytest.raises(PolicyError) as exc:
        load_policy(path)
    assert str(exc.value).startswith(f"{path}: ") and message in str(exc.value)


def test_six_categories_in_a_file(tmp_path: Path) -> None:
    start = SHIPPED_TEXT.index("[[category]]\ncode = \"addiction_safeguards\"")
    path = tmp_path / "six.toml"
    path.write_text(SHIPPED_TEXT[:start] + SHIPPED_TEXT[SHIPPED_TEXT.index("[no_violation]"):], encoding="utf-8")
    with pytest.raises(PolicyError, match="expected the 7 categories, got 6"):
        load_policy(path)


def test_a_policy_file_that_is_not_utf8_or_missing(tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes(SHIPPED_TEXT.encode("gb18030"))
    with pytest.raises(PolicyError, match=r"gbk.toml: not UTF-8 \(byte \d+\)"):
        load_policy(gbk)
    with pytest.raises(PolicyError, match="cannot read policy file"):
        load_policy(tmp_path / "absent.toml")


def test_a_team_policy_version_is_recorded_with_each_decision(tmp_path: Path, sqlite_path: Path) -> None:
    path = tmp_path / "team.toml"
    path.write_text(SHIPPED_TEXT.replace('version = "cac-minors-2021.1"', 'version = "team-2026.2"'), encoding="utf-8")
    policy = load_policy(path)
    assert (policy.version, policy.source) == ("team-2026.2", str(path))
    with Store.open(sqlite_path, policy=policy) as store:
        (item,) = add_items(store, 1)
        assert store.record(decision(item)).policy_version == "team-2026.2"
    with Store.open(sqlite_path) as store:  # the shipped policy: earlier events keep theirs
        (item2,) = add_items(store, 1, prefix="second")
        assert store.record(decision(item2)).policy_version == "cac-minors-2021.1"
        with store.read() as conn:
            versions = conn.execute(select(decisions_t.c.policy_version).order_by(decisions_t.c.seq)).scalars().all()
    assert versions == ["team-2026.2", "cac-minors-2021.1"]
