-- The vault: one static secret per tool (kind: secret), AES-256-GCM under the key-encryption key with
-- 'secret:' || tool as associated data. Only the egress proxy opens it; no API returns the value.
CREATE TABLE secrets (
    tool       TEXT PRIMARY KEY,
    version    INTEGER NOT NULL CHECK (version >= 1),
    nonce      BLOB NOT NULL CHECK (length(nonce) = 12),
    tag        BLOB NOT NULL CHECK (length(tag) = 16),
    ciphertext BLOB NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;
