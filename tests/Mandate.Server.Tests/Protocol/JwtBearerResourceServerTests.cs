using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Mandate.Server.Tests.Harness;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// A tool that accepts Mandate's credentials with ASP.NET Core's own JWT bearer handler, configured only from the
/// broker's RFC 8414 metadata (issuer and keys discovered, no Mandate code), the way a .NET service owner would set it
/// up: RFC 9068 §4's checks (typ at+jwt, issuer, audience, signature, expiry) pass for the broker's credential and
/// refuse one for another tool or with an altered signature (RFC 6750 §3.1 invalid_token).
/// </summary>
public sealed class JwtBearerResourceServerTests : ThirdPartyClientTest
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private WebApplication? _tool;
    private Uri? _refunds;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MetadataAddress = Broker.Options.Issuer + "/.well-known/oauth-authorization-server";
            o.RequireHttpsMetadata = false;
            o.Audience = Refunds;
            o.MapInboundClaims = false;
            o.TokenValidationParameters.ValidTypes = ["at+jwt"];
        });
        _tool = builder.Build();
        _tool.MapGet("/refunds", (ClaimsPrincipal user) => user.FindFirstValue("sub") + " via " + user.FindFirstValue("client_id")).RequireAuthorization();
        await _tool.StartAsync();
        _refunds = new Uri(new Uri(_tool.Urls.Single()), "refunds");
    }

    public override async Task DisposeAsync()
    {
        if (_tool is not null)
        {
            await _tool.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    [Fact]
    public async Task JwtBearer_AcceptsTheBrokersCredentialWithTheDiscoveredIssuerAndKeys()
    {
        var credential = await Broker.IssueAsync();

        using var response = await CallAsync(credential);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"alice via {SupportAgent}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task JwtBearer_CredentialForAnotherTool_IsRefusedAsAnInvalidToken()
    {
        var credential = await Broker.IssueAsync(Broker.RefundRequest() with { Resource = Crm, Scope = "crm:read" });

        using var response = await CallAsync(credential);

        // RFC 9068 §4: the resource server MUST validate that aud names it; RFC 6750 §3.1 invalid_token.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("audience", response.Headers.WwwAuthenticate.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task JwtBearer_CredentialWithAnAlteredSignature_IsRefusedAsAnInvalidToken()
    {
        var credential = await Broker.IssueAsync();
        var altered = credential[..^4] + (credential.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        using var response = await CallAsync(altered);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> CallAsync(string credential)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _refunds);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        return await Http.SendAsync(request);
    }
}
