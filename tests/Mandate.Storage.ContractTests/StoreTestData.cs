using Mandate.Core.Audit;
using Mandate.Core.Keys;
using Mandate.Core.Revocation;
using Mandate.Core.Storage;

namespace Mandate.Storage.ContractTests;

/// <summary>Realistic values for store tests. Times carry full tick precision so no store may round them.</summary>
public static class StoreTestData
{
    /// <summary>A fixed instant with sub-microsecond digits.</summary>
    public static DateTimeOffset Epoch { get; } = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567);

    /// <summary>The <paramref name="n"/>th decision event: one second after the previous, with identities derived from n.</summary>
    public static AuditEvent Event(
        int n,
        string? agent = null,
        string? tenant = null,
        string? user = null,
        string? run = null,
        string kind = AuditKinds.Decision) => new()
    {
        Kind = kind,
        Time = Epoch.AddSeconds(n),
        Outcome = n % 3 == 0 ? "deny" : "allow",
        Agent = agent ?? $"spiffe://acme.example/agents/agent-{n % 2}",
        Tenant = tenant ?? $"tenant-{n % 2}",
        User = user ?? $"https://login.acme.example|user-{n}",
        Run = run ?? $"run-{n}",
        Tool = "github",
        Scope = "repo:read",
        Jti = $"jti-{n}",
        DecisionId = $"dec-{n}",
        PolicyVersion = "sha256:9f2c",
        Rule = "support-agents-read",
        Reason = "matched rule support-agents-read",
        Node = "node-a",
        Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["iss"] = "https://token.actions.githubusercontent.com",
            ["kid"] = "k1",
        },
    };

    /// <summary>A batch holding events <paramref name="first"/> to <paramref name="first"/> + count − 1.</summary>
    public static StoreBatch Events(int first, int count) =>
        new(Enumerable.Range(first, count).Select(n => Event(n)));

    public static Revocation Revocation(
        string id, RevocationTarget target = RevocationTarget.Token, string value = "jti-1", int keepHours = 1) => new()
    {
        Id = id,
        Target = target,
        Value = value,
        RevokedAt = Epoch,
        KeepUntil = Epoch.AddHours(keepHours),
        RevokedBy = "spiffe://acme.example/admin",
        Reason = "incident 42",
    };

    public static StoredKey Key(string kid, string purpose = "token-signing", int createdMinutes = 0) => new()
    {
        Kid = kid,
        Purpose = purpose,
        Algorithm = "ES256",
        SealedPrivateKey = [1, 2, 3, 0, 255, (byte)kid.Length],
        PublicJwk = $$"""{"kty":"EC","crv":"P-256","kid":"{{kid}}","x":"AQ","y":"Ag"}""",
        CreatedAt = Epoch.AddMinutes(createdMinutes),
        Node = "node-a",
    };
}
