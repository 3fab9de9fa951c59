using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Attestation.AttestorEnvironment;

namespace Mandate.Core.Tests.Attestation.Profiles;

/// <summary>GitHub Actions and generic OIDC tokens: SPIFFE ID templates over claims, and required_claims as conditions.</summary>
public sealed class TemplateProfileTests : IDisposable
{
    private const string Repository = "acme/refund-bot";
    private readonly ProfileFixture _f = new("https://token.actions.githubusercontent.com");

    public void Dispose() => _f.Dispose();

    private TrustedIssuerOptions GitHub => _f.Options(IssuerProfile.GitHubActions) with
    {
        SpiffeIdTemplate = "spiffe://acme.example/ci/github/{repository}",
        RequiredClaims = new Dictionary<string, IReadOnlyList<string>>
        {
            ["repository"] = [Repository],
            ["ref"] = ["refs/heads/main", "refs/heads/release/*"],
            ["event_name"] = ["push", "workflow_dispatch"],
        },
    };

    /// <summary>A GitHub Actions OIDC token for a push to main, then <paramref name="edit"/>.</summary>
    private string Token(Action<TokenParts>? edit = null) =>
        _f.Token($"repo:{Repository}:ref:refs/heads/main", parts =>
        {
            parts.Payload["repository"] = Repository;
            parts.Payload["repository_owner"] = "acme";
            parts.Payload["ref"] = "refs/heads/main";
            parts.Payload["workflow"] = "release";
            parts.Payload["job_workflow_ref"] = $"{Repository}/.github/workflows/release.yml@refs/heads/main";
            parts.Payload["environment"] = "production";
            parts.Payload["event_name"] = "push";
            parts.Payload["run_attempt"] = 1;
            edit?.Invoke(parts);
        });

    [Fact]
    public async Task Attest_GitHubTokenMeetingRequiredClaims_MapsRepositoryToSpiffeId()
    {
        var result = await _f.AttestAsync(GitHub, Token());

        Assert.Equal("spiffe://acme.example/ci/github/acme/refund-bot", result.Identity?.SpiffeId);
        Assert.Equal("github-actions", result.Identity!.Evidence.Profile);
    }

    [Fact]
    public async Task Attest_RefMatchingAGlob_IsAccepted()
    {
        var result = await _f.AttestAsync(GitHub, Token(p => p.Payload["ref"] = "refs/heads/release/2026.1"));

        Assert.NotNull(result.Identity);
    }

    [Theory]
    [InlineData("refs/heads/feature/x")]
    [InlineData("refs/heads/main2")]
    [InlineData("refs/heads/releasex")]
    [InlineData("refs/pull/7/merge")]
    public async Task Attest_WrongRef_IsRefusedNamingTheClaimAndTheFix(string gitRef)
    {
        var token = Token(p => p.Payload["ref"] = gitRef);

        var result = await _f.AttestAsync(GitHub, token);

        AssertRefused(result, token, "claim 'ref' is not one issuer 'test-issuer' allows (required_claims.ref: refs/heads/main, refs/heads/release/*)");
        Assert.DoesNotContain(gitRef, result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attest_WrongRepository_IsRefused()
    {
        var token = Token(p => p.Payload["repository"] = "mallory/refund-bot");

        AssertRefused(await _f.AttestAsync(GitHub, token), token, "claim 'repository' is not one issuer 'test-issuer' allows");
    }

    [Fact]
    public async Task Attest_RequiredClaimAbsent_IsRefused()
    {
        var token = Token(p => p.Payload.Remove("event_name"));

        AssertRefused(await _f.AttestAsync(GitHub, token), token, "has no 'event_name' claim");
    }

    [Fact]
    public async Task Attest_RequiredClaimIsAnObject_IsRefused()
    {
        var token = Token(p => p.Payload["repository"] = new Dictionary<string, object> { ["name"] = Repository });

        // repository is also what the SPIFFE ID is built from, so its type is checked before required_claims.
        AssertRefused(await _f.AttestAsync(GitHub, token), token, "has a 'repository' claim that is not a JSON string");
    }

    [Fact]
    public async Task Attest_RequiredClaimIsAnArray_IsRefused()
    {
        var token = Token(p => p.Payload["event_name"] = new List<string> { "push", "schedule" });

        AssertRefused(await _f.AttestAsync(GitHub, token), token, "has no 'event_name' claim");
    }

    [Fact]
    public async Task Attest_BooleanRequiredClaim_ComparesAsJsonText()
    {
        var options = GitHub with { RequiredClaims = new Dictionary<string, IReadOnlyList<string>> { ["runner_hosted"] = ["true"] } };

        Assert.NotNull((await _f.AttestAsync(options, Token(p => p.Payload["runner_hosted"] = true))).Identity);
        Assert.Null((await _f.AttestAsync(options, Token(p => p.Payload["runner_hosted"] = false))).Identity);
    }

    [Fact]
    public async Task Attest_StringClaimInTemplate_IsUsedAsIs()
    {
        // GitHub sends run_attempt as a JSON string, "1".
        var options = GitHub with { SpiffeIdTemplate = "spiffe://acme.example/ci/github/{repository}/attempt/{run_attempt}" };

        var result = await _f.AttestAsync(options, Token(p => p.Payload["run_attempt"] = "1"));

        Assert.Equal("spiffe://acme.example/ci/github/acme/refund-bot/attempt/1", result.Identity?.SpiffeId);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(true)]
    public async Task Invariant7_NonStringClaimInTemplate_IsRefusedNotConverted(object value)
    {
        // A claim a SPIFFE ID is built from becomes the agent's identity: a JSON string, never a converted number or boolean.
        var options = GitHub with { SpiffeIdTemplate = "spiffe://acme.example/ci/github/{repository}/attempt/{run_attempt}" };
        var token = Token(p => p.Payload["run_attempt"] = value);

        AssertRefused(await _f.AttestAsync(options, token), token, "'run_attempt' claim that is not a JSON string");
    }

    [Fact]
    public async Task Attest_TemplateOverAClaimWithUnsafeCharacters_IsRefused()
    {
        // sub is repo:acme/refund-bot:ref:refs/heads/main - ':' is not a SPIFFE path character.
        var token = Token();

        AssertRefused(await _f.AttestAsync(GitHub with { SpiffeIdTemplate = "spiffe://acme.example/ci/{sub}" }, token), token, "claim 'sub' is missing or is not a safe SPIFFE path value");
    }

    [Theory]
    [InlineData("..")]
    [InlineData("acme/../../agents/support")]
    [InlineData("acme//x")]
    [InlineData("/acme")]
    [InlineData("acme/")]
    [InlineData("acme refund")]
    [InlineData("acme%2F..")]
    public async Task Attest_ClaimValueThatWouldEscapeThePath_IsRefused(string repository)
    {
        var options = GitHub with { RequiredClaims = new Dictionary<string, IReadOnlyList<string>>() };
        var token = Token(p => p.Payload["repository"] = repository);

        AssertRefused(await _f.AttestAsync(options, token), token, "claim 'repository' is missing or is not a safe SPIFFE path value");
    }

    [Fact]
    public async Task Attest_TemplateClaimMissing_IsRefused()
    {
        var token = Token();

        AssertRefused(await _f.AttestAsync(GitHub with { SpiffeIdTemplate = "spiffe://acme.example/ci/{team}" }, token), token, "claim 'team' is missing");
    }

    [Fact]
    public async Task Attest_WrongAudience_IsRefused()
    {
        var token = Token(p => p.Payload["aud"] = "https://github.com/acme");

        AssertRefused(await _f.AttestAsync(GitHub, token), token, "is not addressed to Mandate");
    }

    [Fact]
    public async Task Attest_GenericOidcSubject_MapsThroughTemplate()
    {
        var options = _f.Options(IssuerProfile.Oidc) with { SpiffeIdTemplate = "spiffe://acme.example/oidc/{sub}" };

        var result = await _f.AttestAsync(options, _f.Token("batch-runner-7"));

        Assert.Equal("spiffe://acme.example/oidc/batch-runner-7", result.Identity?.SpiffeId);
        Assert.Equal("oidc", result.Identity!.Evidence.Profile);
    }

    [Fact]
    public async Task Attest_GenericOidcSubjectWithUserinfoCharacters_IsRefused()
    {
        var options = _f.Options(IssuerProfile.Oidc) with { SpiffeIdTemplate = "spiffe://acme.example/oidc/{sub}" };
        var token = _f.Token("alice@evil.example");

        AssertRefused(await _f.AttestAsync(options, token), token, "claim 'sub' is missing or is not a safe SPIFFE path value");
    }

    [Fact]
    public async Task AttestEvidencePoster_CiIssuerWithGitHubProfile_NamesThePosterByTemplate()
    {
        var attestor = _f.Attestor(GitHub with { Kind = IssuerKind.Ci, EvidenceSubjects = ["{repository}@{workflow}", "{run_attempt}/{repository}"] });

        var result = await attestor.AttestEvidencePosterAsync(Token(), CancellationToken.None);

        Assert.Equal("spiffe://acme.example/ci/github/acme/refund-bot", result.Identity?.Identity.SpiffeId);
        // The claims the subject templates read come along, strings only: run_attempt is a number, so it is absent.
        Assert.Equal(new Dictionary<string, string> { ["repository"] = Repository, ["workflow"] = "release" }, result.Identity?.Claims);
    }

    [Fact]
    public async Task AttestEvidencePoster_CiIssuerWithGitHubProfileAndWrongRef_IsRefused()
    {
        var attestor = _f.Attestor(GitHub with { Kind = IssuerKind.Ci });
        var token = Token(p => p.Payload["ref"] = "refs/heads/dev");

        AssertRefused(await attestor.AttestEvidencePosterAsync(token, CancellationToken.None), token, "claim 'ref' is not one");
    }
}
