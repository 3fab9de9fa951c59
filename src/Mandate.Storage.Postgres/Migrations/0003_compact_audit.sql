-- Compact audit records (about a quarter of the bytes). The records written so far keep their table, renamed
-- audit_v1 with its trigger and indexes, and are read before the new ones; the chain continues across both, so
-- a migrated store verifies from its first record.
ALTER TABLE audit RENAME TO audit_v1;
ALTER INDEX audit_pkey RENAME TO audit_v1_pkey;

-- What audit records share (kind, outcome, agent, tenant, tool, scope, policy, rule, reason, node, most evidence),
-- stored once: body is the canonical JSON of the event without its own fields, own_keys the evidence keys each
-- record holds itself, key the SHA-256 of both. kind, outcome, agent and tenant are copies of the body for
-- queries; the verifier compares them with it.
CREATE TABLE audit_shapes (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key      bytea NOT NULL UNIQUE,
    kind     text NOT NULL,
    outcome  text NOT NULL,
    agent    text,
    tenant   text,
    body     text NOT NULL,
    own_keys text
);

CREATE INDEX audit_shapes_agent ON audit_shapes (agent) WHERE agent IS NOT NULL;
CREATE INDEX audit_shapes_tenant ON audit_shapes (tenant) WHERE tenant IS NOT NULL;

-- One row per record: what is its own, and its shape. The payload the chain hashes is rebuilt from the two
-- (AuditCompactForm), so every field is still covered. time is UTC ticks; hashes are the 32 raw bytes; evidence
-- is a JSON array of the values of the shape's own_keys.
CREATE TABLE audit (
    seq         bigint PRIMARY KEY,
    time        bigint NOT NULL,
    shape       bigint NOT NULL REFERENCES audit_shapes (id),
    "user"      text,
    run         text,
    jti         text,
    decision_id text,
    trace_id    text,
    evidence    text,
    prev_hash   bytea NOT NULL,
    hash        bytea NOT NULL
);

-- agent, tenant and kind are found through the shapes; the records' indexes stay small. Shape, user and run repeat
-- across records, so their B-trees hold each value once with a list of rows (deduplication) when they carry no
-- sequence number; the rows found are sorted by sequence. jti and trace id are unique and looked up by equality
-- only: hash indexes (a 4-byte hash per entry instead of the value) take about two thirds of a B-tree's bytes.
CREATE INDEX audit_by_shape ON audit (shape);
CREATE INDEX audit_by_user  ON audit ("user");
CREATE INDEX audit_by_run   ON audit (run);
CREATE INDEX audit_by_jti   ON audit USING hash (jti);
CREATE INDEX audit_by_trace ON audit USING hash (trace_id);

CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();

CREATE TRIGGER audit_shapes_no_update BEFORE UPDATE OR DELETE ON audit_shapes
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();

CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

CREATE TRIGGER audit_shapes_no_truncate BEFORE TRUNCATE ON audit_shapes
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
