-- Revocation change cursor: every insert and every lift of a revocation takes the next number, so a node that
-- read up to cursor N reads only what changed after it (other nodes' revocations, lifted kill switches).
-- SQLite has one writer at a time, so max + 1 under the write lock is in commit order. Existing rows keep
-- their insertion order.
ALTER TABLE revocations ADD COLUMN change_seq INTEGER;

UPDATE revocations SET change_seq = rowid;

CREATE UNIQUE INDEX revocations_change_seq ON revocations (change_seq);
