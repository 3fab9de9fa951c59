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

    /// <summary>The evidence as the exchange gathers it: a plain dictionary, put in ordinal order by the encoding.</summary>
    [Benchmark(Baseline = true)]
    public EncodedAuditEvent EncodeIssuanceRecord() => Encode(new Dictionary<string, string>(32, StringComparer.Ordinal));

    /// <summary>The evidence gathered in an ordinal tree instead, which the encoding need not sort.</summary>
    [Benchmark]
    public EncodedAuditEvent EncodeIssuanceRecord_SortedEvidence() => Encode(new SortedDictionary<string, string>(StringComparer.Ordinal));

    private EncodedAuditEvent Encode(IDictionary<string, string> evidence)
    {
        // A new jti, time and expiry each time, as each exchange has: the shape is shared, the own values are not.
        var n = ++_sequence;
        Fill(evidence, n);
        var record = Record with { Jti = "01JBENCH" + n.ToString("D18"), Time = Record.Time.AddTicks(n), Evidence = (IReadOnlyDictionary<string, string>)evidence };
        return EncodedAuditEvent.Of(record);
    }

    private static void Fill(IDictionary<string, string> evidence, long n)
    {
        evidence["actor_issuer"] = "https://spire.acme.example";
        evidence["actor_alg"] = "ES256";
        evidence["actor_exp"] = (1796400000 + n).ToString();
        evidence["actor_kid"] = "mXiL0FVW3fA6S4v_Cv_q9nhcfdRY2F40ga7ir-MGlII";
        evidence["actor_issuer_name"] = "workloads";
        evidence["subject_kind"] = "user";
        evidence["delegation_depth"] = "0";
        evidence["user_issuer"] = "https://idp.acme.example";
        evidence["user_tenant"] = "acme";
        evidence["user_exp"] = (1796400300 + n).ToString();
        evidence["user_kid"] = "x3k9VQhT0bLkP1mN2oR4sU6wY8zA0cE2gI4kM6oQ8sU";
        evidence["aud"] = "https://refunds.acme.example";
        evidence["exp"] = (1796400120 + n).ToString();
        evidence["iat"] = (1796400000 + n).ToString();
        evidence["iss"] = "http://127.0.0.1:8080";
        evidence["sub"] = "alice";
        evidence["credential_kind"] = "jwt";
        evidence["actors"] = "spiffe://acme.example/agents/support";
        evidence["kid"] = "broker-2026-12-04";
    }
}
