-- Audit: one row per chained record. seq is the chain position (assigned by the store, never reused);
-- payload, prev_hash and hash are what the chain covers; the other columns are copies for queries.
CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    time      TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    outcome   TEXT    NOT NULL,
    agent     TEXT,
    tenant    TEXT,
    "user"    TEXT,
    run       TEXT,
    jti       TEXT,
    payload   TEXT    NOT NULL,
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
) STRICT;

-- Filters read in sequence order, so each index ends with seq. Every index costs page writes on the
-- hot path (one audit record per exchange), so only the principal filters are indexed; jti is partial
-- because most records carry none. Kind and time filters scan in sequence order with a limit.
CREATE INDEX audit_agent  ON audit (agent, seq);
CREATE INDEX audit_tenant ON audit (tenant, seq);
CREATE INDEX audit_user   ON audit ("user", seq) WHERE "user" IS NOT NULL;
CREATE INDEX audit_run    ON audit (run, seq) WHERE run IS NOT NULL;
CREATE INDEX audit_jti    ON audit (jti, seq) WHERE jti IS NOT NULL;

-- The store only appends. This stops mistakes, not an attacker with the file; the hash chain covers that.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;

CREATE TABLE revocations (
    id         TEXT PRIMARY KEY,
    target     TEXT NOT NULL CHECK (target IN ('token', 'agent', 'tenant', 'user', 'run')),
    value      TEXT NOT NULL,
    revoked_at TEXT NOT NULL,
    keep_until TEXT NOT NULL,
    revoked_by TEXT NOT NULL,
    reason     TEXT
) STRICT;

CREATE INDEX revocations_keep_until ON revocations (keep_until);

CREATE TABLE keys (
    kid                TEXT PRIMARY KEY,
    purpose            TEXT NOT NULL,
    algorithm          TEXT NOT NULL,
    sealed_private_key BLOB NOT NULL,
    public_jwk         TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    retired_at         TEXT,
    publish_until      TEXT,
    node               TEXT NOT NULL
) STRICT;

CREATE INDEX keys_purpose ON keys (purpose, created_at);
