using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Mandate.Server.Tests.Credentials;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// A tool that accepts Mandate's credentials with ASP.NET Core's own JWT bearer handler, configured only from the
/// broker's RFC 8414 metadata (issuer and keys discovered, no Mandate code), the way a .NET service owner would set it
/// up: RFC 9068 §4's checks (typ at+jwt, issuer, audience, signature, expiry) pass for the broker's ES256 credential
/// (crm) and RS256 one (refunds, <c>signing_alg: RS256</c>), and refuse one for another tool or with an altered
/// signature (RFC 6750 §3.1 invalid_token).
/// </summary>
public sealed class JwtBearerResourceServerTests : ThirdPartyClientTest
{
    protected override string Configuration => Rs256CredentialTests.RsaRefunds;

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    public async Task JwtBearer_AcceptsTheBrokersCredentialWithTheDiscoveredIssuerAndKeys(string alg)
    {
        var (credential, audience) = await IssueAsync(alg);

        var (status, _, body) = await CallToolAsync(audience, credential);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"alice via {SupportAgent}", body);
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    public async Task JwtBearer_CredentialForAnotherTool_IsRefusedAsAnInvalidToken(string alg)
    {
        var (credential, audience) = await IssueAsync(alg);

        var (status, challenge, _) = await CallToolAsync(Other(audience), credential);

        // RFC 9068 §4: the resource server MUST validate that aud names it; RFC 6750 §3.1 invalid_token.
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        Assert.Contains("audience", challenge, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    public async Task JwtBearer_CredentialWithAnAlteredSignature_IsRefusedAsAnInvalidToken(string alg)
    {
        var (credential, audience) = await IssueAsync(alg);

        var (status, challenge, _) = await CallToolAsync(audience, Tampered(credential));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
    }

    /// <summary>Starts the tool <paramref name="audience"/> on 127.0.0.1 with the JWT bearer handler and calls it once.</summary>
    private async Task<(HttpStatusCode Status, string Challenge, string Body)> CallToolAsync(string audience, string credential)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MetadataAddress = Broker.Options.Issuer + "/.well-known/oauth-authorization-server";
            o.RequireHttpsMetadata = false;
            o.Audience = audience;
            o.MapInboundClaims = false;
            o.TokenValidationParameters.ValidTypes = ["at+jwt"];
        });
        await using var tool = builder.Build();
        tool.MapGet("/call", (ClaimsPrincipal user) => user.FindFirstValue("sub") + " via " + user.FindFirstValue("client_id")).RequireAuthorization();
        await tool.StartAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(tool.Urls.Single()), "call"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, response.Headers.WwwAuthenticate.ToString(), await response.Content.ReadAsStringAsync());
    }
}
