using System.Security.Cryptography;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials;
using Mandate.Core.Credentials.Federation;
using Mandate.Core.Keys;
using Mandate.Core.Protocol;
using Mandate.Core.Tests.Keys;
using Microsoft.Data.Sqlite;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Tests.Credentials;

public sealed class OidcFederationCredentialKindTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private readonly KeyEncryptionKey _kek = new(RandomNumberGenerator.GetBytes(32));
    private KeyRingEnvironment _env = null!;
    private FederationKeyRing _keys = null!;

    private MandateOptions Options => _env.Options with { Issuer = "https://mandate.example" };

    public async Task InitializeAsync()
    {
        _env = await KeyRingEnvironment.StartAsync();
        _keys = new FederationKeyRing(_env.Store, _kek, Options, _env.Clock);
    }

    public async Task DisposeAsync() => await _env.DisposeAsync();

    public void Dispose()
    {
        _keys.Dispose();
        _kek.Dispose();
    }

    [Fact]
    public async Task MintAsync_ReturnsRs256IdTokenForTheToolAudienceAndSubject_AndWritesNoIssuance()
    {
        var kind = new OidcFederationCredentialKind(_keys, Options);
        var tool = Tool(subject: "tenant:{tenant}:user:{user}");

        var result = await kind.MintAsync(KindRequests.For(tool, _env.Clock.GetUtcNow(), Lifetime), _env.Ct);

        Assert.False(result.Failed(out _, out var minted));
        Assert.Equal((CredentialTokenTypes.IdToken, "N_A"), (minted.IssuedTokenType, minted.TokenType));
        var jwks = new JsonWebKeySet((await _keys.GetAsync(_env.Ct)).JwksJson);
        var validated = await new JsonWebTokenHandler().ValidateTokenAsync(minted.Value, new TokenValidationParameters
        {
            ValidIssuer = "https://mandate.example/federation",
            ValidAudience = "sts.amazonaws.com",
            IssuerSigningKeys = jwks.Keys,
            LifetimeValidator = (_, _, _, _) => true,
        });
        Assert.True(validated.IsValid, validated.Exception?.Message);
        var token = (JsonWebToken)validated.SecurityToken;
        Assert.Equal(("RS256", "JWT"), (token.Alg, token.Typ));
        Assert.Equal("tenant:acme:user:alice", token.Subject);
        Assert.Equal(minted.Kid, token.Kid);
        Assert.Equal("jti_test", token.Id);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["credential_kind"] = "oidc-federation",
                ["iss"] = "https://mandate.example/federation",
                ["aud"] = "sts.amazonaws.com",
                ["sub"] = "tenant:acme:user:alice",
                ["alg"] = "RS256",
            },
            minted.Evidence);
        Assert.Empty(minted.SideRows.Of<Mandate.Core.Audit.AuditEvent>());
        Assert.Null(minted.Compensate);
        Assert.False(kind.IssuableAfterApproval);
        // The only record is the federation key's creation; the issuance is the Issue stage's to write.
        Assert.All(await AuditKindsAsync(), k => Assert.Equal(AuditKinds.KeyRotation, k));
    }

    [Fact]
    public async Task MintAsync_ToolLifetimeShorter_CapsTheExpiry()
    {
        var now = _env.Clock.GetUtcNow();

        var result = await new OidcFederationCredentialKind(_keys, Options).MintAsync(KindRequests.For(Tool(lifetime: TimeSpan.FromMinutes(2)), now, Lifetime), _env.Ct);

        Assert.False(result.Failed(out _, out var minted));
        Assert.Equal(now + TimeSpan.FromMinutes(2), minted.Claims?.ExpiresAt);
        Assert.Equal((now + TimeSpan.FromMinutes(2)).ToUnixTimeSeconds(), new JsonWebToken(minted.Value).GetPayloadValue<long>("exp"));
    }

    [Fact]
    public async Task MintAsync_ToolLifetimeLonger_KeepsTheDecidedExpiry()
    {
        var now = _env.Clock.GetUtcNow();

        var result = await new OidcFederationCredentialKind(_keys, Options).MintAsync(KindRequests.For(Tool(lifetime: TimeSpan.FromHours(1)), now, Lifetime), _env.Ct);

        Assert.False(result.Failed(out _, out var minted));
        Assert.Equal(now + Lifetime, minted.Claims?.ExpiresAt);
    }

    [Fact]
    public async Task MintAsync_StoreLockedBeforeTheKeyExists_RefusesFederationKeyUnavailable()
    {
        await using var blocker = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _env.StorePath, Pooling = false }.ToString());
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync();
        }

        var result = await new OidcFederationCredentialKind(_keys, Options).MintAsync(KindRequests.For(Tool(), _env.Clock.GetUtcNow(), Lifetime), _env.Ct);

        Assert.True(result.Failed(out var refusal, out _));
        Assert.Equal(("issue.federation_key_unavailable", "temporarily_unavailable"), (refusal.CheckId, refusal.Error));
        Assert.Equal("the federation signing key could not be loaded from the store, so no credential was issued; retry shortly", refusal.Description);
    }

    [Theory]
    [InlineData("{user}", "ålice")]
    [InlineData("{user}", "")]
    [InlineData("user:{user}", "\u0430lice")]
    public async Task Invariant7_SubjectEmptyOrNotAscii_RefusesFederationSubjectInvalid_NothingSigned(string template, string user)
    {
        // OIDC Core 1.0 §2: sub is REQUIRED and MUST NOT exceed 255 ASCII characters.
        var kind = new OidcFederationCredentialKind(_keys, Options);

        var result = await kind.MintAsync(KindRequests.For(Tool(subject: template), _env.Clock.GetUtcNow(), Lifetime) with { User = user }, _env.Ct);

        AssertSubjectRefused(result);
    }

    [Fact]
    public async Task Invariant7_SubjectOver255Characters_RefusesFederationSubjectInvalid_NothingSigned()
    {
        // OIDC Core 1.0 §2: sub MUST NOT exceed 255 ASCII characters; cutting it would make two subjects one.
        var kind = new OidcFederationCredentialKind(_keys, Options);
        var user = new string('u', 256 - "acme:".Length);

        var exactly255 = await kind.MintAsync(KindRequests.For(Tool(subject: "acme:{user}"), _env.Clock.GetUtcNow(), Lifetime) with { User = user[1..] }, _env.Ct);
        var over = await kind.MintAsync(KindRequests.For(Tool(subject: "acme:{user}"), _env.Clock.GetUtcNow(), Lifetime) with { User = user }, _env.Ct);

        Assert.False(exactly255.Failed(out _, out var minted));
        Assert.Equal(255, new JsonWebToken(minted.Value).Subject.Length);
        AssertSubjectRefused(over);
    }

    private static void AssertSubjectRefused(Result<MintedCredential> result)
    {
        Assert.True(result.Failed(out var refusal, out _));
        Assert.Equal(("issue.federation_subject_invalid", "invalid_target"), (refusal.CheckId, refusal.Error));
        Assert.Contains("1 to 255 ASCII characters", refusal.Description, StringComparison.Ordinal);
    }

    private static ToolOptions Tool(string subject = "{agent}", TimeSpan? lifetime = null) => new()
    {
        Name = "aws",
        Resource = "https://tool.example",
        Scopes = ["cloud:assume"],
        Kind = CredentialKind.OidcFederation,
        OidcFederation = new OidcFederationToolOptions { Audience = "sts.amazonaws.com", Subject = subject, Lifetime = lifetime },
    };

    private async Task<List<string>> AuditKindsAsync()
    {
        var kinds = new List<string>();
        await foreach (var record in _env.Store.ReadAuditAsync(new AuditQuery(), _env.Ct))
        {
            kinds.Add(record.Event.Kind);
        }

        return kinds;
    }
}
