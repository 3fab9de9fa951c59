using BenchmarkDotNet.Attributes;
using Mandate.Core.Audit;

namespace Mandate.Bench.Audit;

/// <summary>
/// The audit work each exchange does on its own thread before it queues for the group commit: encode the issuance
/// record into its canonical payload and its compact form. The record is the one a quickstart exchange writes
/// (actor and user evidence, the credential's metadata); its shape repeats and its own values change per exchange,
/// as under load.
/// </summary>
[MemoryDiagnoser]
public class AuditEncodingBenchmarks
{
    // Jti, time and the evidence are set per call (below); everything else stays, as it does across one agent's calls.
    private static readonly AuditEvent Record = new()
    {
        Kind = AuditKinds.Issuance,
        Time = new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero),
        Outcome = "issued",
        Agent = "spiffe://acme.example/agents/support",
        Tenant = "acme",
        User = "alice",
        Tool = "refunds",
        Scope = "refunds:write",
        DecisionId = "01JDECISION000000000000000",
        PolicyVersion = "sha256:5f0c3b8e2d1a",
        Rule = "support-refunds",
        Reason = "support agents may refund for the signed-in user",
        Node = "node-a",
    };

    private long _sequence;

    [Benchmark]
    public EncodedAuditEvent EncodeIssuanceRecord()
    {
        // A new jti, time and expiry each time, as each exchange has: the shape is shared, the own values are not.
        var n = ++_sequence;
        var record = Record with { Jti = "01JBENCH" + n.ToString("D18"), Time = Record.Time.AddTicks(n), Evidence = Evidence(n) };
        return EncodedAuditEvent.Of(record);
    }

    private static SortedDictionary<string, string> Evidence(long n) => new(StringComparer.Ordinal)
    {
        ["actor_issuer"] = "https://spire.acme.example",
        ["actor_alg"] = "ES256",
        ["actor_exp"] = (1796400000 + n).ToString(),
        ["actor_kid"] = "mXiL0FVW3fA6S4v_Cv_q9nhcfdRY2F40ga7ir-MGlII",
        ["actor_issuer_name"] = "workloads",
        ["subject_kind"] = "user",
        ["delegation_depth"] = "0",
        ["user_issuer"] = "https://idp.acme.example",
        ["user_tenant"] = "acme",
        ["user_exp"] = (1796400300 + n).ToString(),
        ["user_kid"] = "x3k9VQhT0bLkP1mN2oR4sU6wY8zA0cE2gI4kM6oQ8sU",
        ["aud"] = "https://refunds.acme.example",
        ["exp"] = (1796400120 + n).ToString(),
        ["iat"] = (1796400000 + n).ToString(),
        ["iss"] = "http://127.0.0.1:8080",
        ["sub"] = "alice",
        ["credential_kind"] = "jwt",
        ["actors"] = "spiffe://acme.example/agents/support",
        ["kid"] = "broker-2026-12-04",
    };
}
