namespace Mandate.Policy.IntegrationTests;

/// <summary>Policies the end-to-end tests run against.</summary>
internal static class PolicyTexts
{
    public const string Approvals = """
        rules:
          - id: small-refunds
            reason: Refunds up to 100 need no human.
            effect: allow
            agents: ["spiffe://acme.example/agents/*"]
            tools: [refunds]
            when: authorization_details.all(d, d.amount <= 100)
          - id: big-refunds-need-approval
            reason: Refunds over 100 need a human to approve this exact refund.
            effect: require_approval
            agents: ["spiffe://acme.example/agents/*"]
            tools: [refunds]
            approval_expires_in: 10m
        """;

    public const string RateLimited = """
        rules:
          - id: three-refunds-an-hour
            reason: A user gets at most three refund credentials an hour.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            rate_limit: {per: user, max: 3, window: 1h}
        """;

    public const string Claims = """
        rules:
          - id: gold-users-refund
            reason: Only gold-tier users may trigger refunds.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            when: has(user.claims.tier) && user.claims.tier == "gold"
        """;

    public const string EvalGate = """
        rules:
          - id: write-needs-green-eval
            reason: Writes need a passing eval for the change the agent works on.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            when: has(evidence.eval) && evidence.eval == "pass"
        """;
}
