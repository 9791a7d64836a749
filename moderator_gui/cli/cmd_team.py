"""`moderator-cli team ...`: set up and run a team on a PostgreSQL server.

    team init     --db URL [--lease-seconds N]                  (the database owner)
    team add-user NAME --role reviewer|lead --db URL [--password-file F | --no-password]
    team users    --db URL [--json]
    team claims   --db URL [--json]
    team release  (ITEM_ID | --reviewer NAME) --db URL           (leads)

A password is read from a file or asked on the terminal, never taken on the command
line (it would be in the shell history and in ``ps``); it reaches the server as a
SCRAM verifier, not as the password itself.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moderator_gui.cli.common import add_db_option, fail, open_store, print_json

if TYPE_CHECKING:
    from moderator_gui.core.store import Store

ROLES = ("reviewer", "lead")
MAX_PASSWORD_FILE = 4096


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "team",
        help="set up and run a team on a PostgreSQL server (users, roles, claims)",
        description="Team mode: many desks on one PostgreSQL database, each person logged in as their own "
        "PostgreSQL role; the server enforces who may do what. See README, 'Team set-up'.",
    )
    team = p.add_subparsers(dest="team_command", required=True, metavar="TEAM_COMMAND")

    init = team.add_parser("init", help="create or upgrade the schema, roles, grants and rules (database owner)")
    add_db_option(init)
    init.add_argument("--lease-seconds", type=int, metavar="N", help="how long a claim lasts without a heartbeat (default 120)")
    init.set_defaults(func=run_init)

    # No abbreviations: "--password x" must not be taken for "--password-file x".
    add = team.add_parser("add-user", help="create a login (or change its role)", allow_abbrev=False)
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=ROLES)
    add_db_option(add)
    secret = add.add_mutually_exclusive_group()
    secret.add_argument("--password-file", type=Path, metavar="F", help="the password is the first line of F")
    secret.add_argument("--no-password", action="store_true", help="set no password (servers that authenticate otherwise)")
    add.set_defaults(func=run_add_user)

    users = team.add_parser("users", help="list the team's users")
    add_db_option(users)
    users.add_argument("--json", action="store_true")
    users.set_defaults(func=run_users)

    claims = team.add_parser("claims", help="list who holds which item, until when")
    add_db_option(claims)
    claims.add_argument("--json", action="store_true")
    claims.set_defaults(func=run_claims)

    release = team.add_parser("release", help="give items back to everyone (leads)")
    which = release.add_mutually_exclusive_group(required=True)
    which.add_argument("item_id", nargs="?", type=int, metavar="ITEM_ID")
    which.add_argument("--reviewer", metavar="NAME", help="every claim of this reviewer")
    add_db_option(release)
    release.set_defaults(func=run_release)


def _team_store(args: argparse.Namespace, command: str) -> Store | int:
    """The store of a PostgreSQL ``--db``, or the exit code of a clear refusal."""
    from moderator_gui.core.store.engine import resolve_target

    try:
        url = resolve_target(args.db)
    except Exception as exc:  # noqa: BLE001 - SQLAlchemy's ArgumentError or a ValueError: an unusable --db
        return fail(command, f"not a database URL: {exc}")
    if url.get_backend_name() != "postgresql":
        return fail(
            command,
            f"team mode needs a PostgreSQL server; {args.db or url.database} is a SQLite file "
            "(give --db postgresql+psycopg://USER@HOST/DB)",
        )
    return open_store(args, create=False)


def run_init(args: argparse.Namespace) -> int:
    if args.lease_seconds is not None and not 5 <= args.lease_seconds <= 86_400:
        return fail("team init", "--lease-seconds must be between 5 and 86400")
    store = _team_store(args, "team init")
    if isinstance(store, int):
        return store
    with store:
        store.team_init(lease_seconds=args.lease_seconds)
        lease = store.settings().get("lease_seconds")
        print(f"team ready on {store.describe()}: roles moderator_reviewer and moderator_lead, lease {lease} s")
    return 0


def _read_password(args: argparse.Namespace) -> str | int | None:
    if args.no_password:
        return None
    if args.password_file is not None:
        try:
            with open(args.password_file, "rb") as f:
                raw = f.read(MAX_PASSWORD_FILE + 1)
        except OSError as exc:
            return fail("team add-user", f"cannot read {args.password_file}: {exc.strerror or exc}")
        if len(raw) > MAX_PASSWORD_FILE:
            return fail("team add-user", f"{args.password_file} is not a password file (over {MAX_PASSWORD_FILE} bytes)")
        try:
            password = raw.decode("utf-8").splitlines()[0] if raw.strip() else ""
        except UnicodeDecodeError:
            return fail("team add-user", f"{args.password_file} is not UTF-8 text")
    elif sys.stdin.isatty():
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            return fail("team add-user", "the two passwords differ; nothing was changed")
    else:
        return fail("team add-user", "give --password-file F (or --no-password), or run it in a terminal to be asked")
    if len(password) < 8:
        return fail("team add-user", "a password needs at least 8 characters; nothing was changed")
    return password


def run_add_user(args: argparse.Namespace) -> int:
    password = _read_password(args)
    if isinstance(password, int):
        return password
    store = _team_store(args, "team add-user")
    if isinstance(store, int):
        return store
    with store:
        new = store.add_user(args.name, args.role, password=password)
    print(f"{'added' if new else 'updated'} {args.name} ({args.role})")
    return 0


def run_users(args: argparse.Namespace) -> int:
    store = _team_store(args, "team users")
    if isinstance(store, int):
        return store
    with store:
        users = store.users()
    if args.json:
        print_json({"users": [{"name": u.name, "role": u.role, "can_login": u.can_login} for u in users]})
    else:
        for u in users:
            print(f"{u.name:<32} {u.role}")
        print(f"{len(users)} user(s)", file=sys.stderr)
    return 0


def _iso(value: Any) -> str:
    return str(value.isoformat()).replace("+00:00", "Z")


def run_claims(args: argparse.Namespace) -> int:
    store = _team_store(args, "team claims")
    if isinstance(store, int):
        return store
    with store:
        claims = store.claims()
    if args.json:
        print_json(
            {"claims": [{"item_id": c.item_id, "external_id": c.external_id, "reviewer": c.reviewer,
                         "expires_at": _iso(c.expires_at)} for c in claims]}
        )
    else:
        for c in claims:
            print(f"{c.item_id:>8}  {c.external_id:<32} {c.reviewer:<24} until {_iso(c.expires_at)}")
        print(f"{len(claims)} claim(s)", file=sys.stderr)
    return 0


def run_release(args: argparse.Namespace) -> int:
    store = _team_store(args, "team release")
    if isinstance(store, int):
        return store
    with store:
        store.require_lead("release claims")
        n = store.release_claims(args.reviewer) if args.reviewer else store.release_item(args.item_id)
    print(f"released {n} claim(s)")
    return 0
