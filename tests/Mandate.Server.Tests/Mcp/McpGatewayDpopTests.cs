using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.Mcp;

/// <summary>
/// DPoP-bound credentials at the MCP gateway (RFC 9449 §7.1): a refusal for a missing or invalid proof is a DPoP
/// challenge with <c>error="invalid_dpop_proof"</c> and the proof algorithms, and the protected resource metadata
/// (RFC 9728 §2) names those algorithms.
/// </summary>
public sealed class McpGatewayDpopTests : McpGatewayTest, IDisposable
{
    private readonly DpopProofs _key = new();

    private string EndpointUrl => Gateway.Endpoint().ToString();

    /// <summary>A credential for the gateway bound to <see cref="_key"/> by a DPoP proof at the real token endpoint.</summary>
    private async Task<string> BoundCredentialAsync()
    {
        var exchange = Gateway.Broker.RefundRequest() with { Resource = EndpointUrl, Scope = "orders:read refunds:write" };
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token") { Content = new FormUrlEncodedContent(exchange.ToForm()) };
        request.Headers.Add("DPoP", _key.Create("POST", Gateway.Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token", Gateway.Broker.Now));
        var reply = await Gateway.Broker.SendAsync(request);
        Assert.Equal("DPoP", reply.Member("token_type"));
        return Expect.Issued(reply);
    }

    private async Task<HttpResponseMessage> PostAsync(string credential, string scheme, string? proof, string? host = null)
    {
        var body = Request("tools/list");
        using var request = new HttpRequestMessage(HttpMethod.Post, Gateway.Endpoint()) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Host = host;
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, credential);
        if (proof is not null)
        {
            request.Headers.Add("DPoP", proof);
        }

        foreach (var (name, value) in ModernHeaders(body))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Http.SendAsync(request);
    }

    private static string DpopChallenge(HttpResponseMessage response) =>
        Assert.Single(response.Headers.WwwAuthenticate, c => c.Scheme == "DPoP").Parameter ?? "";

    [Fact]
    public async Task Post_DpopBoundCredentialWithoutProof_Returns401DpopChallengeInvalidDpopProof()
    {
        using var response = await PostAsync(await BoundCredentialAsync(), "DPoP", proof: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var dpop = DpopChallenge(response);
        Assert.Contains("error=\"invalid_dpop_proof\"", dpop, StringComparison.Ordinal);
        Assert.Contains("algs=\"ES256 PS256 RS256\"", dpop, StringComparison.Ordinal);
        Assert.Contains("resource_metadata=\"", dpop, StringComparison.Ordinal);
        // RFC 9449 §7.1: the proof error belongs to the DPoP challenge, not to Bearer.
        var bearer = Assert.Single(response.Headers.WwwAuthenticate, c => c.Scheme == "Bearer").Parameter ?? "";
        Assert.DoesNotContain("error=", bearer, StringComparison.Ordinal);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Post_DpopBoundCredentialWithProofFromAnotherKey_Returns401InvalidDpopProof()
    {
        var credential = await BoundCredentialAsync();
        using var thief = new DpopProofs();

        using var response = await PostAsync(credential, "DPoP", thief.Create("POST", EndpointUrl, Gateway.Broker.Now, accessToken: credential));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_dpop_proof\"", DpopChallenge(response), StringComparison.Ordinal);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Post_DpopBoundCredentialAsBearer_Returns401InvalidTokenWithDpopChallenge()
    {
        var credential = await BoundCredentialAsync();

        using var response = await PostAsync(credential, "Bearer", _key.Create("POST", EndpointUrl, Gateway.Broker.Now, accessToken: credential));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var dpop = DpopChallenge(response);
        Assert.Contains("error=\"invalid_token\"", dpop, StringComparison.Ordinal);
        Assert.Contains("algs=\"", dpop, StringComparison.Ordinal);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Post_DpopBoundCredentialWithFreshProof_IsForwarded()
    {
        var credential = await BoundCredentialAsync();

        using var response = await PostAsync(credential, "DPoP", _key.Create("POST", EndpointUrl, Gateway.Broker.Now, accessToken: credential));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Post_ReplayedProof_Returns401InvalidDpopProofAndTheReplayIsNotForwarded()
    {
        // RFC 9449 §11.1: a proof is accepted once; the gateway keeps the jti of every proof it accepted.
        var credential = await BoundCredentialAsync();
        var proof = _key.Create("POST", EndpointUrl, Gateway.Broker.Now, accessToken: credential);
        using var first = await PostAsync(credential, "DPoP", proof);
        var forwarded = Gateway.Upstream.Received.Count;

        using var replay = await PostAsync(credential, "DPoP", proof);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Contains("error=\"invalid_dpop_proof\"", DpopChallenge(replay), StringComparison.Ordinal);
        Assert.Equal(forwarded, Gateway.Upstream.Received.Count);
    }

    [Fact]
    public async Task Post_ProofWithLowerCaseHtmOrPrivateJwk_Returns401InvalidDpopProofNotForwarded()
    {
        // RFC 9449 §4.3 step 8 (htm is the case-sensitive method) and §4.2 (the jwk "MUST NOT contain a private key").
        var credential = await BoundCredentialAsync();

        using var lowerCase = await PostAsync(credential, "DPoP", _key.Create("post", EndpointUrl, Gateway.Broker.Now, accessToken: credential));
        using var privateJwk = await PostAsync(credential, "DPoP", _key.Create("POST", EndpointUrl, Gateway.Broker.Now, accessToken: credential, jwk: _key.PrivateJwkMembers()));

        Assert.Contains("error=\"invalid_dpop_proof\"", DpopChallenge(lowerCase), StringComparison.Ordinal);
        Assert.Contains("error=\"invalid_dpop_proof\"", DpopChallenge(privateJwk), StringComparison.Ordinal);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Post_DpopBoundCredential_NeitherItNorItsProofReachesTheMcpServer()
    {
        // Authorization §Token Handling: an MCP server "MUST NOT pass through the token it received from the MCP client";
        // the proof is bound to that token and to the gateway's URL, so it goes no further either.
        var credential = await BoundCredentialAsync();
        var proof = _key.Create("POST", EndpointUrl, Gateway.Broker.Now, accessToken: credential);

        using var response = await PostAsync(credential, "DPoP", proof);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(Gateway.Upstream.Received);
        Assert.False(seen.Headers.ContainsKey("DPoP"), string.Join(", ", seen.Headers.Keys));
        Assert.DoesNotContain(credential, string.Join("\n", seen.Headers.Values), StringComparison.Ordinal);
        Assert.StartsWith("Bearer ", seen.Headers["Authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_DpopProofForTheUrlTheHostHeaderNames_Returns401InvalidDpopProof()
    {
        var credential = await BoundCredentialAsync();

        // RFC 9449 §4.3: htu is the gateway's URL (its resource), not one the request's Host makes up; a proof made for
        // another origin does not become valid here by sending that origin as Host.
        using var response = await PostAsync(credential, "DPoP", _key.Create("POST", "http://other.example:8443/payments-mcp", Gateway.Broker.Now, accessToken: credential), host: "other.example:8443");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_dpop_proof\"", DpopChallenge(response), StringComparison.Ordinal);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Post_DpopProofForTheResourceArrivingWithAnotherHost_IsForwarded()
    {
        var credential = await BoundCredentialAsync();

        // A TLS terminator or load balancer in front passes the call on with its own Host; the agent signed the resource URL.
        using var response = await PostAsync(credential, "DPoP", _key.Create("POST", EndpointUrl, Gateway.Broker.Now, accessToken: credential), host: "mandate-gateway.internal:8081");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Metadata_AdvertisesDpopAlgorithms_AndDoesNotRequireDpop()
    {
        using var response = await Http.GetAsync(new Uri(Gateway.Proxy, "/.well-known/oauth-protected-resource/" + McpGatewayHarness.Payments));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["ES256", "PS256", "RS256"], json.RootElement.GetProperty("dpop_signing_alg_values_supported").EnumerateArray().Select(a => a.GetString()));
        // The gateway accepts bearer credentials too (RFC 9728 §2).
        Assert.False(json.RootElement.GetProperty("dpop_bound_access_tokens_required").GetBoolean());
    }

    public void Dispose() => _key.Dispose();
}
