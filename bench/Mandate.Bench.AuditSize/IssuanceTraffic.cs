using System.Globalization;
using Mandate.Core.Audit;

namespace Mandate.Bench.AuditSize;

/// <summary>
/// Issuance records shaped like the broker's (every field and evidence entry an exchange writes), with the spread of a
/// busy deployment: 40 agents in 4 tenants acting for 2,000 users, runs of about 20 exchanges, 12 tools, 2 policy
/// versions; jti, decision id, trace id and token expiries unique per record. Deterministic for a seed.
/// </summary>
internal sealed class IssuanceTraffic(int seed)
{
    private const string Reason = "Support agents may refund orders for the user they serve, in that user's tenant only.";
    private static readonly string[] Tenants = ["acme", "globex", "initech", "umbrella"];
    private static readonly string[] Tools = ["refunds", "orders", "tickets", "crm", "billing", "search", "mail", "calendar", "docs", "github", "jira", "slack"];
    private static readonly string[] Policies =
    [
        "sha256:159d8450c008bb0325e84425f83a498139ba8927aecfd6b1fe7eaaf617c59eda",
        "sha256:7f3c2a9e51b04d6f8e2a1c0b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e",
    ];

    private readonly Random _random = new(seed);
    private DateTimeOffset _now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private string _run = "";
    private int _runLeft;
    private int _agent;
    private int _user;

    public AuditEvent Next()
    {
        if (_runLeft-- <= 0)
        {
            _run = Id("run_");
            _runLeft = _random.Next(10, 30);
            _agent = _random.Next(40);
            _user = _random.Next(2000);
        }

        _now = _now.AddTicks(_random.Next(1, 9_000_000));
        var tenant = Tenants[_agent % Tenants.Length];
        var tool = Tools[_random.Next(Tools.Length)];
        var agent = $"spiffe://{tenant}.example/agents/agent-{_agent:00}";
        var user = $"user-{_user:0000}@{tenant}.example";
        var iat = _now.ToUnixTimeSeconds();
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["actor_alg"] = "ES256",
            ["actor_exp"] = Seconds(iat + _random.Next(300, 3600)),
            ["actor_issuer"] = $"https://spire.{tenant}.example",
            ["actor_issuer_name"] = "workloads",
            ["actor_jti"] = Id("dev_"),
            ["actor_kid"] = "Z412wcWFmEZqbeH5EKEaHtD8kvgGz907V05bh-fHaG0",
            ["actor_profile"] = "jwt-svid",
            ["actors"] = agent,
            ["aud"] = $"https://{tool}.{tenant}.example",
            ["credential_kind"] = "jwt",
            ["delegation_depth"] = "0",
            ["exp"] = Seconds(iat + 180),
            ["iat"] = Seconds(iat),
            ["iss"] = "https://mandate.example",
            ["kid"] = "30HdjL51Q32lBPiyqjK7fxZgy-40ej0xnM9n1yRzG_Q",
            ["requested_scope"] = tool + ":write",
            ["sub"] = user,
            ["subject_kind"] = "user",
            ["user_exp"] = Seconds(iat + _random.Next(300, 3600)),
            ["user_issuer"] = $"https://idp.{tenant}.example",
            ["user_kid"] = "P8wGBJ4zPbEzQIzlqJ3jTCeBXRQttrGceZNSlq8S0qg",
            ["user_tenant"] = tenant,
        };
        return new AuditEvent
        {
            Kind = AuditKinds.Issuance,
            Time = _now,
            Outcome = "issued",
            Agent = agent,
            Tenant = tenant,
            User = user,
            Run = _run,
            Tool = tool,
            Scope = tool + ":write",
            Jti = Id("jti_"),
            DecisionId = Id("dec_"),
            PolicyVersion = Policies[_agent % Policies.Length],
            Rule = $"{tool}-own-tenant",
            Reason = Reason,
            Node = "node-a",
            TraceId = Convert.ToHexStringLower(Bytes(16)),
            Evidence = evidence,
        };
    }

    private static string Seconds(long value) => value.ToString(CultureInfo.InvariantCulture);

    // The broker's ids: a prefix and 16 random bytes, base64url.
    private string Id(string prefix) => prefix + Convert.ToBase64String(Bytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}
