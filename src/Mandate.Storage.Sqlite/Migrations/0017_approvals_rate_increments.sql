-- The rate-limit counters an approved credential counts against, decided when the approval was asked (a JSON array of
-- {"key", "keep_until"}) and moved in the same transaction as its collection. NULL when the asking rules have no
-- rate_limit, and for approvals asked before this column existed (collected without counting, as before).
ALTER TABLE approvals ADD COLUMN rate_increments TEXT;
