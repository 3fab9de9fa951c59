using Mandate.Core.Minting;

namespace Mandate.Core.Tests.Minting;

/// <summary>The claims of one refunds credential for alice through the support agent, issued at <c>now</c> for five minutes.</summary>
internal static class TestCredentialClaims
{
    public static CredentialClaims At(DateTimeOffset now) => new()
    {
        Jti = "jti_1",
        Subject = "alice",
        Audience = "https://tools.test/refunds",
        Agent = "spiffe://acme.example/agents/support",
        Actors = ["spiffe://acme.example/agents/support"],
        Scopes = ["refunds:read"],
        Tenant = "acme",
        Run = "run_1",
        PolicyVersion = "v1",
        DecisionId = "dec_1",
        IssuedAt = now,
        ExpiresAt = now.AddMinutes(5),
    };
}
