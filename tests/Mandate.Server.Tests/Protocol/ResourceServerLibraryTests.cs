using System.Text.Json;
using Mandate.Server.Tests.Credentials;
using Mandate.Testing;
using static Mandate.Testing.ClientAnswer;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// jose 6.2.17 and express-oauth2-jwt-bearer 1.10.0, resource-server libraries written without Mandate in mind, verify
/// the broker's credentials as an operator configures them (tests/resource-server-clients/node/client.mjs): an ES256
/// credential (crm) and an RS256 one (refunds, <c>signing_alg: RS256</c>), each with the keys the broker publishes at
/// its RFC 8414 <c>jwks_uri</c>. RFC 9068 §4: a credential for another audience, or whose signature does not verify,
/// is refused.
/// </summary>
public sealed class ResourceServerLibraryTests : ThirdPartyClientTest
{
    protected override string Configuration => Rs256CredentialTests.RsaRefunds;

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    public async Task Jose_BrokersCredential_IsAccepted(string alg)
    {
        var (token, audience) = await IssueAsync(alg);

        var answer = await ResourceServerLibraries.RunAsync(new { op = "jose", issuer = Broker.Options.Issuer, audience, token });

        AssertOk(answer);
        Assert.Equal(alg, Text(answer, "alg"));
        Assert.Equal(("alice", SupportAgent), (Text(answer.GetProperty("claims"), "sub"), Text(answer.GetProperty("claims"), "client_id")));
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    public async Task Jose_CredentialForAnotherAudience_IsRefused(string alg)
    {
        var (token, audience) = await IssueAsync(alg);

        var answer = await ResourceServerLibraries.RunAsync(new { op = "jose", issuer = Broker.Options.Issuer, audience = Other(audience), token });

        AssertRefused(answer, "ERR_JWT_CLAIM_VALIDATION_FAILED");
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    public async Task Jose_TamperedSignature_IsRefused(string alg)
    {
        var (token, audience) = await IssueAsync(alg);

        var answer = await ResourceServerLibraries.RunAsync(new { op = "jose", issuer = Broker.Options.Issuer, audience, token = Tampered(token) });

        AssertRefused(answer, "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
    }

    [Theory]
    [InlineData("ES256", "ES256")]
    [InlineData("RS256", "RS256")]
    // The library's default: no tokenSigningAlg, so any asymmetric algorithm the published key fits.
    [InlineData("ES256", null)]
    [InlineData("RS256", null)]
    public async Task ExpressOAuth2JwtBearer_DiscoveringTheBrokerByRfc8414_AcceptsItsCredential(string alg, string? tokenSigningAlg)
    {
        var (token, audience) = await IssueAsync(alg);

        var answer = await ResourceServerLibraries.RunAsync(new { op = "express", issuerBaseURL = Broker.Options.Issuer, audience, tokenSigningAlg, token });

        AssertOk(answer);
        Assert.Equal(alg, Text(answer, "alg"));
        Assert.Equal(SupportAgent, Text(answer.GetProperty("claims"), "client_id"));
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    public async Task ExpressOAuth2JwtBearer_CredentialForAnotherAudience_IsRefused(string alg)
    {
        var (token, audience) = await IssueAsync(alg);

        var answer = await ResourceServerLibraries.RunAsync(new { op = "express", issuerBaseURL = Broker.Options.Issuer, audience = Other(audience), tokenSigningAlg = alg, token });

        AssertRefused(answer, "invalid_token");
        Assert.Contains("'aud'", Text(answer, "message"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    public async Task ExpressOAuth2JwtBearer_TamperedSignature_IsRefused(string alg)
    {
        var (token, audience) = await IssueAsync(alg);

        var answer = await ResourceServerLibraries.RunAsync(new { op = "express", issuerBaseURL = Broker.Options.Issuer, audience, tokenSigningAlg = alg, token = Tampered(token) });

        AssertRefused(answer, "invalid_token");
        Assert.Contains("signature verification failed", Text(answer, "message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpressOAuth2JwtBearer_PinnedToRS256_RefusesAnES256Credential()
    {
        var (token, audience) = await IssueAsync("ES256");

        var answer = await ResourceServerLibraries.RunAsync(new { op = "express", issuerBaseURL = Broker.Options.Issuer, audience, tokenSigningAlg = "RS256", token });

        AssertRefused(answer, "invalid_token");
    }

    private static void AssertRefused(JsonElement answer, string kind)
    {
        Assert.False(answer.GetProperty("ok").GetBoolean(), answer.ToString());
        Assert.Equal(kind, Text(answer, "kind"));
    }
}
