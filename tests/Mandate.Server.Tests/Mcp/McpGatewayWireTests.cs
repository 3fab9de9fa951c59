using System.Net;
using System.Text;

namespace Mandate.Server.Tests.Mcp;

/// <summary>Bad input at the gateway: a standard JSON-RPC error (or 413) with the status the transport requires, never a 500, nothing forwarded.</summary>
public sealed class McpGatewayWireTests : McpGatewayTest
{
    [Fact]
    public async Task Post_NameHeaderDisagreesWithBody_Returns400HeaderMismatch()
    {
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "admin_reset", id: 5);
        var headers = ModernHeaders(body);
        headers["Mcp-Name"] = "lookup_order";

        using var response = await PostAsync(body, credential, headers);

        var error = await JsonRpcErrorAsync(response, 400);
        Assert.Equal(-32020, error.GetProperty("code").GetInt32());
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Theory]
    [InlineData("MCP-Protocol-Version")]
    [InlineData("Mcp-Method")]
    [InlineData("Mcp-Name")]
    public async Task Post_ModernRequestMissingARequiredHeader_Returns400HeaderMismatch(string header)
    {
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "lookup_order", """{"orderId":"o-1"}""");
        var headers = ModernHeaders(body);
        headers[header] = null;

        using var response = await PostAsync(body, credential, headers);

        Assert.Equal(-32020, (await JsonRpcErrorAsync(response, 400)).GetProperty("code").GetInt32());
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Theory]
    // Streamable HTTP §Protocol Version Header: an unsupported version MUST be a 400, before the other header checks.
    [InlineData("2099-01-01", null)]
    [InlineData("2099-01-01", "tools/call")]
    [InlineData("latest", null)]
    public async Task Post_UnsupportedProtocolVersion_Returns400NamingTheSupportedVersions(string version, string? method)
    {
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "lookup_order", """{"orderId":"o-1"}""", id: 9);

        using var response = await PostAsync(body, credential, new Dictionary<string, string?> { ["MCP-Protocol-Version"] = version, ["Mcp-Method"] = method });

        var error = await JsonRpcErrorAsync(response, 400);
        Assert.Equal(-32022, error.GetProperty("code").GetInt32());
        Assert.Contains("2025-06-18", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(Modern, error.GetProperty("data").GetProperty("supported").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(version, error.GetProperty("data").GetProperty("requested").GetString());
        Assert.Equal("mcp.unsupported_protocol_version", error.GetProperty("data").GetProperty("check_id").GetString());
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Post_Base64EncodedName_IsDecodedAndAccepted()
    {
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "lookup_order", """{"orderId":"o-1"}""");
        var headers = ModernHeaders(body);
        headers["Mcp-Name"] = "=?base64?" + Convert.ToBase64String("lookup_order"u8) + "?=";

        using var response = await PostAsync(body, credential, headers);

        Assert.NotEqual(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single(Gateway.Upstream.Calls("lookup_order"));
    }

    [Fact]
    public async Task Post_LegacyRequestWithoutHeaders_BodyDecides()
    {
        var credential = await Gateway.CredentialAsync();
        var body = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"admin_reset","arguments":{}}}""";

        using var response = await PostAsync(body, credential, new Dictionary<string, string?> { ["MCP-Protocol-Version"] = "2025-06-18" });

        Assert.Equal("mcp.tool_not_allowed", (await JsonRpcErrorAsync(response, 403)).GetProperty("data").GetProperty("check_id").GetString());
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"lookup_order","name":"admin_reset"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"lookup_\ud800order"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/\ud800call","params":{"name":"lookup_order"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"\ud800":0,"method":"tools/call","params":{"name":"lookup_order"}}""")]
    public async Task Post_MalformedJson_Returns400ParseError(string body)
    {
        var credential = await Gateway.CredentialAsync();

        using var response = await PostAsync(body, credential, new Dictionary<string, string?>());

        var error = await JsonRpcErrorAsync(response, 400);
        Assert.Equal(-32700, error.GetProperty("code").GetInt32());
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Theory]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"lookup_order"}}]""")]
    [InlineData("""{"jsonrpc":"2.0","method":"tools/call","params":{"name":"admin_reset"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{}}""")]
    public async Task Post_NotOneAcceptableRequest_Returns400InvalidRequest(string body)
    {
        var credential = await Gateway.CredentialAsync();

        using var response = await PostAsync(body, credential, new Dictionary<string, string?> { ["MCP-Protocol-Version"] = Modern });

        Assert.Equal(-32600, (await JsonRpcErrorAsync(response, 400)).GetProperty("code").GetInt32());
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"refund","arguments":"amount=1"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":{}}}""")]
    public async Task Post_ToolsCallWithWrongParams_Returns400InvalidParams(string body)
    {
        var credential = await Gateway.CredentialAsync();

        using var response = await PostAsync(body, credential, new Dictionary<string, string?> { ["MCP-Protocol-Version"] = Modern });

        Assert.Equal(-32602, (await JsonRpcErrorAsync(response, 400)).GetProperty("code").GetInt32());
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/json; charset=bogus")]
    [InlineData("application/json; charset=utf-7")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=utf-16")]
    public async Task Post_NotUtf8Json_Returns415AndForwardsNothing(string? contentType)
    {
        using var response = await PostLookupAsync(contentType);

        Assert.Equal(-32600, (await JsonRpcErrorAsync(response, 415)).GetProperty("code").GetInt32());
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Theory]
    [InlineData("application/json; charset=\"UTF-8\"")]
    [InlineData("Application/JSON;charset=utf-8")]
    public async Task Post_Utf8JsonSpelledOtherwise_IsAccepted(string contentType)
    {
        using var response = await PostLookupAsync(contentType);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Post_ToolNameLongerThan128_Returns400InvalidParamsWithoutEchoingIt()
    {
        var credential = await Gateway.CredentialAsync();
        var name = new string('a', 129);

        using var response = await PostAsync(Request("tools/call", name), credential, new Dictionary<string, string?> { ["MCP-Protocol-Version"] = Modern });

        var error = await JsonRpcErrorAsync(response, 400);
        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.DoesNotContain(name, error.GetRawText(), StringComparison.Ordinal);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Post_ContentLengthOverLimit_Returns413()
    {
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "lookup_order", $$"""{"orderId":"{{new string('x', 70 * 1024)}}"}""");

        using var response = await PostAsync(body, credential);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Post_ChunkedBodyGrowingOverLimit_Returns413()
    {
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "lookup_order", $$"""{"orderId":"{{new string('x', 70 * 1024)}}"}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, Gateway.Endpoint()) { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new("Bearer", credential);

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Refusals_LeaveNoServerError()
    {
        var credential = await Gateway.CredentialAsync();
        string[] bodies = ["{}", "[]", "null", "1", "\"x\"", """{"jsonrpc":"2.0","id":true,"method":"ping"}""", """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"refund","arguments":{"amount":1e999}}}""",
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"refund","arguments":{"note\ud800":"\udc00"}}}""",
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"refund\ud800","arguments":{}}}"""];
        foreach (var body in bodies)
        {
            using var response = await PostAsync(body, credential, new Dictionary<string, string?>());
            Assert.True((int)response.StatusCode < 500, $"{body} → {(int)response.StatusCode}");
        }

        Assert.Empty(Gateway.Upstream.Calls("refund"));
    }

    /// <summary>A valid lookup_order call with the 2026-07-28 headers, its Content-Type exactly <paramref name="contentType"/> (none when null).</summary>
    private async Task<HttpResponseMessage> PostLookupAsync(string? contentType)
    {
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "lookup_order", """{"orderId":"o-1"}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, Gateway.Endpoint()) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        if (contentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        request.Headers.Authorization = new("Bearer", credential);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        foreach (var (name, value) in ModernHeaders(body))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Http.SendAsync(request);
    }
}
