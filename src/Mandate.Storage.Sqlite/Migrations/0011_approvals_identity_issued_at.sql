-- When the user token an approval was asked with was issued: a tenant or user revocation is judged from it when the
-- approval is collected, so an approval asked on a node that had not yet heard of a revocation is still covered by it.
-- NULL for approvals asked before this column existed, outside a user token, or in a recorded run (judged from its start).
ALTER TABLE approvals ADD COLUMN identity_issued_at TEXT;
