using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials;
using Mandate.Core.Credentials.Jwt;
using Mandate.Core.Issuance;
using Mandate.Core.Keys;
using Mandate.Core.Minting;
using Mandate.Core.Protocol;
using Mandate.Core.RateLimits;
using Mandate.Core.Resolution;
using Mandate.Core.Runs;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;

namespace Mandate.Core.Tests.Stages;

/// <summary>
/// The Issue stage owns invariant 2: the one issuance record (with rate counters and side rows) commits before the
/// credential leaves; when the commit fails the kind's compensation runs and nothing is released.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync")]
public sealed class IssueStageTests : IAsyncLifetime
{
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
    }

    private SigningKeyRing Keys => _ring ?? throw new InvalidOperationException("keys are loaded in InitializeAsync");

    [Fact]
    public async Task CredentialAsync_Committed_OneRecordWithKindEvidenceRateCountersAndSideRows()
    {
        var kind = new FakeKind();
        var increment = new RateIncrement("rate:k", _f.Now.AddMinutes(1));

        var result = await Stage(kind).CredentialAsync(Issue() with { RateIncrements = [increment] }, CancellationToken.None);

        Assert.False(result.Failed(out _, out var response));
        Assert.Equal(("minted-value", "urn:test", "N_A", 60, "refunds:read"), (response.AccessToken, response.IssuedTokenType, response.TokenType, response.ExpiresIn, response.Scope));
        var batch = Assert.Single(_f.Trail.Batches);
        Assert.Equal([increment], batch.Of<Mandate.Core.RateLimits.RateIncrement>());
        Assert.Single(batch.Of<DatabaseLease>());
        var record = Assert.Single(batch.Of<Mandate.Core.Audit.AuditEvent>());
        Assert.Equal((AuditKinds.Issuance, "issued", "jti_1", "allow-rule"), (record.Kind, record.Outcome, record.Jti, record.Rule));
        Assert.Equal(("1", "grounds", "https://refunds.acme.example", "jwt"), (record.Evidence["kind_extra"], record.Evidence["from_grounds"], record.Evidence["aud"], record.Evidence["credential_kind"]));
        Assert.False(record.Evidence.ContainsKey("kid"));
        Assert.False(kind.Compensated);
    }

    [Fact]
    public async Task CredentialAsync_StoreGoneAtCommit_CompensatesAndReleasesNothing()
    {
        var kind = new FakeKind();
        _f.Trail.Fail = true;

        var result = await Stage(kind).CredentialAsync(Issue(), CancellationToken.None);

        Assert.True(result.Failed(out var error, out _));
        Assert.Equal((IssueChecks.NotRecorded.Id, E.TemporarilyUnavailable), (error.CheckId, error.Error));
        Assert.Equal("the audit store could not record decision dec_test, so no credential was issued; retry shortly", error.Description);
        Assert.True(kind.Compensated);
    }

    [Fact]
    public async Task CredentialAsync_KindRefuses_NothingRecorded()
    {
        var kind = new FakeKind { Refusal = new Check("issue.test_refusal", OAuthConstants.Errors.InvalidRequest).Refuse("no csr") };

        var result = await Stage(kind).CredentialAsync(Issue(), CancellationToken.None);

        Assert.True(result.Failed(out var error, out _));
        Assert.Equal("no csr", error.Description);
        Assert.Empty(_f.Trail.Batches);
    }

    [Fact]
    public async Task CredentialAsync_NoKindRegistered_RefusedKindUnavailable()
    {
        var stage = new IssueStage(new CredentialKinds([]), new RunTokenMinter(Keys, _f.Options), _f.Trail, _f.Store, _f.Options);

        var result = await stage.CredentialAsync(Issue(), CancellationToken.None);

        Assert.True(result.Failed(out var error, out _));
        Assert.Equal(IssueChecks.KindUnavailable.Id, error.CheckId);
        Assert.Empty(_f.Trail.Batches);
    }

    [Fact]
    public async Task CredentialAsync_JwtKind_RecordNamesTheSigningKeyAndTokenIsBearer()
    {
        var jwt = new JwtCredentialKind(new AccessTokenMinter(Keys, _f.Options.Issuer), CredentialKind.Jwt);

        var result = await Stage(jwt).CredentialAsync(Issue(), CancellationToken.None);

        Assert.False(result.Failed(out _, out var response));
        Assert.Equal((OAuthConstants.TokenTypes.AccessToken, "Bearer"), (response.IssuedTokenType, response.TokenType));
        var record = Assert.Single(Assert.Single(_f.Trail.Batches).Of<Mandate.Core.Audit.AuditEvent>());
        Assert.Equal(Keys.Current.Active.Kid, record.Evidence["kid"]);
        Assert.Equal("jwt", record.Evidence["credential_kind"]);
    }

    [Fact]
    public async Task CredentialAsync_ApprovalAlreadyConsumed_CompensatesRefusedConsumed()
    {
        var kind = new FakeKind();
        var consume = new ApprovalTransition { Id = "areq_missing", From = ApprovalStatus.Approved, To = ApprovalStatus.Consumed, At = _f.Now };

        var result = await Stage(kind).CredentialAsync(Issue() with { Consume = consume }, CancellationToken.None);

        Assert.True(result.Failed(out var error, out _));
        Assert.Equal((ApprovalChecks.Consumed.Id, E.InvalidGrant), (error.CheckId, error.Error));
        Assert.True(kind.Compensated);
    }

    [Fact]
    public async Task CredentialAsync_RecheckRefusesAfterTheCommit_RecordStaysCompensatesAndReleasesNothing()
    {
        var kind = new FakeKind();
        var taken = ResolveChecks.NamedRunTaken.Refuse("run 'run-7' is already the run of another agent, tenant or user");

        var result = await Stage(kind).CredentialAsync(Issue() with { Recheck = _ => Task.FromResult<OAuthError?>(taken) }, CancellationToken.None);

        Assert.True(result.Failed(out var error, out _));
        Assert.Same(taken, error);
        Assert.Single(_f.Trail.Batches);
        Assert.True(kind.Compensated);
    }

    [Fact]
    public async Task RunTokenAsync_StoreGoneAtCommit_RefusedNotRecorded()
    {
        _f.Trail.Fail = true;
        var run = _f.RunToken().Run;

        var result = await Stage(new FakeKind()).RunTokenAsync(
            new RunIssue(run, IsNewRun: true, _f.Now, _f.Now.AddMinutes(5), null) { Record = (jti, kid) => new AuditEvent { Kind = AuditKinds.Run, Time = _f.Now, Outcome = "started", Jti = jti } },
            CancellationToken.None);

        Assert.True(result.Failed(out var error, out _));
        Assert.Equal(IssueChecks.NotRecorded.Id, error.CheckId);
        Assert.Equal("the store could not record run 'run_1', so no run token was issued; retry shortly", error.Description);
    }

    private IssueStage Stage(ICredentialKind kind) =>
        new(new CredentialKinds([kind]), new RunTokenMinter(Keys, _f.Options), _f.Trail, _f.Store, _f.Options);

    private CredentialIssue Issue()
    {
        var tool = _f.Registry.FindTool("refunds") ?? throw new InvalidOperationException("refunds");
        var claims = new CredentialClaims
        {
            Jti = "jti_1",
            Subject = "alice",
            Audience = tool.Resource,
            Agent = StageFixture.Support,
            Actors = [StageFixture.Support],
            Scopes = ["refunds:read"],
            Tenant = "acme",
            Run = "run_9",
            PolicyVersion = "v1",
            DecisionId = "dec_test",
            IssuedAt = _f.Now,
            ExpiresAt = _f.Now.AddSeconds(60),
        };
        var grounds = new IssuanceGrounds(new SortedDictionary<string, string>(StringComparer.Ordinal) { ["from_grounds"] = "grounds" }, "refunds", "alice", "allow-rule", "because");
        return new CredentialIssue(claims, tool, grounds) { Rule = "allow-rule" };
    }

    /// <summary>A kind for the Jwt tool kind that returns fixed data and remembers whether it was compensated.</summary>
    private sealed class FakeKind : ICredentialKind
    {
        public CredentialKind Kind => CredentialKind.Jwt;

        public string IssuedTokenType => OAuthConstants.TokenTypes.AccessToken;

        public bool IssuableAfterApproval => true;

        public OAuthError? Refusal { get; init; }

        public bool Compensated { get; private set; }

        public ValueTask<Result<MintedCredential>> MintAsync(CredentialRequest request, CancellationToken cancellationToken)
        {
            if (Refusal is { } refusal)
            {
                return ValueTask.FromResult<Result<MintedCredential>>(refusal);
            }

            return ValueTask.FromResult<Result<MintedCredential>>(new MintedCredential
            {
                Value = "minted-value",
                IssuedTokenType = "urn:test",
                TokenType = "N_A",
                Evidence = new Dictionary<string, string> { ["kind_extra"] = "1" },
                SideRows = new Storage.StoreBatch(
                    new DatabaseLease { Role = "r1", Tool = "refunds", Jti = "jti_1", Run = "run_9", Tenant = "acme", Agent = StageFixture.Support, IssuedAt = request.Claims.IssuedAt, ExpiresAt = request.Claims.ExpiresAt }),
                Compensate = _ =>
                {
                    Compensated = true;
                    return Task.CompletedTask;
                },
            });
        }
    }
}
