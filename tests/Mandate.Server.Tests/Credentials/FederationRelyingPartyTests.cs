using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.Credentials;

/// <summary>
/// An OpenID Connect relying party built from Microsoft.IdentityModel alone (ConfigurationManager and its retriever, no
/// Mandate code) discovers the federation issuer of a broker on 127.0.0.1 and validates its ID tokens as OIDC Core 1.0
/// §3.1.3.7 says: iss exact from discovery, aud the client, RS256 only, the signature by the kid in the JWKS, exp and iat.
/// </summary>
public sealed class FederationRelyingPartyTests : CredentialKindTest
{
    private static readonly string[] Rs256Only = ["RS256"];
    private static readonly string[] NumericDates = ["exp", "iat", "nbf"];

    protected override bool UsesPostgres => false;

    protected override bool AtItsIssuer => true;

    /// <summary>The library validates by the real clock: the broker starts this far behind it and catches up to issue a live token.</summary>
    protected override TimeSpan ClockBehind => TimeSpan.FromMinutes(10);

    private string FederationIssuer => Broker.Options.Issuer + "/federation";

    [Fact]
    public async Task IdToken_ValidatedByAnOidcLibraryFromDiscovery_CarriesTheRequiredClaims()
    {
        Broker.Clock.Advance(ClockBehind);
        var token = await Broker.IssueAsync(Request(CredentialKindsBroker.Aws, "aws:assume"));

        var result = await ValidateAsync(token, CredentialKindsBroker.AwsAudience);

        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal(FederationIssuer, jwt.Issuer);
        // OIDC Core 1.0 §2: aud holds the client id (one value, so no azp); exp and iat are JSON numbers.
        Assert.Equal([CredentialKindsBroker.AwsAudience], jwt.Audiences);
        Assert.False(jwt.TryGetPayloadValue<string>("azp", out _));
        using var payload = System.Text.Json.JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        Assert.All(NumericDates, claim => Assert.Equal(System.Text.Json.JsonValueKind.Number, payload.RootElement.GetProperty(claim).ValueKind));
        Assert.Equal(System.Text.Json.JsonValueKind.String, payload.RootElement.GetProperty("aud").ValueKind);
        Assert.True(jwt.IssuedAt < jwt.ValidTo);
        Assert.InRange(jwt.Subject.Length, 1, 255);
    }

    [Fact]
    public async Task IdToken_ForAnotherAudience_RefusedByTheRelyingParty()
    {
        Broker.Clock.Advance(ClockBehind);
        var gcp = await Broker.IssueAsync(Request(CredentialKindsBroker.Gcp, "gcp:impersonate"));

        var result = await ValidateAsync(gcp, CredentialKindsBroker.AwsAudience);

        Assert.IsType<SecurityTokenInvalidAudienceException>(result.Exception);
    }

    [Fact]
    public async Task IdToken_AfterItsExpiry_RefusedByTheRelyingParty()
    {
        // Issued 10 minutes ago by the real clock: past the aws tool's 2 minutes and the library's default clock skew.
        Assert.True(ClockBehind > TimeSpan.FromMinutes(2) + TokenValidationParameters.DefaultClockSkew);
        var token = await Broker.IssueAsync(Request(CredentialKindsBroker.Aws, "aws:assume"));

        Assert.IsType<SecurityTokenExpiredException>((await ValidateAsync(token, CredentialKindsBroker.AwsAudience)).Exception);
    }

    [Fact]
    public async Task IdToken_WithAChangedSubject_RefusedForItsSignature()
    {
        Broker.Clock.Advance(ClockBehind);
        var token = await Broker.IssueAsync(Request(CredentialKindsBroker.Aws, "aws:assume"));
        var parts = token.Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        var tampered = string.Join('.', parts[0], Base64UrlEncoder.Encode(payload.Replace("\"acme:", "\"other:", StringComparison.Ordinal)), parts[2]);

        var result = await ValidateAsync(tampered, CredentialKindsBroker.AwsAudience);

        Assert.NotEqual(token, tampered);
        Assert.IsType<SecurityTokenInvalidSignatureException>(result.Exception);
    }

    /// <summary>Discovery from the issuer, then validation with nothing but what it published, by the real clock.</summary>
    private async Task<TokenValidationResult> ValidateAsync(string token, string clientId)
    {
        var discoveryUrl = FederationIssuer + "/.well-known/openid-configuration";
        // The test broker listens on plain http on loopback; the clouds' STSs require https.
        var manager = new ConfigurationManager<OpenIdConnectConfiguration>(discoveryUrl, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = false });
        var configuration = await manager.GetConfigurationAsync(CancellationToken.None);
        // Discovery §4.3: the issuer returned MUST be identical to the one the discovery URL was built from.
        Assert.Equal(FederationIssuer, configuration.Issuer);
        Assert.Contains("RS256", configuration.IdTokenSigningAlgValuesSupported);
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudience = clientId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = Rs256Only,
        });
    }
}
