using Mandate.Core.Attestation;
using Mandate.Core.Keys;
using Mandate.Core.Policy;
using Mandate.Core.Revocation;
using Mandate.Core.Runs;
using Mandate.Core.Tests.Attestation;
using Mandate.Core.Grants;
using Mandate.Policy;
using Mandate.SenderConstraint;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;
using T = Mandate.Core.Protocol.OAuthConstants.TokenTypes;

namespace Mandate.Core.Tests.Stages;

/// <summary>The Attest stage: the caller (trust domain, registry, kill switch) and the subject (user, own workload, run token).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync")]
public sealed class AttestStageTests : IAsyncLifetime
{
    private readonly AttestorEnvironment _env = new();
    private StageFixture _f = new();
    private SigningKeyRing? _ring;

    public async Task InitializeAsync()
    {
        _f = await _f.MigrateAsync();
        _ring = new SigningKeyRing(_f.Store, new KeyEncryptionKey(new byte[32]), _f.Options, _f.Clock);
        await _ring.RefreshAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _ring?.Dispose();
        await _f.DisposeAsync();
        _env.Dispose();
    }

    [Fact]
    public async Task ActorAsync_RegisteredAgent_Attested()
    {
        var attested = await Stage().ActorAsync(Request(_env.WorkloadToken(), null), CancellationToken.None);

        Assert.False(attested.Failed(out _, out var actor));
        Assert.Equal((StageFixture.Support, StageFixture.Support), (actor.SpiffeId, actor.Agent.Id));
    }

    [Theory]
    [InlineData(StageFixture.Support)]
    [InlineData("")]
    public async Task ActorAsync_ClientIdOfTheAuthenticatedWorkloadOrEmpty_Attested(string clientId)
    {
        var attested = await Stage().ActorAsync(Request(_env.WorkloadToken(), clientId), CancellationToken.None);

        Assert.False(attested.Failed(out _, out var actor));
        Assert.Equal(StageFixture.Support, actor.SpiffeId);
    }

    [Theory]
    [InlineData("spiffe://acme.example/agents/other")]
    [InlineData("spiffe://acme.example/agents/support/")]
    [InlineData("SPIFFE://acme.example/agents/support")]
    [InlineData("support")]
    public async Task ActorAsync_ClientIdNamingAnotherClient_RefusedInvalidClientWithIdentity(string clientId)
    {
        var attested = await Stage().ActorAsync(Request(_env.WorkloadToken(), clientId), CancellationToken.None);

        Assert.True(attested.Failed(out var error, out _));
        Assert.Equal((AttestChecks.ClientId.Id, E.InvalidClient), (error.CheckId, error.Error));
        Assert.DoesNotContain(clientId, error.Description.Replace(StageFixture.Support, "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(StageFixture.Support, attested.Identity?.SpiffeId);
    }

    [Fact]
    public async Task ActorAsync_DisabledAgent_RefusedAgentDisabledWithIdentity()
    {
        _f.Revocations.Add(new Revocation.Revocation { Id = "rev_k", Target = RevocationTarget.Agent, Value = StageFixture.Support, RevokedAt = _f.Now, KeepUntil = _f.Now.AddHours(1), RevokedBy = "admin", Reason = "incident" });

        var attested = await Stage().ActorAsync(Request(_env.WorkloadToken(), null), CancellationToken.None);

        Assert.True(attested.Failed(out var error, out _));
        Assert.Equal((AttestChecks.AgentDisabled.Id, E.InvalidRequest), (error.CheckId, error.Error));
        Assert.Contains("is disabled (revocation rev_k: incident)", error.Description, StringComparison.Ordinal);
        Assert.Equal(StageFixture.Support, attested.Identity?.SpiffeId);
    }

    [Fact]
    public async Task ActorAsync_DisabledAgentWhoseSvidIsCached_RefusedAgentDisabled()
    {
        var cache = new ValidatedTokenCache(new Mandate.Core.Configuration.IdentityCacheOptions(), _env.Clock);
        var attestor = new ActorAttestor(_env.Attestor(cache: cache), _f.Registry, _f.Revocations, _f.Options);
        var svid = _env.WorkloadToken();
        Assert.False((await attestor.AttestAsync(svid, null, null, CancellationToken.None)).Failed(out _, out _));
        Assert.Equal(1, cache.Count);

        _f.Revocations.Add(new Revocation.Revocation { Id = "rev_k", Target = RevocationTarget.Agent, Value = StageFixture.Support, RevokedAt = _f.Now, KeepUntil = _f.Now.AddHours(1), RevokedBy = "admin", Reason = "incident" });
        var attested = await attestor.AttestAsync(svid, null, null, CancellationToken.None);

        // The cache remembers only that the signature verified; the kill switch is asked on every request.
        Assert.True(attested.Failed(out var error, out _));
        Assert.Equal((AttestChecks.AgentDisabled.Id, E.InvalidRequest), (error.CheckId, error.Error));
    }

    [Fact]
    public async Task ActorAsync_NodeNotFollowingTheStore_FailsClosedAsStoreUnavailable()
    {
        var behind = new RevocationList(new BehindFeed());
        var attestor = new ActorAttestor(_env.Attestor(), _f.Registry, behind, _f.Options);

        // Every grant attests its actor here, so none can issue while the node may have missed a revocation.
        await Assert.ThrowsAsync<Storage.StoreUnavailableException>(() => attestor.AttestAsync(_env.WorkloadToken(), null, null, CancellationToken.None));
    }

    [Fact]
    public async Task ActorAsync_WorkloadOfAnotherTrustDomain_RefusedTrustDomain()
    {
        var token = _env.Workloads.Token("spiffe://globex.example/agents/support", AttestorEnvironment.Audience, _env.Now);

        var attested = await Stage().ActorAsync(Request(token, null), CancellationToken.None);

        Assert.True(attested.Failed(out var error, out _));
        Assert.Equal((AttestChecks.TrustDomain.Id, E.InvalidRequest), (error.CheckId, error.Error));
    }

    [Fact]
    public async Task ActorAsync_UnregisteredWorkload_RefusedAgentUnregistered()
    {
        var token = _env.Workloads.Token("spiffe://acme.example/agents/stranger", AttestorEnvironment.Audience, _env.Now);

        var attested = await Stage().ActorAsync(Request(token, null), CancellationToken.None);

        Assert.True(attested.Failed(out var error, out _));
        Assert.Equal((AttestChecks.AgentUnregistered.Id, E.InvalidRequest), (error.CheckId, error.Error));
    }

    [Fact]
    public async Task ActorAsync_NoTokenNoCertificate_RefusedActorToken()
    {
        var attested = await Stage().ActorAsync(Request(null, null), CancellationToken.None);

        Assert.True(attested.Failed(out var error, out _));
        Assert.Equal(AttestChecks.ActorToken.Id, error.CheckId);
        Assert.Null(attested.Identity);
    }

    [Fact]
    public async Task SubjectAsync_UserToken_UserSubject()
    {
        var result = await Stage().SubjectAsync(StageFixture.Request((P.SubjectToken, _env.UserToken()), (P.SubjectTokenType, T.Jwt)), _f.Actor(), CancellationToken.None);

        Assert.False(result.Failed(out _, out var subject));
        Assert.Equal((SubjectKind.User, "alice", "acme"), (subject.Kind, subject.User?.Subject, subject.User?.Tenant));
    }

    [Fact]
    public async Task SubjectAsync_AnotherWorkloadsIdentity_RefusedSubjectNotActor()
    {
        var other = _env.Workloads.Token(StageFixture.Executor, AttestorEnvironment.Audience, _env.Now);

        var result = await Stage().SubjectAsync(StageFixture.Request((P.SubjectToken, other), (P.SubjectTokenType, T.Jwt)), _f.Actor(), CancellationToken.None);

        Assert.True(result.Failed(out var error, out _));
        Assert.Equal(AttestChecks.SubjectNotActor.Id, error.CheckId);
    }

    [Fact]
    public async Task SubjectAsync_MayActNamesAnotherParty_RefusedMayAct()
    {
        var user = _env.UserToken(p => p.Payload["may_act"] = new Dictionary<string, object> { ["sub"] = StageFixture.Executor });

        var result = await Stage().SubjectAsync(StageFixture.Request((P.SubjectToken, user), (P.SubjectTokenType, T.Jwt)), _f.Actor(), CancellationToken.None);

        Assert.True(result.Failed(out var error, out _));
        Assert.Equal((AttestChecks.MayAct.Id, E.InvalidRequest), (error.CheckId, error.Error));
    }

    [Fact]
    public async Task SubjectAsync_NotARunToken_RefusedSubjectToken()
    {
        var result = await Stage().SubjectAsync(StageFixture.Request((P.SubjectToken, "not.a.token"), (P.SubjectTokenType, T.TxnToken)), _f.Actor(), CancellationToken.None);

        Assert.True(result.Failed(out var error, out _));
        Assert.Equal(AttestChecks.SubjectToken.Id, error.CheckId);
        Assert.StartsWith("subject_token", error.Description, StringComparison.Ordinal);
    }

    private AttestStage Stage()
    {
        var ring = _ring ?? throw new InvalidOperationException("loaded in InitializeAsync");
        var attestor = _env.Attestor();
        var standing = new PrincipalStanding(_f.Store, _f.Revocations);
        return new AttestStage(
            new ActorAttestor(attestor, _f.Registry, _f.Revocations, _f.Options),
            attestor,
            new RunTokenValidator(ring, _f.Store, standing, _f.Options, _f.Clock),
            standing,
            new DpopProofValidator(new DpopValidationOptions(), _f.Clock));
    }

    // A token request carrying only the caller's identity: its actor_token and client_id, each left out when null.
    private static TokenRequest Request(string? actorToken, string? clientId)
    {
        var parameters = new Dictionary<string, string>();
        if (actorToken is not null)
        {
            parameters[P.ActorToken] = actorToken;
        }

        if (clientId is not null)
        {
            parameters[P.ClientId] = clientId;
        }

        return new TokenRequest(parameters);
    }

    private sealed class BehindFeed : Cluster.IChangeFeed
    {
        public bool IsCurrent => false;

        public Task RunAsync(Func<Cluster.ChangeTopic, CancellationToken, Task> onChange, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
