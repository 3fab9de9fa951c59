using System.Text;
using Mandate.Examples.Mcp.Tests.Harness;
using Mandate.Mcp;

namespace Mandate.Examples.Mcp.Tests;

/// <summary>
/// The per-tool scope gate in front of the MCP SDK: MCP 2026-07-28 header/body agreement (400 -32020), bad bodies as
/// JSON-RPC errors (never 500), and 403 insufficient_scope with every scope the call needs.
/// </summary>
public sealed class ToolScopeGateTests : McpTest
{
    private static string Base64(string value) => "=?base64?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + "?=";

    private static void Add(HttpRequestMessage request, string header, string? value)
    {
        if (value is not null)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }
    }

    [Fact]
    public async Task ToolCall_WithoutTheToolsScope_Gets403InsufficientScope_NamingAllItNeeds()
    {
        var credential = await Harness.CredentialAsync("orders:read");

        var reply = await PostAsync(ToolCall("refund", """{"order_id":"o-1001","amount":5}"""), credential,
            r => { r.Headers.Add("Mcp-Method", "tools/call"); r.Headers.Add("Mcp-Name", "refund"); });

        Assert.Equal(403, reply.Status);
        Assert.Equal("insufficient_scope", reply.Parameter("error"));
        Assert.Equal("refunds:write", reply.Parameter("scope"));
        Assert.EndsWith("/.well-known/oauth-protected-resource/mcp", reply.Parameter("resource_metadata"), StringComparison.Ordinal);
        // The MCP client reads a JSON-RPC error answering its request.
        Assert.Equal(7, reply.Json.GetProperty("id").GetInt32());
        Assert.Equal(JsonRpcErrorCodes.PolicyDenied, reply.RpcCode);
        Assert.Equal("refunds:write", reply.Json.GetProperty("error").GetProperty("data").GetProperty("scope").GetString());
    }

    [Fact]
    public async Task ToolCall_NamedInBase64Sentinel_IsDecodedAndJudged()
    {
        var credential = await Harness.CredentialAsync("orders:read");

        var reply = await PostAsync(ToolCall("refund", """{"order_id":"o-1001","amount":5}"""), credential,
            r => r.Headers.Add("Mcp-Name", Base64("refund")));

        Assert.Equal(403, reply.Status);
        Assert.Equal("insufficient_scope", reply.Parameter("error"));
    }

    [Fact]
    public async Task ToolCall_WithoutHeaders_OlderClient_IsJudgedByTheBody()
    {
        var credential = await Harness.CredentialAsync("orders:read");

        var reply = await PostAsync(ToolCall("refund", """{"order_id":"o-1001","amount":5}"""), credential);

        Assert.Equal(403, reply.Status);
    }

    [Theory]
    [InlineData("Mcp-Name", "lookup_order")]
    [InlineData("Mcp-Method", "tools/list")]
    [InlineData("Mcp-Method", "Tools/call")]
    // The body names no tool: a header claiming one would let a router see a call the server never runs.
    [InlineData("Mcp-Name", "refund", """{"jsonrpc":"2.0","id":7,"method":"tools/list"}""")]
    public async Task HeaderDisagreeingWithBody_Gets400HeaderMismatch(string header, string value, string? body = null)
    {
        var credential = await Harness.CredentialAsync("orders:read refunds:write", McpBroker.RefundAgent);

        var reply = await PostAsync(body ?? ToolCall("refund", """{"order_id":"o-1001","amount":5}"""), credential, r => r.Headers.Add(header, value));

        Assert.Equal(400, reply.Status);
        Assert.Equal(JsonRpcErrorCodes.HeaderMismatch, reply.RpcCode);
        Assert.Equal(7, reply.Json.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Base64SentinelOfAnotherTool_Gets400HeaderMismatch()
    {
        var credential = await Harness.CredentialAsync("orders:read");

        // A gateway routing on the header would see lookup_order while the server ran refund.
        var reply = await PostAsync(ToolCall("refund", """{"order_id":"o-1001","amount":5}"""), credential,
            r => r.Headers.Add("Mcp-Name", Base64("lookup_order")));

        Assert.Equal(400, reply.Status);
        Assert.Equal(JsonRpcErrorCodes.HeaderMismatch, reply.RpcCode);
    }

    [Theory]
    [InlineData("=?base64?not base64!?=")]
    [InlineData("=?base64?//79?=")]
    public async Task InvalidBase64OrUtf8InMcpName_Gets400HeaderMismatch(string value)
    {
        var credential = await Harness.CredentialAsync("orders:read");

        var reply = await PostAsync(ToolCall("lookup_order"), credential, r => r.Headers.TryAddWithoutValidation("Mcp-Name", value));

        Assert.Equal(400, reply.Status);
        Assert.Equal(JsonRpcErrorCodes.HeaderMismatch, reply.RpcCode);
    }

    [Fact]
    public async Task RepeatedMcpNameHeader_Gets400HeaderMismatch()
    {
        var credential = await Harness.CredentialAsync("orders:read");

        var reply = await PostAsync(ToolCall("refund", """{"order_id":"o-1001","amount":5}"""), credential,
            r => { r.Headers.Add("Mcp-Name", "refund"); r.Headers.Add("Mcp-Name", "lookup_order"); });

        Assert.Equal(400, reply.Status);
        Assert.Equal(JsonRpcErrorCodes.HeaderMismatch, reply.RpcCode);
    }

    [Theory]
    // 2026-07-28 requires Mcp-Method and, for tools/call, Mcp-Name (the version from the header or the body's _meta).
    [InlineData("2026-07-28", null, "refund", null)]
    [InlineData("2026-07-28", "tools/call", null, null)]
    [InlineData(null, "tools/call", null, "2026-07-28")]
    // A version header the body's _meta contradicts.
    [InlineData("2025-06-18", "tools/call", "refund", "2026-07-28")]
    public async Task ModernRequestWithMissingOrContradictedHeaders_Gets400HeaderMismatch(string? version, string? method, string? name, string? bodyVersion)
    {
        var credential = await Harness.CredentialAsync("orders:read");
        var meta = bodyVersion is null ? "" : $$""","_meta":{"io.modelcontextprotocol/protocolVersion":"{{bodyVersion}}"}""";
        var body = """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"refund","arguments":{"order_id":"o-1001","amount":5}""" + meta + "}}";

        // Headers that passed would meet the scope check (403): a 400 shows the gate refused them first.
        var reply = await PostAsync(body, credential, r =>
        {
            Add(r, "MCP-Protocol-Version", version);
            Add(r, "Mcp-Method", method);
            Add(r, "Mcp-Name", name);
        });

        Assert.Equal(400, reply.Status);
        Assert.Equal(JsonRpcErrorCodes.HeaderMismatch, reply.RpcCode);
        Assert.Equal(7, reply.Json.GetProperty("id").GetInt32());
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",")]
    [InlineData("not json")]
    // A repeated member: the gate and the SDK could each read a different tool name.
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"lookup_order","name":"refund","arguments":{}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"tools/call","method":"tools/list","params":{"name":"refund"}}""")]
    public async Task MalformedBody_GetsJsonRpcParseError_Not500(string body)
    {
        var credential = await Harness.CredentialAsync("orders:read");

        var reply = await PostAsync(body, credential);

        Assert.Equal(400, reply.Status);
        Assert.Equal(JsonRpcErrorCodes.ParseError, reply.RpcCode);
        Assert.False(reply.Json.TryGetProperty("id", out _));
    }

    [Theory]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"refund","arguments":{}}}]""", JsonRpcErrorCodes.InvalidRequest)]
    [InlineData("\"tools/call\"", JsonRpcErrorCodes.InvalidRequest)]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":42}""", JsonRpcErrorCodes.InvalidRequest)]
    // MCP: an id is a string or an integer; jsonrpc is "2.0"; a tools/call is a request (a notification is never answered).
    [InlineData("""{"jsonrpc":"2.0","id":7.5,"method":"tools/call","params":{"name":"refund"}}""", JsonRpcErrorCodes.InvalidRequest)]
    [InlineData("""{"id":7,"method":"tools/call","params":{"name":"refund"}}""", JsonRpcErrorCodes.InvalidRequest)]
    [InlineData("""{"jsonrpc":"2.0","method":"tools/call","params":{"name":"refund"}}""", JsonRpcErrorCodes.InvalidRequest)]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"refund","arguments":[5]}}""", JsonRpcErrorCodes.InvalidParams)]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":5}}""", JsonRpcErrorCodes.InvalidParams)]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"tools/call"}""", JsonRpcErrorCodes.InvalidParams)]
    public async Task BodyThatIsNotOneJudgeableRequest_Gets400JsonRpcError(string body, int code)
    {
        var credential = await Harness.CredentialAsync("orders:read");

        var reply = await PostAsync(body, credential);

        Assert.Equal(400, reply.Status);
        Assert.Equal(code, reply.RpcCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json; charset=bogus")]
    [InlineData("application/json; charset=utf-7")]
    [InlineData("application/json; charset=iso-8859-1")]
    public async Task BodyNotDeclaredUtf8Json_Gets415_BeforeTheSdkReadsIt(string? contentType)
    {
        var credential = await Harness.CredentialAsync("orders:read");

        var reply = await PostAsync(ToolCall("lookup_order", """{"order_id":"o-1001"}"""), credential, r =>
        {
            r.Content!.Headers.Remove("Content-Type");
            if (contentType is not null)
            {
                r.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        });

        Assert.Equal(415, reply.Status);
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, reply.RpcCode);
    }

    [Fact]
    public async Task NotJson_Gets415()
    {
        var credential = await Harness.CredentialAsync("orders:read");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(ToolCall("lookup_order"), Encoding.UTF8, "text/plain") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Authorization = new("Bearer", credential);

        using var response = await Http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task QuotedUtf8Charset_IsTheSameAsUnquoted_AndReachesTheSdk()
    {
        var credential = await Harness.CredentialAsync("orders:read");

        var unquoted = await PostAsync(ToolCall("lookup_order", """{"order_id":"o-1001"}"""), credential);
        var quoted = await PostAsync(ToolCall("lookup_order", """{"order_id":"o-1001"}"""), credential, r =>
        {
            r.Content!.Headers.Remove("Content-Type");
            r.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=\"UTF-8\"");
        });

        Assert.True(quoted.Status < 500, quoted.Body);
        Assert.Equal(unquoted.Status, quoted.Status);
        Assert.Equal(unquoted.Body, quoted.Body);
    }

    [Fact]
    public async Task OversizedBody_Gets413_BeforeTheSdkReadsIt()
    {
        var credential = await Harness.CredentialAsync("orders:read");
        var padding = new string('x', 1024 * 1024 + 1);

        var reply = await PostAsync(ToolCall("lookup_order", $$"""{"order_id":"{{padding}}"}"""), credential);

        Assert.Equal(413, reply.Status);
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, reply.RpcCode);
    }

    [Fact]
    public async Task UnknownTool_PassesToTheSdk_WhichAnswersIt()
    {
        var credential = await Harness.CredentialAsync("orders:read");

        var reply = await PostAsync(ToolCall("no_such_tool"), credential);

        Assert.NotEqual(403, reply.Status);
        Assert.DoesNotContain(JsonRpcErrorCodes.PolicyDenied.ToString(System.Globalization.CultureInfo.InvariantCulture), reply.Body, StringComparison.Ordinal);
        Assert.True(reply.Status < 500, reply.Body);
    }
}
