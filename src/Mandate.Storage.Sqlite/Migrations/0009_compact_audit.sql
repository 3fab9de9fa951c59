-- Compact audit records (about a quarter of the bytes). The records written so far keep their table, renamed
-- audit_v1 (its indexes follow the rename) and are read before the new ones; the chain continues
-- across both, so a migrated store verifies from its first record.
ALTER TABLE audit RENAME TO audit_v1;
DROP TRIGGER audit_no_update;
DROP TRIGGER audit_no_delete;

CREATE TRIGGER audit_v1_no_update BEFORE UPDATE ON audit_v1
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;

CREATE TRIGGER audit_v1_no_delete BEFORE DELETE ON audit_v1
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;

-- What audit records share (kind, outcome, agent, tenant, tool, scope, policy, rule, reason, node, most evidence),
-- stored once: body is the canonical JSON of the event without its own fields, own_keys the evidence keys each
-- record holds itself, key the SHA-256 of both. kind, outcome, agent and tenant are copies of the body for
-- queries; the verifier compares them with it.
CREATE TABLE audit_shapes (
    id       INTEGER PRIMARY KEY,
    key      BLOB NOT NULL UNIQUE,
    kind     TEXT NOT NULL,
    outcome  TEXT NOT NULL,
    agent    TEXT,
    tenant   TEXT,
    body     TEXT NOT NULL,
    own_keys TEXT
) STRICT;

CREATE INDEX audit_shapes_agent ON audit_shapes (agent) WHERE agent IS NOT NULL;
CREATE INDEX audit_shapes_tenant ON audit_shapes (tenant) WHERE tenant IS NOT NULL;

-- One row per record: what is its own, and its shape. The payload the chain hashes is rebuilt from the two
-- (AuditCompactForm), so every field is still covered. time is UTC ticks; hashes are the 32 raw bytes.
CREATE TABLE audit (
    seq         INTEGER PRIMARY KEY,
    time        INTEGER NOT NULL,
    shape       INTEGER NOT NULL REFERENCES audit_shapes (id),
    "user"      TEXT,
    run         TEXT,
    jti         TEXT,
    decision_id TEXT,
    trace_id    TEXT,
    evidence    TEXT,
    prev_hash   BLOB NOT NULL,
    hash        BLOB NOT NULL
) STRICT;

-- agent, tenant and kind are found through the shapes; the records' indexes stay small. evidence is a JSON array
-- of the values of the shape's own_keys.
CREATE INDEX audit_by_shape ON audit (shape, seq);
CREATE INDEX audit_by_user  ON audit ("user", seq) WHERE "user" IS NOT NULL;
CREATE INDEX audit_by_run   ON audit (run, seq) WHERE run IS NOT NULL;
CREATE INDEX audit_by_jti   ON audit (jti) WHERE jti IS NOT NULL;
CREATE INDEX audit_by_trace ON audit (trace_id) WHERE trace_id IS NOT NULL;

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;

CREATE TRIGGER audit_shapes_no_update BEFORE UPDATE ON audit_shapes
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;

CREATE TRIGGER audit_shapes_no_delete BEFORE DELETE ON audit_shapes
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;
