using System.Net;
using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Core.Credentials;
using Mandate.Server.Tests.Harness;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.Credentials;

/// <summary>Kind oidc-federation: a cloud validates the ID token with nothing but the published discovery document and JWKS.</summary>
public sealed class OidcFederationTests : CredentialKindTest
{
    protected override bool UsesPostgres => false;

    [Fact]
    public async Task Invariant2_StoreLocked_NoIdTokenIssued()
    {
        var reply = await Broker.WhileStoreLockedAsync(() => Broker.ExchangeAsync(Request(CredentialKindsBroker.Aws, "aws:assume")));

        Expect.Refused(reply, "temporarily_unavailable");
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.Issuance));
    }

    [Fact]
    public async Task IdToken_ValidatesWithOnlyPublishedDiscoveryAndJwks()
    {
        var reply = await Broker.ExchangeAsync(Request(CredentialKindsBroker.Aws, "aws:assume"));
        var token = Expect.Issued(reply);
        Assert.Equal(CredentialTokenTypes.IdToken, reply.Json.GetProperty("issued_token_type").GetString());
        Assert.Equal("N_A", reply.Json.GetProperty("token_type").GetString());

        var result = await ValidateAsRelyingPartyAsync(token, CredentialKindsBroker.AwsAudience);

        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("JWT", jwt.Typ);
        Assert.Equal("RS256", jwt.Alg);
        Assert.Equal(Broker.Options.Issuer + "/federation", jwt.Issuer);
        Assert.Equal($"acme:{TestBroker.SupportAgent}", jwt.Subject);
        Assert.Equal(("acme", TestBroker.SupportAgent, "aws"), (jwt.GetClaim("tenant").Value, jwt.GetClaim("agent").Value, jwt.GetClaim("tool").Value));
        Assert.StartsWith("run", jwt.GetClaim("run").Value, StringComparison.Ordinal);
        // The tool's lifetime (2m) is shorter than the agent's cap (3m) and wins.
        Assert.Equal(TimeSpan.FromMinutes(2), jwt.ValidTo - jwt.IssuedAt);
        Assert.Equal(120, reply.Json.GetProperty("expires_in").GetInt32());
    }

    [Fact]
    public async Task IdTokenForOneTool_FailsAtRelyingPartyExpectingAnotherToolsAudience()
    {
        var aws = await Broker.IssueAsync(Request(CredentialKindsBroker.Aws, "aws:assume"));
        var gcp = await Broker.IssueAsync(Request(CredentialKindsBroker.Gcp, "gcp:impersonate"));

        var awsAtGcp = await ValidateAsRelyingPartyAsync(aws, CredentialKindsBroker.GcpAudience);
        var gcpAtAws = await ValidateAsRelyingPartyAsync(gcp, CredentialKindsBroker.AwsAudience);

        Assert.IsType<SecurityTokenInvalidAudienceException>(awsAtGcp.Exception);
        Assert.IsType<SecurityTokenInvalidAudienceException>(gcpAtAws.Exception);
        Assert.True((await ValidateAsRelyingPartyAsync(gcp, CredentialKindsBroker.GcpAudience)).IsValid);
        Assert.Equal(TestBroker.SupportAgent, new JsonWebToken(gcp).Subject);
    }

    [Fact]
    public async Task IdToken_IsNotAMandateAccessToken_IntrospectsInactiveAndAuthenticatesNobody()
    {
        var token = await Broker.IssueAsync(Request(CredentialKindsBroker.Aws, "aws:assume"));

        var introspection = await Broker.IntrospectAsync(token, Broker.Svid(TestBroker.RefundsWorkload));
        Assert.Equal(HttpStatusCode.OK, introspection.Status);
        Assert.False(introspection.Json.GetProperty("active").GetBoolean());
        var exchange = await Broker.ExchangeAsync(Request(CredentialKindsBroker.Aws, "aws:assume") with { ActorToken = token });
        Assert.NotEqual(HttpStatusCode.OK, exchange.Status);
        Assert.Null(exchange.AccessToken);

        // The access-token JWKS never carries the federation key, nor the federation JWKS a private part.
        var jwks = await Broker.Http.GetStringAsync(new Uri("federation/jwks", UriKind.Relative));
        var kid = new JsonWebToken(token).Kid;
        Assert.DoesNotContain(kid, await Broker.Http.GetStringAsync(new Uri(".well-known/jwks.json", UriKind.Relative)), StringComparison.Ordinal);
        Assert.All(new JsonWebKeySet(jwks).Keys, k => Assert.False(k.HasPrivateKey));
    }

    [Fact]
    public async Task Issuance_IsAuditedWithAudienceSubjectAndKey()
    {
        var token = new JsonWebToken(await Broker.IssueAsync(Request(CredentialKindsBroker.Aws, "aws:assume")));

        var issuance = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
        Assert.Equal(token.Id, issuance.Jti);
        Assert.Equal("oidc-federation", issuance.Evidence["credential_kind"]);
        Assert.Equal(CredentialKindsBroker.AwsAudience, issuance.Evidence["aud"]);
        Assert.Equal(token.Subject, issuance.Evidence["sub"]);
        Assert.Equal(token.Kid, issuance.Evidence["kid"]);
        Assert.Equal("aws", issuance.Tool);
        Assert.DoesNotContain(token.EncodedSignature, await Broker.AuditTableTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FederationKey_RotatesOnSchedule_RetiredKeyStaysPublished()
    {
        var before = await Broker.IssueAsync(Request(CredentialKindsBroker.Aws, "aws:assume"));

        Broker.Clock.Advance(TestBroker.RotateEvery);
        var whileTheNextIsPublished = await Broker.IssueAsync(Request(CredentialKindsBroker.Aws, "aws:assume"));
        Broker.Clock.Advance(TestBroker.PublishAhead);
        var after = await Broker.IssueAsync(Request(CredentialKindsBroker.Aws, "aws:assume"));

        Assert.Equal(new JsonWebToken(before).Kid, new JsonWebToken(whileTheNextIsPublished).Kid);
        Assert.NotEqual(new JsonWebToken(before).Kid, new JsonWebToken(after).Kid);
        var jwks = new JsonWebKeySet(await Broker.Http.GetStringAsync(new Uri("federation/jwks", UriKind.Relative)));
        Assert.Equal(new[] { new JsonWebToken(before).Kid, new JsonWebToken(after).Kid }.Order(), jwks.Keys.Select(k => k.Kid).Order());
        Assert.True((await ValidateAsRelyingPartyAsync(after, CredentialKindsBroker.AwsAudience)).IsValid);
        var rotation = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.KeyRotation), e => e.Evidence.GetValueOrDefault("purpose") == "federation-signing" && e.Outcome == "rotated");
        Assert.Equal(new JsonWebToken(before).Kid, rotation.Evidence["retired_kid"]);
    }

    [Fact]
    public async Task IdToken_PastItsToolLifetime_RejectedByRelyingParty()
    {
        var token = await Broker.IssueAsync(Request(CredentialKindsBroker.Aws, "aws:assume"));

        Broker.Clock.Advance(TimeSpan.FromMinutes(2));

        Assert.IsType<SecurityTokenInvalidLifetimeException>((await ValidateAsRelyingPartyAsync(token, CredentialKindsBroker.AwsAudience)).Exception);
    }

    [Fact]
    public async Task ScopeOfAnotherTool_IsRefusedForFederationTool()
    {
        var reply = await Broker.ExchangeAsync(Request(CredentialKindsBroker.Aws, "gcp:impersonate"));

        Expect.Refused(reply, "invalid_scope");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_UserWhoseSubjectIsNotAscii_RefusedInvalidTarget_NothingIssued()
    {
        // OIDC Core 1.0 §2: sub MUST NOT exceed 255 ASCII characters; the azure tool's sub is {tenant}:{user}.
        var request = Request(CredentialKindsBroker.Azure, "azure:federate") with { SubjectToken = Broker.UserToken("\u00e5sa") };

        var reply = await Broker.ExchangeAsync(request);

        Expect.Refused(reply, "invalid_target", "1 to 255 ASCII characters");
        Assert.Equal("issue.federation_subject_invalid", reply.Member("check_id"));
        Assert.DoesNotContain("\u00e5sa", reply.Description, StringComparison.Ordinal);
        await Broker.AssertNothingIssuedAsync();
        Assert.Equal("acme:alice", new JsonWebToken(await Broker.IssueAsync(Request(CredentialKindsBroker.Azure, "azure:federate"))).Subject);
    }

    /// <summary>What a cloud does: discovery, then jwks_uri, then signature, issuer, audience and lifetime checks.</summary>
    private async Task<TokenValidationResult> ValidateAsRelyingPartyAsync(string token, string audience)
    {
        using var discovery = JsonDocument.Parse(await Broker.Http.GetStringAsync(new Uri("federation/.well-known/openid-configuration", UriKind.Relative)));
        var root = discovery.RootElement;
        Assert.Contains("id_token", root.GetProperty("response_types_supported").EnumerateArray().Select(e => e.GetString()));
        // The published jwks_uri names the configured public issuer; fetch its path from this broker.
        var jwksUri = new Uri(root.GetProperty("jwks_uri").GetString()!);
        var jwks = new JsonWebKeySet(await Broker.Http.GetStringAsync(new Uri(jwksUri.PathAndQuery.TrimStart('/'), UriKind.Relative)));
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = root.GetProperty("issuer").GetString(),
            ValidAudience = audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = root.GetProperty("id_token_signing_alg_values_supported").EnumerateArray().Select(e => e.GetString()!).ToList(),
            RequireSignedTokens = true,
            ValidateLifetime = true,
            // The cloud's clock is the broker's (manual) clock here.
            LifetimeValidator = (notBefore, expires, _, _) => notBefore <= Broker.Now.UtcDateTime && Broker.Now.UtcDateTime < expires,
        });
    }
}
