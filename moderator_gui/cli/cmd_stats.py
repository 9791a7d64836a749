"""`moderator-cli stats`: queue size and age, decisions by category, action, reviewer and day."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from moderator_gui.cli.common import add_db_option, fail, open_store, print_json
from moderator_gui.cli.filter_options import add_filter_options, filter_from_args, filter_problem
from moderator_gui.core.stats import IN_FORCE_NOTE

if TYPE_CHECKING:
    from moderator_gui.core.policy import Policy
    from moderator_gui.core.stats import Stats


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "stats",
        help="queue and decision statistics",
        description="Queue size by status and age, decisions by category, action, reviewer and day, "
        "median handling time. " + IN_FORCE_NOTE[0].upper() + IN_FORCE_NOTE[1:] + ".",
    )
    add_db_option(p)
    p.add_argument("--json", action="store_true", help="machine-readable JSON")
    add_filter_options(p)
    p.set_defaults(func=run)


def _section(title: str, counts: dict[str, int], label: dict[str, str] | None = None) -> list[str]:
    lines = [f"{title}:"]
    if not counts:
        return [*lines, "  (none)"]
    width = max(len((label or {}).get(k, k)) for k in counts)
    lines += [f"  {(label or {}).get(k, k):<{width}}  {n:>8}" for k, n in counts.items()]
    return lines


def render_text(stats: Stats, policy: Policy) -> str:
    """Human-readable report; category and action codes shown with their English labels."""
    cats = {c.code: f"{c.label.en} ({c.code})" for c in policy.categories}
    acts = {a.code: f"{a.label.en} ({a.code})" for a in policy.actions}
    filt = ", ".join(f"{k}={v}" for k, v in stats.filter.to_json().items() if v is not None) or "none"
    median = "n/a" if stats.median_handling_ms is None else f"{stats.median_handling_ms / 1000:.1f} s"
    lines = [
        f"Filter: {filt}",
        f"Note: {IN_FORCE_NOTE} ({stats.reverted_excluded} undone event(s) excluded).",
        "",
        *_section("Queue by status", stats.queue_by_status),
        *_section("Open items (pending + skipped) by age since flagged", stats.open_age),
        "",
        f"Decisions (not undone): {stats.decisions}",
        f"Median handling time: {median} (over {stats.handling_samples} timed decisions)",
        *_section("Events by kind", stats.events_by_kind),
        *_section("Decisions by category", stats.by_category, cats),
        *_section("Events by action", stats.by_action, acts),
        *_section("Decisions by reviewer", {r: k.get("decide", 0) for r, k in stats.by_reviewer.items()}),
        *_section("Decisions by day (UTC)", stats.by_day),
    ]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from moderator_gui.core.decision_filter import FilterError
    from moderator_gui.core.stats import compute_stats

    try:
        flt = filter_from_args(args)
    except FilterError as exc:
        return fail("stats", filter_problem(exc))
    with open_store(args, create=False) as store:
        try:
            stats = compute_stats(store, flt)
        except FilterError as exc:
            return fail("stats", filter_problem(exc))
        if args.json:
            print_json(stats.to_json())
        else:
            sys.stdout.write(render_text(stats, store.policy))
    return 0
