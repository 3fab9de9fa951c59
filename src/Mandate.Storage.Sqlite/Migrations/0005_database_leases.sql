-- Database leases: one row per dynamic database login (e.g. a PostgreSQL role) Mandate created for a
-- credential. Written in the issuance's transaction; the reaper drops the role once the credential
-- expired or was revoked and marks the row dropped. Never holds the role's password.
CREATE TABLE database_leases (
    role        TEXT PRIMARY KEY,
    tool        TEXT NOT NULL,
    jti         TEXT NOT NULL,
    run         TEXT NOT NULL,
    tenant      TEXT NOT NULL,
    agent       TEXT NOT NULL,
    "user"      TEXT,
    issued_at   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('active', 'dropped')),
    dropped_at  TEXT,
    drop_reason TEXT
) STRICT;

CREATE INDEX database_leases_live ON database_leases (state, expires_at);
CREATE INDEX database_leases_jti  ON database_leases (jti);
