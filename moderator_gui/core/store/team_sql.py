"""What ``moderator-cli team init`` installs on a PostgreSQL server: roles, grants, row-level
security and the triggers that enforce who may do what. A desk is not trusted: every rule
a reviewer must obey is checked here, by the server, whatever SQL the desk sends.

* Group roles ``moderator_reviewer`` and ``moderator_lead`` (NOLOGIN); leads are members
  of the reviewer role too. People log in as their own LOGIN roles, members of one group.
* Media stored in the database (``blobs``, ``blob_chunks``): reviewers read it, only leads
  store or purge it, and only leads record purges (``media_purges``, ``media_retired``).
* Reviewers read the queue and its history; insert events, claims, skip marks, media
  probe results, their desk's heartbeat and kept conflicts — never update or delete
  events, never import items or create users, never take a lead's role.
* Identity is the login (``session_user``, which ``SET ROLE`` cannot change): an event
  must be recorded under the login's own reviewer row (SQLSTATE MD003); claims, skip
  marks, desks and conflicts are forced to the login's name and row-level security
  lets a reviewer change only their own.
* An event on an item someone else holds with a live claim is refused (MD001); only a
  lead may decide an escalated item (MD002); a reviewer may undo only their own events
  (MD004). Leases are the team's length, timed by the server's clock.
* The review policy is the server's too: ``team init`` stores it in ``settings`` (key
  ``policy``: the current version and the rules of every version the team has had) and
  an event must follow it: a known category and known actions (MD005, MD006), a
  decision has a category (MD007), a note where the policy requires one (MD008), the
  team's current policy version — or, in a lead's history import, one the team has
  stored (MD009), a plausible time (MD010: not more than 5 minutes ahead of the server's
  clock, not before 2000), and a well-formed event (MD011: a known kind, a JSON array
  of action codes, no category on a skip or escalation, an undo of an earlier event
  of the same item, ``reverts`` only on an undo, no negative time spent).

Idempotent: running it again (or after an upgrade) re-creates functions, triggers and
policies and re-grants. Roles belong to the whole server, so two team databases on one
server share the two group roles (each database grants its own tables).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from moderator_gui.core.store.team_dupes_sql import dupes_security_sql

if TYPE_CHECKING:
    from moderator_gui.core.policy import Policy

REVIEWER_ROLE = "moderator_reviewer"
LEAD_ROLE = "moderator_lead"
TEAM_KEY = "team"
POLICY_KEY = "policy"  # settings: the policy the server enforces (see policy_setting)
FUTURE_SLACK_SECONDS = 300  # how far ahead of the server's clock an event's time may be (desk clocks drift)
EARLIEST_EVENT = "2000-01-01"  # an event's time before this is nonsense
ROLES = {"reviewer": REVIEWER_ROLE, "lead": LEAD_ROLE}

# A superuser "is a member" of every role; it is the server's administrator, not a desk.
_NOT_SUPER = "NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)"
_MEMBER = f"(pg_has_role(session_user, '{REVIEWER_ROLE}', 'MEMBER') AND {_NOT_SUPER})"
_LEAD = f"(pg_has_role(session_user, '{LEAD_ROLE}', 'MEMBER') AND {_NOT_SUPER})"


# The characters Python's ``str.strip()`` removes (``str.isspace()``): a note made only of
# these is blank for the desk (policy.validate_decision) and for the server alike.
_BLANK_NOTE = r"^[\t\n\v\f\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"


def policy_rules(policy: Policy) -> dict[str, list[str]]:
    """What the server checks of one policy version: its codes and what requires a note."""
    return {
        "categories": sorted(c.code for c in policy.categories),
        "actions": sorted(a.code for a in policy.actions),
        "note_categories": sorted(c.code for c in policy.categories if "note" in c.requires),
        "note_actions": sorted(a.code for a in policy.actions if "note" in a.requires),
    }


def policy_setting(policy: Policy, stored: str | None = None) -> str:
    """The ``policy`` setting after ``team init`` with ``policy``: it becomes the current
    version (its rules refreshed); the versions stored before are kept, so that a lead's
    history import made under one of them is still accepted."""
    versions: dict[str, Any] = {}
    if stored:
        try:
            old = json.loads(stored)
        except ValueError:
            old = None
        if isinstance(old, dict) and isinstance(old.get("versions"), dict):
            versions.update(old["versions"])
    versions[policy.version] = policy_rules(policy)
    return json.dumps({"current": policy.version, "versions": versions}, sort_keys=True, ensure_ascii=False)


def roles_sql() -> list[str]:
    """The group roles (cluster-wide; a concurrent init elsewhere may create them first)."""
    out = []
    for role in (REVIEWER_ROLE, LEAD_ROLE):
        out.append(
            f"""DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
                    CREATE ROLE {role} NOLOGIN;
                END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$"""
        )
    out.append(f"GRANT {REVIEWER_ROLE} TO {LEAD_ROLE}")
    return out


def install_dupes_checks(bind: Any, execute: Callable[[str], object], *, verify_merges: bool = True) -> None:
    """For the migrations that change them: on a team server (``team init`` has run), install the
    checks on duplicate links and list matches again through ``execute`` (alembic's ``op.execute``)."""
    if bind.dialect.name != "postgresql":
        return
    team = bind.exec_driver_sql(
        "SELECT 1 FROM settings WHERE key = 'team' AND value = '1' "
        "AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'moderator_lead')"
    ).first()
    if team is not None:
        schema = bind.exec_driver_sql("SELECT current_schema()").scalar_one()
        for stmt in dupes_sql(schema, verify_merges=verify_merges):
            execute(stmt)


def dupes_sql(schema: str, *, verify_merges: bool = True) -> list[str]:
    """The checks on duplicate links and list matches (team_dupes_sql.py)."""
    path = f'SET search_path = pg_catalog, "{schema}", pg_temp'
    return dupes_security_sql(path, f"({_MEMBER} AND NOT {_LEAD})", REVIEWER_ROLE, verify_merges=verify_merges)


def security_sql(schema: str) -> list[str]:
    s = f'"{schema}"'
    path = f"SET search_path = pg_catalog, {s}, pg_temp"
    read = (
        "items, decisions, reviewers, media, claims, skip_marks, settings, desks, conflicts, alembic_version, "
        "blobs, blob_chunks, media_purges, media_retired, "
        "media_signatures, media_clusters, hash_lists, hash_list_signals, media_matches"
    )
    stmts = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {REVIEWER_ROLE}, {LEAD_ROLE}",
        f"GRANT USAGE ON SCHEMA {s} TO {REVIEWER_ROLE}",
        f"GRANT SELECT ON {read} TO {REVIEWER_ROLE}",
        f"GRANT INSERT ON decisions, skip_marks, conflicts TO {REVIEWER_ROLE}",
        f"GRANT INSERT, UPDATE, DELETE ON claims, desks TO {REVIEWER_ROLE}",
        f"GRANT INSERT, UPDATE ON media TO {REVIEWER_ROLE}",
        # Desks save the signatures their media workers computed, link near duplicates and mark
        # new media that match a hash list (core/store/dupes.py); only leads import lists.
        f"GRANT INSERT ON media_signatures TO {REVIEWER_ROLE}",  # a signature, once stored, never changes
        f"GRANT INSERT ON media_clusters, media_matches TO {REVIEWER_ROLE}",  # updates: see dupes_sql
        # Claiming locks item rows (FOR UPDATE SKIP LOCKED), which PostgreSQL allows only with the
        # right to update a column: this one means nothing and is never read.
        f"GRANT UPDATE (claim_lock) ON items TO {REVIEWER_ROLE}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {s} TO {REVIEWER_ROLE}",
        # Leads: import items, import histories under other names, reset skips, adjudicate.
        f"GRANT INSERT ON items, reviewers TO {LEAD_ROLE}",
        f"GRANT DELETE ON skip_marks TO {LEAD_ROLE}",
        f"GRANT UPDATE (resolution, resolved_by, resolved_at) ON conflicts TO {LEAD_ROLE}",
        # Media stored in the database: everyone reads it; only leads store it, purge it and
        # record purges (core/store/blobs.py).
        f"GRANT INSERT, DELETE ON blobs, blob_chunks, media_retired TO {LEAD_ROLE}",
        f"GRANT INSERT ON media_purges TO {LEAD_ROLE}",
        f"GRANT INSERT, DELETE ON hash_lists, hash_list_signals, media_matches TO {LEAD_ROLE}",
        f"GRANT UPDATE (signals) ON hash_lists TO {LEAD_ROLE}",
    ]
    # Row-level security: everyone reads; a reviewer changes only their own rows; leads all.
    own = "reviewer = session_user"
    for table, writes in (("claims", True), ("skip_marks", False), ("desks", True), ("conflicts", False)):
        stmts += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            *(f"DROP POLICY IF EXISTS {table}_{p} ON {table}" for p in ("read", "insert", "update", "delete", "lead")),
            f"CREATE POLICY {table}_read ON {table} FOR SELECT TO {REVIEWER_ROLE} USING (true)",
            f"CREATE POLICY {table}_insert ON {table} FOR INSERT TO {REVIEWER_ROLE} WITH CHECK ({own})",
            f"CREATE POLICY {table}_lead ON {table} FOR ALL TO {LEAD_ROLE} USING (true) WITH CHECK (true)",
        ]
        if writes:
            # A claim whose lease ran out may be taken over: its row then becomes the taker's.
            takeover = f"{own} OR expires_at <= now()" if table == "claims" else own
            stmts += [
                f"CREATE POLICY {table}_update ON {table} FOR UPDATE TO {REVIEWER_ROLE} USING ({takeover}) WITH CHECK ({own})",
                f"CREATE POLICY {table}_delete ON {table} FOR DELETE TO {REVIEWER_ROLE} USING ({own})",
            ]
    stmts += [
        # -- events: identity, claims, escalations, whose undo -----------------------------------
        f"""CREATE OR REPLACE FUNCTION moderator_check_event() RETURNS trigger LANGUAGE plpgsql {path} AS $$
        DECLARE
            me_id integer;
            holder record;
            lead boolean;
            importing boolean;
            pol jsonb;
            rules jsonb;
            acts jsonb;
            bad text;
            target record;
            needs text[];
        BEGIN
            IF NOT {_MEMBER} THEN
                RETURN NEW;  -- the database owner (team init, maintenance): not a desk
            END IF;
            lead := {_LEAD};
            importing := lead AND current_setting('moderator.history_import', true) = 'on';
            SELECT id INTO me_id FROM reviewers WHERE name = session_user;
            IF NEW.reviewer_id IS DISTINCT FROM me_id AND NOT importing THEN
                RAISE EXCEPTION USING ERRCODE = 'MD003', MESSAGE = 'events are recorded under your own login',
                      DETAIL = session_user;
            END IF;
            -- the event's shape ------------------------------------------------------------------
            IF NEW.kind IS NULL OR NEW.kind NOT IN ('decide', 'skip', 'escalate', 'revert') THEN
                RAISE EXCEPTION USING ERRCODE = 'MD011', MESSAGE = 'malformed event',
                      DETAIL = 'unknown event kind ' || quote_nullable(NEW.kind);
            END IF;
            IF NEW.time_spent_ms < 0 THEN
                RAISE EXCEPTION USING ERRCODE = 'MD011', MESSAGE = 'malformed event',
                      DETAIL = 'negative time spent (' || NEW.time_spent_ms || ' ms)';
            END IF;
            BEGIN
                acts := NEW.actions::jsonb;
            EXCEPTION WHEN OTHERS THEN
                acts := NULL;
            END;
            IF acts IS NULL OR jsonb_typeof(acts) <> 'array'
               OR EXISTS (SELECT 1 FROM jsonb_array_elements(acts) e WHERE jsonb_typeof(e) <> 'string') THEN
                RAISE EXCEPTION USING ERRCODE = 'MD011', MESSAGE = 'malformed event',
                      DETAIL = 'actions must be a JSON array of action codes, not ' || quote_nullable(left(NEW.actions, 200));
            END IF;
            IF NEW.kind = 'revert' THEN
                IF NEW.category IS NOT NULL OR acts <> '[]'::jsonb THEN
                    RAISE EXCEPTION USING ERRCODE = 'MD011', MESSAGE = 'malformed event',
                          DETAIL = 'an undo carries no category and no actions';
                END IF;
                SELECT d.item_id, d.kind INTO target FROM decisions d WHERE d.uuid = NEW.reverts;
                IF NOT FOUND OR target.item_id <> NEW.item_id OR target.kind = 'revert' THEN
                    RAISE EXCEPTION USING ERRCODE = 'MD011', MESSAGE = 'malformed event',
                          DETAIL = 'an undo must name an earlier event of item ' || NEW.item_id
                                   || ' that is not an undo, not ' || quote_nullable(NEW.reverts);
                END IF;
            ELSIF NEW.reverts IS NOT NULL THEN
                RAISE EXCEPTION USING ERRCODE = 'MD011', MESSAGE = 'malformed event',
                      DETAIL = 'only an undo names an event it undoes (a ' || NEW.kind || ' event names '
                               || quote_nullable(NEW.reverts) || ')';
            ELSIF NEW.kind <> 'decide' AND NEW.category IS NOT NULL THEN
                RAISE EXCEPTION USING ERRCODE = 'MD011', MESSAGE = 'malformed event',
                      DETAIL = 'a ' || NEW.kind || ' event carries no category';
            END IF;
            -- its time: the desk's clock, within reason of the server's ---------------------------
            IF NEW.decided_at > clock_timestamp() + make_interval(secs => {FUTURE_SLACK_SECONDS})
               OR NEW.decided_at < timestamptz '{EARLIEST_EVENT} 00:00:00+00' THEN
                RAISE EXCEPTION USING ERRCODE = 'MD010', MESSAGE = 'implausible event time',
                      DETAIL = to_char(NEW.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
                      HINT = to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS');
            END IF;
            -- the policy (team init stores it) -----------------------------------------------------
            pol := (SELECT value::jsonb FROM settings WHERE key = '{POLICY_KEY}');
            rules := pol -> 'versions' -> NEW.policy_version;
            IF rules IS NULL OR (NOT importing AND NEW.policy_version IS DISTINCT FROM pol ->> 'current') THEN
                RAISE EXCEPTION USING ERRCODE = 'MD009', MESSAGE = 'not the team''s policy version',
                      DETAIL = coalesce(NEW.policy_version, ''), HINT = coalesce(pol ->> 'current', '');
            END IF;
            IF NEW.kind <> 'revert' THEN
                IF NEW.kind = 'decide' AND NEW.category IS NULL THEN
                    RAISE EXCEPTION USING ERRCODE = 'MD007', MESSAGE = 'a decision needs a category';
                END IF;
                IF NEW.category IS NOT NULL AND NOT (rules -> 'categories') ? NEW.category THEN
                    RAISE EXCEPTION USING ERRCODE = 'MD005', MESSAGE = 'unknown category code', DETAIL = NEW.category;
                END IF;
                SELECT a INTO bad FROM jsonb_array_elements_text(acts) a WHERE NOT (rules -> 'actions') ? a LIMIT 1;
                IF FOUND THEN
                    RAISE EXCEPTION USING ERRCODE = 'MD006', MESSAGE = 'unknown action code', DETAIL = bad;
                END IF;
                needs := ARRAY(SELECT a FROM jsonb_array_elements_text(acts) a WHERE (rules -> 'note_actions') ? a);
                IF NEW.kind = 'escalate' AND (rules -> 'note_actions') ? 'escalate' AND NOT 'escalate' = ANY(needs) THEN
                    needs := needs || 'escalate'::text;  -- the desk adds the action to an escalation
                END IF;
                IF (rules -> 'note_categories') ? NEW.category THEN
                    needs := NEW.category || needs;
                END IF;
                IF cardinality(needs) > 0 AND coalesce(NEW.note, '') ~ '{_BLANK_NOTE}' THEN
                    RAISE EXCEPTION USING ERRCODE = 'MD008', MESSAGE = 'a note is required',
                          DETAIL = array_to_string(needs, ', ');
                END IF;
            END IF;
            -- who may --------------------------------------------------------------------------------
            IF NEW.kind = 'revert' THEN
                IF NOT lead AND (SELECT reviewer_id FROM decisions WHERE uuid = NEW.reverts) IS DISTINCT FROM me_id THEN
                    RAISE EXCEPTION USING ERRCODE = 'MD004', MESSAGE = 'you may undo only your own decisions';
                END IF;
                RETURN NEW;
            END IF;
            SELECT c.reviewer, c.expires_at INTO holder FROM claims c
             WHERE c.item_id = NEW.item_id AND c.expires_at > now();
            IF FOUND AND holder.reviewer <> (SELECT name FROM reviewers WHERE id = NEW.reviewer_id) THEN
                RAISE EXCEPTION USING ERRCODE = 'MD001', MESSAGE = 'someone else is working on this item',
                      DETAIL = holder.reviewer,
                      HINT = to_char(holder.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS');
            END IF;
            IF NOT lead AND (SELECT status FROM items WHERE id = NEW.item_id) = 'escalated' THEN
                RAISE EXCEPTION USING ERRCODE = 'MD002', MESSAGE = 'only a team lead may decide an escalated item';
            END IF;
            RETURN NEW;
        END $$""",
        "DROP TRIGGER IF EXISTS decisions_check ON decisions",
        "CREATE TRIGGER decisions_check BEFORE INSERT ON decisions FOR EACH ROW EXECUTE FUNCTION moderator_check_event()",
        # -- the lease: the team's length, the server's clock, the login's name -----------------------
        f"""CREATE OR REPLACE FUNCTION moderator_claim_rules() RETURNS trigger LANGUAGE plpgsql {path} AS $$
        DECLARE lease integer;
        BEGIN
            IF NOT {_MEMBER} THEN
                RETURN NEW;
            END IF;
            IF NOT {_LEAD} THEN
                NEW.reviewer := session_user;
            END IF;
            lease := coalesce((SELECT value::integer FROM settings WHERE key = 'lease_seconds'), 120);
            IF TG_OP = 'INSERT' OR NEW.reviewer IS DISTINCT FROM OLD.reviewer THEN
                NEW.claimed_at := now();
            ELSE
                NEW.claimed_at := OLD.claimed_at;
            END IF;
            NEW.expires_at := now() + make_interval(secs => lease);
            RETURN NEW;
        END $$""",
        "DROP TRIGGER IF EXISTS claims_rules ON claims",
        "CREATE TRIGGER claims_rules BEFORE INSERT OR UPDATE ON claims FOR EACH ROW EXECUTE FUNCTION moderator_claim_rules()",
        # -- skip marks, desks, conflicts: in the login's name --------------------------------------
        f"""CREATE OR REPLACE FUNCTION moderator_own_name() RETURNS trigger LANGUAGE plpgsql {path} AS $$
        BEGIN
            IF {_MEMBER} AND NOT {_LEAD} THEN
                NEW.reviewer := session_user;
            END IF;
            RETURN NEW;
        END $$""",
        *(
            stmt
            for table in ("skip_marks", "desks", "conflicts")
            for stmt in (
                f"DROP TRIGGER IF EXISTS {table}_own_name ON {table}",
                f"CREATE TRIGGER {table}_own_name BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW "
                "EXECUTE FUNCTION moderator_own_name()",
            )
        ),
    ]
    return stmts
