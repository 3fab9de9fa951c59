-- Rate-limit counters: one row per rule + key + window; the issuance batch adds one in the same commit as
-- the audit records. keep_until lets old windows be pruned.
CREATE TABLE rate_counters (
    key        TEXT PRIMARY KEY,
    count      INTEGER NOT NULL,
    keep_until TEXT NOT NULL
) STRICT;

CREATE INDEX rate_counters_keep_until ON rate_counters (keep_until);

-- Human approvals (CIBA-style poll), each bound to one tool call by binding_hash; single use.
CREATE TABLE approvals (
    id                    TEXT PRIMARY KEY,
    status                TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
    agent                 TEXT NOT NULL,
    run                   TEXT NOT NULL,
    tool                  TEXT NOT NULL,
    tenant                TEXT NOT NULL,
    "user"                TEXT,
    scope                 TEXT NOT NULL,
    authorization_details TEXT NOT NULL,
    binding_hash          TEXT NOT NULL,
    binding_message       TEXT NOT NULL,
    rule                  TEXT NOT NULL,
    policy_version        TEXT NOT NULL,
    decision_id           TEXT NOT NULL,
    lifetime_seconds      INTEGER NOT NULL,
    created_at            TEXT NOT NULL,
    expires_at            TEXT NOT NULL,
    last_polled_at        TEXT,
    approver              TEXT,
    decided_reason        TEXT,
    decided_at            TEXT,
    jti                   TEXT
) STRICT;

CREATE INDEX approvals_status ON approvals (status, created_at);

-- Evidence posted by trusted workloads (e.g. CI eval results), read by subject.
CREATE TABLE evidence (
    id        TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,
    subject   TEXT NOT NULL,
    result    TEXT NOT NULL,
    details   TEXT,
    posted_by TEXT NOT NULL,
    issuer    TEXT NOT NULL,
    posted_at TEXT NOT NULL
) STRICT;

CREATE INDEX evidence_subject ON evidence (subject, kind, posted_at);
