-- An approval whose agent, run, tenant or user no longer stands is withdrawn (a new terminal status), so approvers
-- are not asked to decide what can never be collected. SQLite cannot change a CHECK constraint in place: the table is
-- rebuilt with the same columns and rows (existing rows keep their status), and its indexes made again.
CREATE TABLE approvals_new (
    id                    TEXT PRIMARY KEY,
    status                TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'consumed', 'withdrawn')),
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
    jti                   TEXT,
    identity_issued_at    TEXT,
    sender_binding        TEXT
) STRICT;

INSERT INTO approvals_new (id, status, agent, run, tool, tenant, "user", scope, authorization_details, binding_hash, binding_message,
    rule, policy_version, decision_id, lifetime_seconds, created_at, expires_at, last_polled_at, approver, decided_reason, decided_at, jti,
    identity_issued_at, sender_binding)
SELECT id, status, agent, run, tool, tenant, "user", scope, authorization_details, binding_hash, binding_message,
    rule, policy_version, decision_id, lifetime_seconds, created_at, expires_at, last_polled_at, approver, decided_reason, decided_at, jti,
    identity_issued_at, sender_binding
FROM approvals;

DROP TABLE approvals;
ALTER TABLE approvals_new RENAME TO approvals;
CREATE INDEX approvals_status ON approvals (status, created_at);
CREATE INDEX approvals_binding ON approvals (binding_hash, created_at);
