"""The team server's checks on what desks write about duplicates (installed by ``team init``).

Desks hash the pictures they thumbnail and, in the same write, link near duplicates
(``media_clusters``) and mark contents that match a shared hash list (``media_matches``):
see ``core/store/dupes.py`` and ``hashlists.py``. A desk is not trusted, so for a reviewer's
login the server itself checks these rows against the signatures and lists it holds:

* **A list match** must name the list signal it matches (``signal_id``), of that list and
  with that category, and be true: the same SHA-256, the same MD5 stored for the content,
  or a good-quality PDQ hash of the content exactly ``distance`` bits (at most 31) from the
  list's. Otherwise SQLSTATE MD012: a forged "Matches LIST: category" banner would steer
  other reviewers towards a category.
* **A content put into a cluster** (a new row) must, at commit, have a good-quality PDQ hash
  within 31 bits of one of another member of the cluster it is in then (a desk inserts a
  content and its neighbours in one transaction, and may merge clusters after), else MD013.
* **Clusters change only by merging**: a reviewer may update no column but ``cluster``, and
  an UPDATE statement must move every row of each cluster it touches, all to one cluster
  (what a desk does when a new content is near members of both), else MD013. So a content
  can neither be swapped for another nor moved alone.
* **A merge must be true**: each cluster merged into another must have a good-quality PDQ
  hash within 31 bits of one of a member of the cluster it joins that did not come with it
  (a desk puts the new content that bridges them into the cluster first, and merges after),
  else MD013. The contents put into a cluster in the same transaction are looked at first:
  the bridge is among them, so a desk's merge costs a few comparisons whatever the size of
  the clusters.
* **A list match** may change only in its category, distance and signal, and stays checked.

Leads (and the owner) are not checked: they import lists, and their own tools may fix links.
The signatures themselves come from desks too (a reviewer may insert, never change, them):
a false hash can be stored only for a picture no desk has hashed yet.
"""

from __future__ import annotations

from moderator_gui.core.dupes.pdq import MIN_QUALITY, PDQ_THRESHOLD

__all__ = ["dupes_security_sql"]


def _close(a: str, b: str) -> str:
    """SQL: the Hamming distance of two PDQ hex columns: XOR as bit strings, then the ones counted
    (as text: ``bit_count`` would need PostgreSQL 14)."""
    return f"length(replace((('x' || {a})::bit(256) # ('x' || {b})::bit(256))::text, '0', ''))"


def _good(t: str) -> str:
    """SQL: the signature ``t`` is a PDQ hash of good quality."""
    return f"{t}.signal_type = 'pdq' AND {t}.quality >= {MIN_QUALITY}"


def _merged_near(joined: str) -> str:
    """SQL: a member of the cluster ``g.c`` merged away is near one of the cluster it joined
    (``g.into_c``) that did not come with it, among the rows for which ``joined`` is true."""
    return f"""EXISTS (
                    SELECT 1 FROM old_rows m
                      JOIN media_signatures a ON a.sha256 = m.sha256 AND {_good("a")}
                      JOIN media_clusters r ON r.cluster = g.into_c AND {joined}
                      JOIN media_signatures b ON b.sha256 = r.sha256 AND {_good("b")}
                     WHERE m.cluster = g.c
                       AND r.sha256 NOT IN (SELECT sha256 FROM old_rows WHERE cluster = g.c)
                       AND {_close("a.signal", "b.signal")} <= {PDQ_THRESHOLD})"""


# plpgsql for moderator_check_merge: each merged cluster near the one it joined (see above).
# Nested IFs: the rows this transaction put in (the desk's bridge) are looked at first, for sure.
_MERGE_CHECK = f"""
            FOR g IN SELECT DISTINCT o.cluster AS c, n.cluster AS into_c
                       FROM old_rows o JOIN new_rows n ON n.sha256 = o.sha256
                      WHERE o.cluster <> n.cluster
            LOOP
                IF NOT {_merged_near("r.xmin = pg_current_xact_id()::xid")} THEN
                    IF NOT {_merged_near("true")} THEN
                        RAISE EXCEPTION USING ERRCODE = 'MD013',
                            MESSAGE = 'a merged cluster must be near the one it joins', DETAIL = g.c;
                    END IF;
                END IF;
            END LOOP;
"""


def dupes_security_sql(path: str, reviewer_only: str, reviewer_role: str, *, verify_merges: bool = True) -> list[str]:
    """``path``: the functions' ``SET search_path``; ``reviewer_only``: SQL true for a login that
    is a reviewer and not a lead (team_sql's role tests); ``reviewer_role``: the reviewers' group.
    ``verify_merges=False``: without the check that a merge is true (revision 0009's checks)."""

    good = _good
    merges = _MERGE_CHECK if verify_merges else ""
    return [
        # What a desk updates, and nothing else (team_sql grants INSERT).
        f"REVOKE UPDATE ON media_clusters, media_matches FROM {reviewer_role}",
        f"GRANT UPDATE (cluster) ON media_clusters TO {reviewer_role}",
        f"GRANT UPDATE (category, distance, signal_id) ON media_matches TO {reviewer_role}",
        f"""CREATE OR REPLACE FUNCTION moderator_check_match() RETURNS trigger LANGUAGE plpgsql {path} AS $$
        BEGIN
            IF NOT {reviewer_only} THEN
                RETURN NEW;
            END IF;
            IF NOT EXISTS (
                SELECT 1 FROM hash_list_signals s
                 WHERE s.id = NEW.signal_id AND s.list_id = NEW.list_id AND s.category = NEW.category
                   AND CASE s.signal_type
                       WHEN 'sha256' THEN NEW.distance = 0 AND s.signal = NEW.sha256
                       WHEN 'md5' THEN NEW.distance = 0 AND EXISTS (
                           SELECT 1 FROM media_signatures m
                            WHERE m.sha256 = NEW.sha256 AND m.signal_type = 'md5' AND m.signal = s.signal)
                       WHEN 'pdq' THEN NEW.distance BETWEEN 0 AND {PDQ_THRESHOLD} AND EXISTS (
                           SELECT 1 FROM media_signatures m
                            WHERE m.sha256 = NEW.sha256 AND {good('m')}
                              AND {_close("m.signal", "s.signal")} = NEW.distance)
                       ELSE false END)
            THEN
                RAISE EXCEPTION USING ERRCODE = 'MD012', MESSAGE = 'not a match of that hash list',
                    DETAIL = NEW.sha256;
            END IF;
            RETURN NEW;
        END $$""",
        "DROP TRIGGER IF EXISTS media_matches_check ON media_matches",
        "CREATE TRIGGER media_matches_check BEFORE INSERT OR UPDATE ON media_matches "
        "FOR EACH ROW EXECUTE FUNCTION moderator_check_match()",
        f"""CREATE OR REPLACE FUNCTION moderator_check_cluster() RETURNS trigger LANGUAGE plpgsql {path} AS $$
        DECLARE now_in text;
        BEGIN
            IF NOT {reviewer_only} THEN
                RETURN NULL;
            END IF;
            -- at commit: the cluster it is in now (a merge may have moved it since)
            SELECT cluster INTO now_in FROM media_clusters WHERE sha256 = NEW.sha256;
            IF NOT EXISTS (
                SELECT 1 FROM media_clusters o
                  JOIN media_signatures b ON b.sha256 = o.sha256 AND {good('b')}
                  JOIN media_signatures a ON a.sha256 = NEW.sha256 AND {good('a')}
                 WHERE o.cluster = now_in AND o.sha256 <> NEW.sha256
                   AND {_close("a.signal", "b.signal")} <= {PDQ_THRESHOLD})
            THEN
                RAISE EXCEPTION USING ERRCODE = 'MD013', MESSAGE = 'not a near duplicate of that cluster',
                    DETAIL = NEW.sha256;
            END IF;
            RETURN NULL;
        END $$""",
        "DROP TRIGGER IF EXISTS media_clusters_check ON media_clusters",
        "CREATE CONSTRAINT TRIGGER media_clusters_check AFTER INSERT ON media_clusters "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION moderator_check_cluster()",
        f"""CREATE OR REPLACE FUNCTION moderator_check_merge() RETURNS trigger LANGUAGE plpgsql {path} AS $$
        DECLARE bad text; g record;
        BEGIN
            IF NOT {reviewer_only} THEN
                RETURN NULL;
            END IF;
            -- Per cluster a row moved from (one pass over the statement's rows, whatever their number):
            -- scattered to two clusters or more (or some of it left as it was), or some left behind.
            SELECT min(o.sha256) FILTER (WHERE o.cluster <> n.cluster) INTO bad
              FROM old_rows o JOIN new_rows n ON n.sha256 = o.sha256
             GROUP BY o.cluster
            HAVING bool_or(o.cluster <> n.cluster)
               AND (count(DISTINCT n.cluster) > 1
                    OR EXISTS (SELECT 1 FROM media_clusters m WHERE m.cluster = o.cluster))
             LIMIT 1;
            IF bad IS NOT NULL THEN
                RAISE EXCEPTION USING ERRCODE = 'MD013', MESSAGE = 'clusters change only by merging whole',
                    DETAIL = bad;
            END IF;
{merges}            RETURN NULL;
        END $$""",
        "DROP TRIGGER IF EXISTS media_clusters_merge ON media_clusters",
        "CREATE TRIGGER media_clusters_merge AFTER UPDATE ON media_clusters "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION moderator_check_merge()",
    ]
