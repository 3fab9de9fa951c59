-- Runs: one row per agent execution; sub-agent runs point at their parent. lineage is the path of ids
-- from the root run ('/'-joined), so a subtree is a prefix match.
CREATE TABLE runs (
    id             TEXT PRIMARY KEY,
    parent_id      TEXT REFERENCES runs (id),
    lineage        TEXT NOT NULL,
    depth          INTEGER NOT NULL,
    max_depth      INTEGER NOT NULL,
    agent          TEXT NOT NULL,
    tenant         TEXT NOT NULL,
    "user"         TEXT,
    user_issuer    TEXT,
    actors         TEXT NOT NULL,
    envelope       TEXT NOT NULL,
    started_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    ended_at       TEXT,
    ended_by       TEXT,
    end_reason     TEXT,
    decision_id    TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    node           TEXT NOT NULL
) STRICT;

CREATE INDEX runs_lineage ON runs (lineage);
CREATE INDEX runs_agent   ON runs (agent, started_at);
CREATE INDEX runs_tenant  ON runs (tenant, started_at);
CREATE INDEX runs_user    ON runs ("user", started_at);

-- Agent revocations double as a kill switch until lifted.
ALTER TABLE revocations ADD COLUMN lifted_at TEXT;
