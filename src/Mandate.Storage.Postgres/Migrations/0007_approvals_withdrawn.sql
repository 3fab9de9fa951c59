-- An approval whose agent, run, tenant or user no longer stands is withdrawn (a new terminal status), so approvers
-- are not asked to decide what can never be collected. Existing rows keep their status.
ALTER TABLE approvals DROP CONSTRAINT approvals_status_check;
ALTER TABLE approvals ADD CONSTRAINT approvals_status_check CHECK (status IN ('pending', 'approved', 'denied', 'consumed', 'withdrawn'));
