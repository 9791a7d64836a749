"""The event filters of `export` and `stats`: the options, the filter they make, their errors.

Light on purpose (argparse only at import): ``moderator-cli --help`` builds every
command's parser, and must not load the database stack to do it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moderator_gui.core.decision_filter import DecisionFilter, FilterError

# FilterError.field -> the option that holds the value ("range" is both dates: no single option).
OPTION_OF_FIELD = {"since": "--since", "until": "--until", "category": "--category", "action": "--action"}


def add_filter_options(p: argparse.ArgumentParser) -> None:
    """The event filters shared by `export` and `stats`."""
    p.add_argument("--since", metavar="DATE", help="from this date (YYYY-MM-DD, UTC) or ISO 8601 time, inclusive")
    p.add_argument("--until", metavar="DATE", help="up to this date (whole day, UTC) or ISO 8601 time, inclusive")
    p.add_argument("--reviewer", metavar="R", help="only this reviewer's events (exact name)")
    p.add_argument("--category", metavar="C", help="only decisions with this category code")
    p.add_argument("--action", metavar="A", help="only events whose actions include this action code")


def filter_from_args(args: argparse.Namespace) -> DecisionFilter:
    """The filter the options describe; raises FilterError naming the bad field."""
    from moderator_gui.core.decision_filter import DecisionFilter

    return DecisionFilter.parse(args.since, args.until, args.reviewer, args.category, args.action)


def filter_problem(exc: FilterError) -> str:
    """The filter's error in English, naming the option that holds the bad value."""
    option = OPTION_OF_FIELD.get(exc.field)
    return f"{option}: {exc.message}" if option is not None else exc.message
