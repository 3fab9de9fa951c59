-- The poll interval an approval's agent must now keep, in seconds: every slow_down answer raises it by 5 (OpenID CIBA
-- §11), so an agent that keeps polling too fast is held to a longer one. NULL until the first slow_down and for
-- approvals asked before this column existed (their agents keep the interval of the pending answer, 5 seconds).
ALTER TABLE approvals ADD COLUMN poll_interval_seconds INTEGER;
