using Mandate.Core.Revocation;

// Not "Mandate.Core.Tests.Revocation": that namespace would shadow Mandate.Core.Revocation for code in
// sibling test namespaces that writes Revocation.Revocation (Audit/ScriptedStore.cs does).
namespace Mandate.Core.Tests.Revocations;

public sealed class RevocationListTests
{
    private static readonly DateTimeOffset RevokedAt = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly CredentialFacts Credential = new(
        Jti: "at_1",
        Agent: "spiffe://acme.example/agents/support",
        Tenant: "acme",
        Run: "run_1",
        User: "https://idp.acme.example|alice",
        IssuedAt: RevokedAt - TimeSpan.FromMinutes(1));

    public static TheoryData<RevocationTarget, string> BroadTargets => new()
    {
        { RevocationTarget.Agent, Credential.Agent },
        { RevocationTarget.Tenant, Credential.Tenant },
        { RevocationTarget.User, Credential.User! },
        { RevocationTarget.Run, Credential.Run },
    };

    /// <summary>Revocations that take what was issued up to them; new credentials may follow.</summary>
    public static TheoryData<RevocationTarget, string> IssuedSoFarTargets => new()
    {
        { RevocationTarget.Tenant, Credential.Tenant },
        { RevocationTarget.User, Credential.User! },
    };

    /// <summary>Revocations after which nothing new is issued: a disabled agent, a revoked run.</summary>
    public static TheoryData<RevocationTarget, string> NothingNewTargets => new()
    {
        { RevocationTarget.Agent, Credential.Agent },
        { RevocationTarget.Run, Credential.Run },
    };

    [Fact]
    public void Find_EmptyList_FindsNothing()
    {
        Assert.Null(new RevocationList().Find(Credential));
    }

    [Fact]
    public void Find_RevokedToken_FindsIt()
    {
        var list = new RevocationList();
        var revocation = Revoke(RevocationTarget.Token, "at_1", RevokedAt);
        list.Add(revocation);

        Assert.Same(revocation, list.Find(Credential));
        Assert.Null(list.Find(Credential with { Jti = "at_2" }));
    }

    [Fact]
    public void Find_RevokedTokenIssuedAfterTheRevocation_StillFindsIt()
    {
        var list = new RevocationList();
        list.Add(Revoke(RevocationTarget.Token, "at_1", RevokedAt));

        // A jti names one credential; when it was issued does not matter.
        Assert.NotNull(list.Find(Credential with { IssuedAt = RevokedAt + TimeSpan.FromMinutes(1) }));
    }

    [Theory]
    [MemberData(nameof(BroadTargets))]
    public void Find_CredentialIssuedBeforeTheRevocation_IsCovered(RevocationTarget target, string value)
    {
        var list = new RevocationList();
        var revocation = Revoke(target, value, RevokedAt);
        list.Add(revocation);

        Assert.Same(revocation, list.Find(Credential with { IssuedAt = RevokedAt - TimeSpan.FromMinutes(10) }));
    }

    [Theory]
    [MemberData(nameof(BroadTargets))]
    public void Find_CredentialIssuedAtTheRevocationInstant_IsCovered(RevocationTarget target, string value)
    {
        var list = new RevocationList();
        list.Add(Revoke(target, value, RevokedAt));

        Assert.NotNull(list.Find(Credential with { IssuedAt = RevokedAt }));
    }

    [Theory]
    [MemberData(nameof(IssuedSoFarTargets))]
    public void Find_CredentialIssuedAfterTheRevocation_IsNotCovered(RevocationTarget target, string value)
    {
        var list = new RevocationList();
        list.Add(Revoke(target, value, RevokedAt));

        Assert.Null(list.Find(Credential with { IssuedAt = RevokedAt + TimeSpan.FromTicks(1) }));
    }

    [Theory]
    [MemberData(nameof(NothingNewTargets))]
    public void Invariant6_Find_CredentialIssuedAfterAKillSwitchOrRunRevocation_IsCovered(RevocationTarget target, string value)
    {
        // Issued by a node that had not heard the revocation yet, or whose clock is ahead of the revoking node's.
        var list = new RevocationList();
        list.Add(Revoke(target, value, RevokedAt));

        Assert.NotNull(list.Find(Credential with { IssuedAt = RevokedAt + TimeSpan.FromSeconds(5) }));
    }

    [Fact]
    public void Find_CredentialIssuedAfterALiftedKillSwitch_IsNotCovered()
    {
        var list = new RevocationList();
        var revocation = Revoke(RevocationTarget.Agent, Credential.Agent, RevokedAt);
        list.Add(revocation with { LiftedAt = RevokedAt + TimeSpan.FromMinutes(1) });

        Assert.Null(list.Find(Credential with { IssuedAt = RevokedAt + TimeSpan.FromTicks(1) }));
        Assert.NotNull(list.Find(Credential with { IssuedAt = RevokedAt }));
    }

    [Theory]
    [MemberData(nameof(BroadTargets))]
    public void Find_RevocationOfAnotherValue_DoesNotCover(RevocationTarget target, string value)
    {
        var list = new RevocationList();
        list.Add(Revoke(target, value + "-other", RevokedAt));

        Assert.Null(list.Find(Credential));
    }

    [Fact]
    public void Find_SameValueUnderAnotherTarget_DoesNotCover()
    {
        var list = new RevocationList();

        // A tenant named like the run: revoking the tenant must not revoke the run, and vice versa.
        list.Add(Revoke(RevocationTarget.Tenant, Credential.Run, RevokedAt));
        list.Add(Revoke(RevocationTarget.Token, Credential.Agent, RevokedAt));

        Assert.Null(list.Find(Credential));
    }

    [Fact]
    public void Find_CredentialWithoutUser_IsNotCoveredByAUserRevocation()
    {
        var list = new RevocationList();
        list.Add(Revoke(RevocationTarget.User, Credential.User!, RevokedAt));

        Assert.Null(list.Find(Credential with { User = null }));
    }

    [Theory]
    [MemberData(nameof(BroadTargets))]
    public void Add_LaterRevocationOfTheSameTarget_ReplacesTheEarlierOne(RevocationTarget target, string value)
    {
        var list = new RevocationList();
        var earlier = Revoke(target, value, RevokedAt);
        var later = Revoke(target, value, RevokedAt + TimeSpan.FromMinutes(5));

        list.Add(earlier);
        list.Add(later);

        Assert.Equal(1, list.Count);
        var issuedBetween = Credential with { IssuedAt = RevokedAt + TimeSpan.FromMinutes(2) };
        Assert.Same(later, list.Find(issuedBetween));
    }

    [Theory]
    [MemberData(nameof(BroadTargets))]
    public void Add_EarlierRevocationArrivingLate_KeepsTheLaterOne(RevocationTarget target, string value)
    {
        var list = new RevocationList();
        var earlier = Revoke(target, value, RevokedAt);
        var later = Revoke(target, value, RevokedAt + TimeSpan.FromMinutes(5));

        // Loading from the store and a live commit can arrive in either order; the wider revocation wins.
        list.Add(later);
        list.Add(earlier);

        Assert.Equal(1, list.Count);
        Assert.Same(later, list.Find(Credential with { IssuedAt = RevokedAt + TimeSpan.FromMinutes(2) }));
    }

    [Fact]
    public void Add_DifferentTargets_AreKeptApart()
    {
        var list = new RevocationList();

        list.Add(Revoke(RevocationTarget.Agent, Credential.Agent, RevokedAt));
        list.Add(Revoke(RevocationTarget.Tenant, Credential.Tenant, RevokedAt));
        list.Add(Revoke(RevocationTarget.Token, Credential.Jti, RevokedAt));

        Assert.Equal(3, list.Count);
    }

    [Fact]
    public void Find_TokenRevocationAndBroadRevocation_ReportsTheTokenOne()
    {
        var list = new RevocationList();
        var byToken = Revoke(RevocationTarget.Token, Credential.Jti, RevokedAt);
        list.Add(Revoke(RevocationTarget.Tenant, Credential.Tenant, RevokedAt));
        list.Add(byToken);

        Assert.Same(byToken, list.Find(Credential));
    }

    [Theory]
    [MemberData(nameof(IssuedSoFarTargets))]
    public void Invariant6_CoveringIdentityToken_UserTokenIssuedUpToTheRevocationOrWithoutIat_IsCovered(RevocationTarget target, string value)
    {
        var list = new RevocationList();
        var revocation = Revoke(target, value, RevokedAt);
        list.Add(revocation);

        Assert.Same(revocation, list.CoveringIdentityToken(Credential.Tenant, Credential.User!, RevokedAt - TimeSpan.FromHours(1)));
        Assert.Same(revocation, list.CoveringIdentityToken(Credential.Tenant, Credential.User!, RevokedAt));
        Assert.Same(revocation, list.CoveringIdentityToken(Credential.Tenant, Credential.User!, issuedAt: null));
        Assert.Null(list.CoveringIdentityToken(Credential.Tenant, Credential.User!, RevokedAt + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void CoveringIdentityToken_OtherTenantOrUser_AgentOrRunRevoked_IsNotCovered()
    {
        var list = new RevocationList();
        list.Add(Revoke(RevocationTarget.Tenant, "globex", RevokedAt));
        list.Add(Revoke(RevocationTarget.User, "bob", RevokedAt));
        list.Add(Revoke(RevocationTarget.Agent, Credential.Agent, RevokedAt));
        list.Add(Revoke(RevocationTarget.Run, Credential.Run, RevokedAt));

        Assert.Null(list.CoveringIdentityToken(Credential.Tenant, Credential.User!, issuedAt: null));
    }

    [Fact]
    public void MayCoverThroughRun_NoRunAndNotItsTenantOrUserRevoked_IsFalse()
    {
        var list = new RevocationList();
        list.Add(Revoke(RevocationTarget.Tenant, "globex", RevokedAt));
        list.Add(Revoke(RevocationTarget.User, "bob", RevokedAt));
        list.Add(Revoke(RevocationTarget.Agent, Credential.Agent, RevokedAt));
        list.Add(Revoke(RevocationTarget.Token, "at_2", RevokedAt));

        Assert.False(list.MayCoverThroughRun(Credential));
    }

    [Theory]
    [InlineData(RevocationTarget.Run, "run_of_another_agent")] // perhaps an ancestor of the credential's run
    [InlineData(RevocationTarget.Tenant, "acme")]
    [InlineData(RevocationTarget.User, "https://idp.acme.example|alice")]
    public void Invariant6_MayCoverThroughRun_AnyRunOrItsTenantOrUserRevoked_IsTrue(RevocationTarget target, string value)
    {
        var list = new RevocationList();
        list.Add(Revoke(target, value, RevokedAt));
        list.Add(Revoke(target, value, RevokedAt + TimeSpan.FromSeconds(1)));

        Assert.True(list.MayCoverThroughRun(Credential));
    }

    [Fact]
    public void MayCoverThroughRun_OnceTheOnlyRunRevocationIsPurged_IsFalse()
    {
        var list = new RevocationList();
        list.Add(Revoke(RevocationTarget.Run, "run_9", RevokedAt));
        list.Add(Revoke(RevocationTarget.Run, "run_9", RevokedAt + TimeSpan.FromSeconds(1)));

        list.Purge(RevokedAt + TimeSpan.FromHours(1));

        Assert.False(list.MayCoverThroughRun(Credential));
    }

    [Fact]
    public void Add_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new RevocationList().Add(null!));
    }

    private static Core.Revocation.Revocation Revoke(RevocationTarget target, string value, DateTimeOffset at) => new()
    {
        Id = "rev_" + Guid.NewGuid().ToString("N"),
        Target = target,
        Value = value,
        RevokedAt = at,
        KeepUntil = at + TimeSpan.FromMinutes(16),
        RevokedBy = "admin",
    };
}
