using Mandate.Core.Attestation;
using Mandate.Core.Revocation;
using Mandate.Storage.InMemory;

namespace Mandate.Core.Tests.Revocations;

/// <summary>Invariant 6: a grant made with a user token is judged, for tenant and user revocations, from that token.</summary>
[Trait("Invariant", "6")]
public sealed class PrincipalStandingTests
{
    private static readonly DateTimeOffset RevokedAt = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly GrantPrincipal Principal = new("spiffe://acme.example/agents/support", "acme", "alice", "run_plain", RevokedAt.AddMinutes(1));

    [Theory]
    [InlineData(RevocationTarget.User, "alice")]
    [InlineData(RevocationTarget.Tenant, "acme")]
    public async Task Invariant6_CheckAsync_GrantedAfterTheRevocationWithAUserTokenIssuedBefore_Refused(RevocationTarget target, string value)
    {
        var refusal = await CheckAsync(Principal with { IdentityIssuedAt = RevokedAt.AddMinutes(-1) }, Revoked(target, value));

        Assert.Equal(AttestChecks.For(target), refusal?.Check);
        Assert.Contains("rests on a user token issued at 2026-01-01T11:59:00Z", refusal!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invariant6_CheckAsync_UserTokenIssuedAfterTheRevocation_Stands()
    {
        Assert.Null(await CheckAsync(Principal with { IdentityIssuedAt = RevokedAt.AddSeconds(1) }, Revoked(RevocationTarget.User, "alice")));
    }

    [Fact]
    public async Task CheckAsync_NoIdentityIssuedAt_JudgedFromWhenGranted()
    {
        Assert.Null(await CheckAsync(Principal, Revoked(RevocationTarget.User, "alice")));
    }

    [Fact]
    public async Task CheckAsync_AgentDisabledAndEnabledBeforeTheGrant_NotJudgedFromTheUserToken()
    {
        // The kill switch covers what was granted before it was lifted, by the grant's own time, not the user token's.
        var lifted = Revoked(RevocationTarget.Agent, Principal.Agent) with { LiftedAt = RevokedAt.AddSeconds(30) };

        Assert.Null(await CheckAsync(Principal with { IdentityIssuedAt = RevokedAt.AddMinutes(-1) }, lifted));
    }

    private static async Task<StandingRefusal?> CheckAsync(GrantPrincipal principal, Revocation.Revocation revocation)
    {
        var revocations = new RevocationList();
        revocations.Add(revocation);
        var standing = new PrincipalStanding(new InMemoryMandateStore(), revocations);
        return (await standing.CheckAsync(principal, "the approved request", RevokedAt.AddMinutes(2), CancellationToken.None)).Refusal;
    }

    private static Revocation.Revocation Revoked(RevocationTarget target, string value) => new()
    {
        Id = "rev_1",
        Target = target,
        Value = value,
        RevokedAt = RevokedAt,
        KeepUntil = RevokedAt.AddHours(9),
        RevokedBy = "admin",
    };
}
