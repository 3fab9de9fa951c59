using System.Net;
using System.Text.Json;

namespace Mandate.Server.Tests.Mcp;

/// <summary>MCP authorization at the gateway: 401 with resource_metadata, the RFC 9728 document, audience binding, methods.</summary>
public sealed class McpGatewayAuthTests : McpGatewayTest
{
    private string MetadataUrl => new Uri(Gateway.Proxy, "/.well-known/oauth-protected-resource/" + McpGatewayHarness.Payments).ToString();

    [Fact]
    public async Task Post_WithoutCredential_Returns401WithResourceMetadataAndNoErrorCode()
    {
        using var response = await PostAsync(Request("tools/list"), credential: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains($"resource_metadata=\"{MetadataUrl}\"", challenge, StringComparison.Ordinal);
        Assert.Contains("scope=\"orders:read refunds:write\"", challenge, StringComparison.Ordinal);
        // RFC 6750 §3.1: a request without a credential gets no error code.
        Assert.DoesNotContain("error=", challenge, StringComparison.Ordinal);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")]
    public async Task Post_InvalidCredential_Returns401InvalidToken(string credential)
    {
        using var response = await PostAsync(Request("tools/list"), credential);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains($"resource_metadata=\"{MetadataUrl}\"", challenge, StringComparison.Ordinal);
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Theory]
    // RFC 6750 §3.1: more than one credential, or a malformed one, is invalid_request with 400 (as at resource servers).
    [InlineData("Bearer {0}", "Bearer {0}")]
    [InlineData("Bearer {0}", "DPoP {0}")]
    [InlineData("Bearer not token68!", null)]
    [InlineData("Bearer ", null)]
    public async Task Post_TwoOrMalformedAuthorizationHeaders_Returns400InvalidRequest(string first, string? second)
    {
        var credential = await Gateway.CredentialAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, Gateway.Endpoint()) { Content = new StringContent(Request("tools/list"), System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", string.Format(System.Globalization.CultureInfo.InvariantCulture, first, credential));
        if (second is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", string.Format(System.Globalization.CultureInfo.InvariantCulture, second, credential));
        }

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("error=\"invalid_request\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("proxy.credential_malformed", body, StringComparison.Ordinal);
        Assert.DoesNotContain(credential, body, StringComparison.Ordinal);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Theory]
    // RFC 6750 §2.3: the metadata lists the header only; MCP security §Token Passthrough: the query would reach the MCP server.
    [InlineData(true)]
    [InlineData(false)]
    public async Task Post_CredentialInTheQuery_Returns400InvalidRequestAndForwardsNothing(bool alsoInHeader)
    {
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/list");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Gateway.Endpoint() + "?access_token=" + credential)) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (alsoInHeader)
        {
            request.Headers.Authorization = new("Bearer", credential);
        }

        foreach (var (name, value) in ModernHeaders(body))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("error=\"invalid_request\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(credential, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Post_CredentialForAnotherMcpServer_Returns401AudienceMismatch()
    {
        var other = await Gateway.CredentialAsync(McpGatewayHarness.Vault);

        using var response = await PostAsync(Request("tools/call", "lookup_order", """{"orderId":"o-1"}"""), other);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("proxy.audience_mismatch", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Post_CredentialForAPlainTool_Returns401()
    {
        var refunds = await Gateway.Broker.IssueAsync();

        using var response = await PostAsync(Request("tools/list"), refunds);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Metadata_ServesRfc9728Document()
    {
        using var response = await Http.GetAsync(MetadataUrl);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal(Gateway.Endpoint().ToString(), root.GetProperty("resource").GetString());
        Assert.Equal([Gateway.Broker.Options.Issuer], root.GetProperty("authorization_servers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["orders:read", "refunds:write"], root.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["header"], root.GetProperty("bearer_methods_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Metadata_FromAWebPageOfAnotherOrigin_IsReadableWithoutCredentials()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, MetadataUrl);
        request.Headers.Add("Origin", "https://inspector.example");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["*"], response.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Theory]
    [InlineData("/.well-known/oauth-protected-resource/unknown")]
    [InlineData("/.well-known/oauth-protected-resource")]
    [InlineData("/.well-known/oauth-protected-resource/payments-mcp/x")]
    public async Task Metadata_UnknownPath_Returns404(string path)
    {
        using var response = await Http.GetAsync(new Uri(Gateway.Proxy, path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertProblemAsync(response, "mcp.metadata_unknown", "unknown metadata document");
    }

    [Theory]
    [InlineData("/.well-known/oauth-protected-resource/payments-mcp/")]
    [InlineData("/.well-known/oauth-protected-resource/PAYMENTS-MCP")]
    public async Task Metadata_AtAPathOfAnotherResource_Returns404_ResourceMustBeIdenticalToTheUrl(string path)
    {
        // RFC 9728 §3.3: the document's resource must be identical to the resource its URL was derived from.
        using var response = await Http.GetAsync(new Uri(Gateway.Proxy, path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_ReturnsMethodNotAllowed()
    {
        var credential = await Gateway.CredentialAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, Gateway.Endpoint());
        request.Headers.Authorization = new("Bearer", credential);
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Theory]
    [InlineData("post", 501)]
    [InlineData("Post", 501)]
    [InlineData("POST", 200)]
    public async Task Invariant7_LowerCaseMethod_Returns501AndRelaysNothing(string method, int expected)
    {
        // RFC 9110 §9.1: the method token is case-sensitive; 'post' is not the POST that Streamable HTTP takes.
        var body = Request("tools/list");
        var head = $"{method} /{McpGatewayHarness.Payments} HTTP/1.1\r\nHost: {Gateway.Proxy.Authority}\r\nContent-Type: application/json\r\n"
            + $"Accept: application/json, text/event-stream\r\nAuthorization: Bearer {await Gateway.CredentialAsync()}\r\n"
            + $"MCP-Protocol-Version: {Modern}\r\nMcp-Method: tools/list\r\nContent-Length: {System.Text.Encoding.UTF8.GetByteCount(body)}\r\n";

        var reply = await Harness.RawHttp.SendAsync(Harness.RawHttp.Tcp(Gateway.Proxy), head, System.Text.Encoding.UTF8.GetBytes(body));

        Assert.True(reply.Status == expected, reply.ToString());
        Assert.Equal(expected == 200 ? 1 : 0, Gateway.Upstream.Received.Count);
    }

    [Theory]
    [InlineData("get", 501)]
    [InlineData("Get", 501)]
    [InlineData("GET", 200)]
    public async Task Invariant7_LowerCaseMethodForTheMetadataDocument_Returns501(string method, int expected)
    {
        // RFC 9110 §9.1: 'get' is not GET, as at the broker's own metadata documents.
        var head = $"{method} /.well-known/oauth-protected-resource/{McpGatewayHarness.Payments} HTTP/1.1\r\nHost: {Gateway.Proxy.Authority}\r\n";

        var reply = await Harness.RawHttp.SendAsync(Harness.RawHttp.Tcp(Gateway.Proxy), head, []);

        Assert.True(reply.Status == expected, reply.ToString());
    }

    [Fact]
    public async Task Post_BelowTheEndpoint_Returns404()
    {
        var credential = await Gateway.CredentialAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Gateway.Proxy, "/payments-mcp/other")) { Content = new StringContent(Request("tools/list")) };
        request.Headers.Authorization = new("Bearer", credential);

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertProblemAsync(response, "mcp.endpoint_unknown", "unknown MCP endpoint");
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("null")]
    [InlineData("http://localhost:1")]
    public async Task Post_ForeignOrigin_Returns403(string origin)
    {
        var credential = await Gateway.CredentialAsync();
        var headers = ModernHeaders(Request("tools/list"));
        headers["Origin"] = origin;

        using var response = await PostAsync(Request("tools/list"), credential, headers);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("insufficient_scope", await response.Content.ReadAsStringAsync());
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Post_GatewaysOwnOrigin_IsAccepted()
    {
        var credential = await Gateway.CredentialAsync();
        var headers = ModernHeaders(Request("tools/list"));
        headers["Origin"] = Gateway.Endpoint().GetLeftPart(UriPartial.Authority);

        using var response = await PostAsync(Request("tools/list"), credential, headers);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    // RFC 9457 §3.1.4: the title summarises the problem type (the tool is known; the endpoint or document is not).
    private static async Task AssertProblemAsync(HttpResponseMessage response, string checkId, string title)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(checkId, problem.RootElement.GetProperty("check_id").GetString());
        Assert.Equal(title, problem.RootElement.GetProperty("title").GetString());
    }
}
