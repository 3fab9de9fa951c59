-- The agent whose rule asked for an approval, when it is a delegating agent up the chain whose rule made a sub-agent's
-- request wait: a policy reload is judged against that agent's rules. NULL when the approval's own agent's rule asked,
-- and for approvals asked before this column existed (judged against their own agent, as before).
ALTER TABLE approvals ADD COLUMN rule_agent TEXT;
