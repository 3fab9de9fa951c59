using System.Reflection;
using Mandate.Server.Tests.Harness;

namespace Mandate.Fuzz.Generation;

/// <summary>Valid policy and configuration documents: the examples shipped with Mandate and the test broker's own.</summary>
internal static class YamlSeeds
{
    /// <summary>Conditions, rate limits, approvals, evidence and sender constraints in one policy.</summary>
    private const string FeaturePolicy = """
        rules:
          - id: small-refunds
            reason: Refunds up to 100 need no human.
            effect: allow
            agents: ["spiffe://acme.example/agents/*"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            tenant: same_as_user
            when: authorization_details.all(d, d.amount <= 100) && has(user.claims.tier)
            rate_limit: {per: user, max: 3, window: 1h}
            max_lifetime: 2m
          - id: big-refunds-need-approval
            reason: Refunds over 100 need a human to approve this exact refund.
            effect: require_approval
            agents: ["spiffe://acme.example/agents/*"]
            tools: [refunds]
            approval_expires_in: 10m
          - id: write-needs-green-eval
            reason: Writes need a passing eval.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [crm]
            when: has(evidence.eval) && evidence.eval == "pass"
          - id: no-crm-writes
            reason: Nobody writes the CRM at night.
            effect: deny
            agents: ["*"]
            tools: [crm]
            scopes: [crm:write]
            when: now.getHours() < 6
        """;

    public static IReadOnlyList<string> Policies { get; } =
        [TestBroker.Policy, FeaturePolicy, Resource("quickstart.policy.yaml"), Resource("policy-tests.policy.yaml")];

    public static IReadOnlyList<string> Configurations { get; } =
    [
        TestBroker.Configuration,
        Resource("quickstart.mandate.yaml"),
        TestBroker.Configuration + """

            spiffe:
              enabled: true
              workload_socket: workload.sock
              x509_svid_ttl: 1h
            dpop: { require_nonce: true, allowed_algorithms: [ES256], iat_window: 30s }
            runs: { token_lifetime: 15m, max_duration: 8h }
            """,
    ];

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Mandate.Fuzz.Seeds." + name)
            ?? throw new InvalidOperationException("missing embedded seed " + name);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
