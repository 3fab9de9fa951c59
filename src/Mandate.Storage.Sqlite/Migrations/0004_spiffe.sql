-- SPIFFE registration entries: a process matching ALL selectors (JSON array of 'unix:…' strings) gets SVIDs
-- for spiffe_id. The CA and JWT-SVID keys live in the keys table (purposes spiffe-ca, spiffe-jwt).
CREATE TABLE registration_entries (
    id                TEXT PRIMARY KEY,
    spiffe_id         TEXT NOT NULL,
    selectors         TEXT NOT NULL,
    x509_ttl_seconds  INTEGER,
    jwt_ttl_seconds   INTEGER,
    created_at        TEXT NOT NULL,
    created_by        TEXT
) STRICT;

CREATE INDEX registration_entries_created ON registration_entries (created_at, id);
