-- An MCP tool call waiting for approval is found again by what it is bound to (agent, run, server, tool, argument
-- hash, tenant, user) when the agent retries it, so approvals are looked up by binding_hash, newest first.
CREATE INDEX approvals_binding ON approvals (binding_hash, created_at);
