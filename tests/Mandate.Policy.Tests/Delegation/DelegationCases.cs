namespace Mandate.Policy.Tests.Delegation;

/// <summary>
/// A policy whose delegating agents bind their sub-agents, and a test file of sub-agents' requests (<c>delegators:</c>).
/// The policy tests run the file through <c>mandate policy test</c>'s runner; the Core tests decide the same requests
/// through the broker's Decide stage and MCP gateway policy, and both must agree (invariant 3).
/// </summary>
internal static class DelegationCases
{
    public const string Executor = "spiffe://acme.example/agents/executor";
    public const string Support = "spiffe://acme.example/agents/support";
    public const string Supervisor = "spiffe://acme.example/agents/supervisor";
    public const string Checker = "spiffe://acme.example/agents/checker";

    /// <summary>
    /// The executor refunds up to 5000 and writes the ledger; support refunds up to 100; the supervisor's refunds wait for a
    /// human; the checker only ever reads. The same limits hold for refunds through the payments MCP server.
    /// </summary>
    public const string PolicyText = """
        rules:
          - id: executor-refunds
            reason: The executor carries out refunds up to 5000.
            effect: allow
            agents: ["spiffe://acme.example/agents/executor"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            when: authorization_details.all(d, d.amount <= 5000)
          - id: executor-ledger-writes
            reason: The executor only writes the ledger.
            effect: allow
            agents: ["spiffe://acme.example/agents/executor"]
            tools: [ledger]
            scopes: [ledger:read, ledger:write]
            grant_scopes: [ledger:write]
          - id: support-small-refunds
            reason: Support refunds up to 100 on its own.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            when: authorization_details.all(d, d.amount <= 100)
            max_lifetime: 90s
          - id: supervisor-refunds-need-approval
            reason: Every refund the supervisor hands on needs a human.
            effect: require_approval
            agents: ["spiffe://acme.example/agents/supervisor"]
            tools: [refunds]
            approval_expires_in: 10m
          - id: checker-reads
            reason: The checker only ever reads.
            effect: allow
            agents: ["spiffe://acme.example/agents/checker"]
            tools: [refunds, ledger]
            scopes: [refunds:read, refunds:write, ledger:read, ledger:write]
            grant_scopes: [refunds:read, ledger:read]
          - id: executor-mcp-refunds
            reason: The executor calls refund at any amount up to 5000.
            effect: allow
            agents: ["spiffe://acme.example/agents/executor"]
            tools: [payments-mcp]
            mcp: { tools: [refund] }
            when: mcp.arguments.amount <= 5000
          - id: support-mcp-small-refunds
            reason: Support calls refund up to 100.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [payments-mcp]
            mcp: { tools: [refund] }
            when: mcp.arguments.amount <= 100
          - id: supervisor-mcp-refunds-need-approval
            reason: Every refund call the supervisor hands on needs a human.
            effect: require_approval
            agents: ["spiffe://acme.example/agents/supervisor"]
            tools: [payments-mcp]
            mcp: { tools: [refund] }
        """;

    /// <summary>Each case names the agent whose rule decides, so a runner that asked only the caller would fail it.</summary>
    public const string TestFile = """
        policy: policy.yaml
        cases:
          - name: a refund of 5000 the executor may make is refused by its parent's cap of 100
            request:
              agent: spiffe://acme.example/agents/executor
              tool: refunds
              scopes: [refunds:write]
              tenant: acme
              user: alice
              user_tenant: acme
              run: run_child
              authorization_details: [{type: refund, amount: 5000}]
              delegators: [{agent: "spiffe://acme.example/agents/support", run: run_parent}]
            expect: deny
            rule: executor-refunds
            decided_by: spiffe://acme.example/agents/support
          - name: a refund of 40 is within the parent's cap
            request:
              agent: spiffe://acme.example/agents/executor
              tool: refunds
              scopes: [refunds:write]
              tenant: acme
              user: alice
              user_tenant: acme
              run: run_child
              authorization_details: [{type: refund, amount: 40}]
              delegators: [{agent: "spiffe://acme.example/agents/support", run: run_parent}]
            expect: allow
            rule: executor-refunds
            decided_by: spiffe://acme.example/agents/executor
          - name: the parent's require_approval makes the child's request wait
            request:
              agent: spiffe://acme.example/agents/executor
              tool: refunds
              scopes: [refunds:write]
              tenant: acme
              user: alice
              user_tenant: acme
              run: run_child
              delegators: [{agent: "spiffe://acme.example/agents/supervisor", run: run_parent}]
            expect: pending
            rule: executor-refunds
            decided_by: spiffe://acme.example/agents/supervisor
          - name: the parent grants only reads, so the child gets only reads
            request:
              agent: spiffe://acme.example/agents/executor
              tool: refunds
              scopes: [refunds:read, refunds:write]
              tenant: acme
              user: alice
              user_tenant: acme
              run: run_child
              delegators: [{agent: "spiffe://acme.example/agents/checker", run: run_parent}]
            expect: allow
            rule: executor-refunds
          - name: a parent granting none of the scopes the child's rule grants refuses
            request:
              agent: spiffe://acme.example/agents/executor
              tool: ledger
              scopes: [ledger:read, ledger:write]
              tenant: acme
              user: alice
              user_tenant: acme
              run: run_child
              delegators: [{agent: "spiffe://acme.example/agents/checker", run: run_parent}]
            expect: deny
            rule: executor-ledger-writes
            decided_by: spiffe://acme.example/agents/checker
            reason_contains: none of the scopes the sub-agent's rule grants
          - name: a grandchild's refund is refused by the root two levels up
            request:
              agent: spiffe://acme.example/agents/executor
              tool: refunds
              scopes: [refunds:read]
              tenant: acme
              user: alice
              user_tenant: acme
              run: run_grandchild
              authorization_details: [{type: refund, amount: 5000}]
              delegators:
                - {agent: "spiffe://acme.example/agents/checker", run: run_child}
                - {agent: "spiffe://acme.example/agents/support", run: run_root}
              depth: 2
            expect: deny
            decided_by: spiffe://acme.example/agents/support
          - name: an MCP refund call of 5000 is refused by the parent's rule
            request:
              agent: spiffe://acme.example/agents/executor
              tool: payments-mcp
              tenant: acme
              user: alice
              environment: prod
              run: run_child
              delegators: [{agent: "spiffe://acme.example/agents/support", run: run_parent}]
              mcp: {tool: refund, arguments: {amount: 5000}}
            expect: deny
            rule: executor-mcp-refunds
            decided_by: spiffe://acme.example/agents/support
          - name: an MCP refund call waits for the parent's approval
            request:
              agent: spiffe://acme.example/agents/executor
              tool: payments-mcp
              tenant: acme
              user: alice
              environment: prod
              run: run_child
              delegators: [{agent: "spiffe://acme.example/agents/supervisor", run: run_parent}]
              mcp: {tool: refund, arguments: {amount: 40}}
            expect: pending
            rule: executor-mcp-refunds
            decided_by: spiffe://acme.example/agents/supervisor
        """;
}
