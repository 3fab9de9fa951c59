using Mandate.Core.Configuration;
using Mandate.Core.Credentials;
using Mandate.Core.Minting;

namespace Mandate.Core.Tests.Credentials;

/// <summary>Decided claims and tools for minting tests of the credential kinds.</summary>
internal static class KindRequests
{
    public const string Agent = "spiffe://acme.example/agents/support";

    public static CredentialClaims Claims(DateTimeOffset now, TimeSpan lifetime) => new()
    {
        Jti = "jti_test",
        Subject = "alice",
        Audience = "https://tool.example",
        Agent = Agent,
        Actors = [Agent],
        Scopes = ["cloud:assume"],
        Tenant = "acme",
        Run = "run_1",
        PolicyVersion = "pv1",
        DecisionId = "dec_1",
        IssuedAt = now,
        ExpiresAt = now + lifetime,
    };

    public static CredentialRequest For(ToolOptions tool, DateTimeOffset now, TimeSpan lifetime) => new(Claims(now, lifetime), tool) { User = "alice" };
}
