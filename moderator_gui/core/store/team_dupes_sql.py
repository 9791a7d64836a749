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
* **A content put into a cluster** (a new row, or a row moved to another cluster) must have
  a good-quality PDQ hash within 31 bits of one of another member of that cluster, checked
  at commit (a desk inserts a content and its neighbours in one transaction), else MD013.
  A whole cluster moving into another is how two clusters merge (a new content near both):
  it is allowed as such, so a reviewer could still merge two genuine clusters by hand.

Leads (and the owner) are not checked: they import lists, and their own tools may fix links.
The signatures themselves come from desks too (a reviewer may insert, never change, them):
a false hash can be stored only for a picture no desk has hashed yet.
"""

from __future__ import annotations

from moderator_gui.core.dupes.pdq import MIN_QUALITY, PDQ_THRESHOLD

__all__ = ["dupes_security_sql"]


def _close(a: str, b: str) -> str:
    """SQL: the Hamming distance of two PDQ hex columns (bit strings, ``bit_count``: PostgreSQL 14+)."""
    return f"bit_count(('x' || {a})::bit(256) # ('x' || {b})::bit(256))"


def dupes_security_sql(path: str, reviewer_only: str) -> list[str]:
    """``path``: the functions' ``SET search_path``; ``reviewer_only``: SQL true for a login that
    is a reviewer and not a lead (team_sql's role tests)."""

    def good(t: str) -> str:
        return f"{t}.signal_type = 'pdq' AND {t}.quality >= {MIN_QUALITY}"

    return [
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
        BEGIN
            IF NOT {reviewer_only} THEN
                RETURN NULL;
            END IF;
            IF TG_OP = 'UPDATE' AND (NEW.cluster = OLD.cluster
                    OR NOT EXISTS (SELECT 1 FROM media_clusters WHERE cluster = OLD.cluster)) THEN
                RETURN NULL;  -- unchanged, or its whole cluster moved with it (a merge)
            END IF;
            IF NOT EXISTS (SELECT 1 FROM media_clusters WHERE sha256 = NEW.sha256 AND cluster = NEW.cluster) THEN
                RETURN NULL;  -- moved again later in the transaction: that move is checked
            END IF;
            IF NOT EXISTS (
                SELECT 1 FROM media_clusters o
                  JOIN media_signatures b ON b.sha256 = o.sha256 AND {good('b')}
                  JOIN media_signatures a ON a.sha256 = NEW.sha256 AND {good('a')}
                 WHERE o.cluster = NEW.cluster AND o.sha256 <> NEW.sha256
                   AND {_close("a.signal", "b.signal")} <= {PDQ_THRESHOLD})
            THEN
                RAISE EXCEPTION USING ERRCODE = 'MD013', MESSAGE = 'not a near duplicate of that cluster',
                    DETAIL = NEW.sha256;
            END IF;
            RETURN NULL;
        END $$""",
        "DROP TRIGGER IF EXISTS media_clusters_check ON media_clusters",
        "CREATE CONSTRAINT TRIGGER media_clusters_check AFTER INSERT OR UPDATE ON media_clusters "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION moderator_check_cluster()",
    ]
