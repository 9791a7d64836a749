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

Idempotent: running it again (or after an upgrade) re-creates functions, triggers and
policies and re-grants. Roles belong to the whole server, so two team databases on one
server share the two group roles (each database grants its own tables).
"""

from __future__ import annotations

REVIEWER_ROLE = "moderator_reviewer"
LEAD_ROLE = "moderator_lead"
TEAM_KEY = "team"
ROLES = {"reviewer": REVIEWER_ROLE, "lead": LEAD_ROLE}

# A superuser "is a member" of every role; it is the server's administrator, not a desk.
_NOT_SUPER = "NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)"
_MEMBER = f"(pg_has_role(session_user, '{REVIEWER_ROLE}', 'MEMBER') AND {_NOT_SUPER})"
_LEAD = f"(pg_has_role(session_user, '{LEAD_ROLE}', 'MEMBER') AND {_NOT_SUPER})"


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
        f"GRANT INSERT, UPDATE ON media_signatures, media_clusters, media_matches TO {REVIEWER_ROLE}",
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
        BEGIN
            IF NOT {_MEMBER} THEN
                RETURN NEW;  -- the database owner (team init, maintenance): not a desk
            END IF;
            lead := {_LEAD};
            SELECT id INTO me_id FROM reviewers WHERE name = session_user;
            IF NEW.reviewer_id IS DISTINCT FROM me_id
               AND NOT (lead AND current_setting('moderator.history_import', true) = 'on') THEN
                RAISE EXCEPTION USING ERRCODE = 'MD003', MESSAGE = 'events are recorded under your own login',
                      DETAIL = session_user;
            END IF;
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
