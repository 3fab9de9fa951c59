-- Mandate's tables for several broker nodes on one PostgreSQL. Runs with the store's schema first on the
-- search path; the migrator creates the schema and holds an advisory lock while it runs.
--
-- Times are .NET UTC ticks (bigint, 100 ns since 0001-01-01 UTC): timestamptz keeps only microseconds, and a
-- store must give back exactly the instant it was given (audit payloads are hashed over full precision). The
-- audit table's time column is the canonical text of the payload instead (fixed width, compared as "C" text).
-- Ids that lists are ordered by use the "C" collation, so order is byte order on every server.

-- Audit: one row per chained record. seq is the chain position; payload, prev_hash and hash are what the chain
-- covers; the other columns are copies for queries, checked against the payload by the verifier.
CREATE TABLE audit (
    seq       bigint PRIMARY KEY,
    time      text COLLATE "C" NOT NULL,
    kind      text NOT NULL,
    outcome   text NOT NULL,
    agent     text,
    tenant    text,
    "user"    text,
    run       text,
    jti       text,
    payload   text NOT NULL,
    prev_hash text NOT NULL,
    hash      text NOT NULL
);

CREATE INDEX audit_agent  ON audit (agent, seq);
CREATE INDEX audit_tenant ON audit (tenant, seq);
CREATE INDEX audit_user   ON audit ("user", seq) WHERE "user" IS NOT NULL;
CREATE INDEX audit_run    ON audit (run, seq) WHERE run IS NOT NULL;
CREATE INDEX audit_jti    ON audit (jti, seq) WHERE jti IS NOT NULL;

-- The store only appends. This stops mistakes, not a superuser; the hash chain covers that.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only' USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();

CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- Revocations. change_seq is the change cursor: taken from the sequence by every insert and every lift, inside
-- the commit lock, so cursor order is commit order and a reader never sees a cursor before a smaller one.
-- CACHE must stay 1: a session caching a range would hand out numbers out of commit order.
CREATE SEQUENCE revocation_change_seq CACHE 1;

CREATE TABLE revocations (
    id         text COLLATE "C" PRIMARY KEY,
    target     text NOT NULL CHECK (target IN ('token', 'agent', 'tenant', 'user', 'run')),
    value      text NOT NULL,
    revoked_at bigint NOT NULL,
    keep_until bigint NOT NULL,
    revoked_by text NOT NULL,
    reason     text,
    lifted_at  bigint,
    change_seq bigint NOT NULL
);

CREATE INDEX revocations_keep_until ON revocations (keep_until);
CREATE UNIQUE INDEX revocations_change_seq ON revocations (change_seq);

CREATE TABLE keys (
    kid                text COLLATE "C" PRIMARY KEY,
    purpose            text NOT NULL,
    algorithm          text NOT NULL,
    sealed_private_key bytea NOT NULL,
    public_jwk         text NOT NULL,
    created_at         bigint NOT NULL,
    retired_at         bigint,
    publish_until      bigint,
    node               text NOT NULL
);

CREATE INDEX keys_purpose ON keys (purpose, created_at);

-- Runs; lineage is the '/'-joined path of ids from the root run, so a subtree is a prefix match.
CREATE TABLE runs (
    id             text COLLATE "C" PRIMARY KEY,
    parent_id      text COLLATE "C" REFERENCES runs (id),
    lineage        text COLLATE "C" NOT NULL,
    depth          integer NOT NULL,
    max_depth      integer NOT NULL,
    agent          text NOT NULL,
    tenant         text NOT NULL,
    "user"         text,
    user_issuer    text,
    actors         text NOT NULL,
    envelope       text NOT NULL,
    started_at     bigint NOT NULL,
    expires_at     bigint NOT NULL,
    ended_at       bigint,
    ended_by       text,
    end_reason     text,
    decision_id    text NOT NULL,
    policy_version text NOT NULL,
    node           text NOT NULL
);

CREATE INDEX runs_lineage ON runs (lineage text_pattern_ops);
CREATE INDEX runs_parent  ON runs (parent_id);
CREATE INDEX runs_agent   ON runs (agent, started_at);
CREATE INDEX runs_tenant  ON runs (tenant, started_at);
CREATE INDEX runs_user    ON runs ("user", started_at);

-- Rate-limit counters: one row per rule + key + window, counted cluster-wide in the issuing commit.
CREATE TABLE rate_counters (
    key        text COLLATE "C" PRIMARY KEY,
    count      bigint NOT NULL,
    keep_until bigint NOT NULL
);

CREATE INDEX rate_counters_keep_until ON rate_counters (keep_until);

-- Human approvals (CIBA-style poll), each bound to one tool call by binding_hash; single use.
CREATE TABLE approvals (
    id                    text COLLATE "C" PRIMARY KEY,
    status                text NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
    agent                 text NOT NULL,
    run                   text NOT NULL,
    tool                  text NOT NULL,
    tenant                text NOT NULL,
    "user"                text,
    scope                 text NOT NULL,
    authorization_details text NOT NULL,
    binding_hash          text NOT NULL,
    binding_message       text NOT NULL,
    rule                  text NOT NULL,
    policy_version        text NOT NULL,
    decision_id           text NOT NULL,
    lifetime_seconds      integer NOT NULL,
    created_at            bigint NOT NULL,
    expires_at            bigint NOT NULL,
    last_polled_at        bigint,
    approver              text,
    decided_reason        text,
    decided_at            bigint,
    jti                   text
);

CREATE INDEX approvals_status ON approvals (status, created_at);
CREATE INDEX approvals_created ON approvals (created_at);

-- Evidence posted by trusted workloads (e.g. CI eval results), read by subject.
CREATE TABLE evidence (
    id        text COLLATE "C" PRIMARY KEY,
    kind      text COLLATE "C" NOT NULL,
    subject   text NOT NULL,
    result    text NOT NULL,
    details   text,
    posted_by text NOT NULL,
    issuer    text NOT NULL,
    posted_at bigint NOT NULL
);

CREATE INDEX evidence_subject ON evidence (subject, kind, posted_at);

-- SPIFFE registration entries; selectors is a JSON array of 'unix:…' strings.
CREATE TABLE registration_entries (
    id               text COLLATE "C" PRIMARY KEY,
    spiffe_id        text NOT NULL,
    selectors        text NOT NULL,
    x509_ttl_seconds bigint,
    jwt_ttl_seconds  bigint,
    created_at       bigint NOT NULL,
    created_by       text
);

CREATE INDEX registration_entries_created ON registration_entries (created_at, id);

-- Database leases: one row per dynamic database login Mandate created for a credential. Never the password.
CREATE TABLE database_leases (
    role        text COLLATE "C" PRIMARY KEY,
    tool        text NOT NULL,
    jti         text NOT NULL,
    run         text NOT NULL,
    tenant      text NOT NULL,
    agent       text NOT NULL,
    "user"      text,
    issued_at   bigint NOT NULL,
    expires_at  bigint NOT NULL,
    state       text NOT NULL CHECK (state IN ('active', 'dropped')),
    dropped_at  bigint,
    drop_reason text
);

CREATE INDEX database_leases_live ON database_leases (state, expires_at);
CREATE INDEX database_leases_jti  ON database_leases (jti);

-- The vault: one static secret per tool, AES-256-GCM under the key-encryption key. No API returns the value.
CREATE TABLE secrets (
    tool       text COLLATE "C" PRIMARY KEY,
    version    integer NOT NULL CHECK (version >= 1),
    nonce      bytea NOT NULL CHECK (octet_length(nonce) = 12),
    tag        bytea NOT NULL CHECK (octet_length(tag) = 16),
    ciphertext bytea NOT NULL,
    created_at bigint NOT NULL,
    created_by text NOT NULL
);

-- DPoP proofs seen by any node (jti replay guard across the cluster), kept until the proof expires.
CREATE TABLE dpop_proofs (key_hash bytea PRIMARY KEY, expires_at bigint NOT NULL);
CREATE INDEX dpop_proofs_expiry ON dpop_proofs (expires_at);
