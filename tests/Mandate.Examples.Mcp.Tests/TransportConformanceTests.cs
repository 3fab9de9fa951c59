using Mandate.Examples.Mcp.Tests.Harness;
using Mandate.Mcp;

namespace Mandate.Examples.Mcp.Tests;

/// <summary>
/// Streamable HTTP and RFC 6750 conformance of the example server as a whole: what the gate answers before the SDK
/// sees the request, always a 4xx with a JSON-RPC error body.
/// </summary>
public sealed class TransportConformanceTests : McpTest
{
    [Theory]
    // Streamable HTTP §Protocol Version Header: an invalid or unsupported version MUST be answered with 400.
    [InlineData("2099-01-01", null)]
    [InlineData("2099-01-01", "tools/call")]
    [InlineData("latest", null)]
    public async Task Post_UnsupportedProtocolVersion_Gets400NamingTheSupportedVersions(string version, string? method)
    {
        var credential = await Harness.CredentialAsync("orders:read");

        var reply = await PostAsync(ToolCall("lookup_order"), credential, r =>
        {
            r.Headers.TryAddWithoutValidation("MCP-Protocol-Version", version);
            if (method is not null)
            {
                r.Headers.TryAddWithoutValidation("Mcp-Method", method);
            }
        });

        Assert.Equal(400, reply.Status);
        Assert.Equal(JsonRpcErrorCodes.UnsupportedProtocolVersion, reply.RpcCode);
        Assert.Equal(7, reply.Json.GetProperty("id").GetInt32());
        var error = reply.Json.GetProperty("error");
        foreach (var supported in McpProtocolVersions.Supported)
        {
            Assert.Contains(supported, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(version, error.GetProperty("data").GetProperty("requested").GetString());
    }

    [Theory]
    [InlineData("2025-06-18")]
    [InlineData("2025-11-25")]
    public async Task Post_SupportedLegacyVersionWithoutMcpMethod_ReachesTheSdk(string version)
    {
        var credential = await Harness.CredentialAsync("orders:read");

        var reply = await PostAsync("""{"jsonrpc":"2.0","id":7,"method":"ping"}""", credential, r => r.Headers.TryAddWithoutValidation("MCP-Protocol-Version", version));

        Assert.DoesNotContain("-32022", reply.Body, StringComparison.Ordinal);
        Assert.True(reply.Status < 500, reply.Body);
    }

    [Theory]
    // The SDK behind cannot read an id spelled with an exponent or a fraction: the gate refuses it with a 400.
    [InlineData("1e2")]
    [InlineData("100.0")]
    public async Task Post_IntegerIdWithExponentOrFraction_Gets400InvalidRequest_Not500(string id)
    {
        var credential = await Harness.CredentialAsync("orders:read");

        var reply = await PostAsync("""{"jsonrpc":"2.0","id":""" + id + ""","method":"tools/list"}""", credential);

        Assert.Equal(400, reply.Status);
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, reply.RpcCode);
    }

    [Theory]
    // RFC 6750 §3.1: more than one credential is invalid_request with 400, as at the Mandate gateway.
    [InlineData("Bearer")]
    [InlineData("DPoP")]
    public async Task Post_TwoAuthorizationHeaders_Gets400InvalidRequest(string secondScheme)
    {
        var credential = await Harness.CredentialAsync("orders:read");

        var reply = await PostAsync(ToolCall("lookup_order"), credential, r => r.Headers.TryAddWithoutValidation("Authorization", secondScheme + " " + credential));

        Assert.Equal(400, reply.Status);
        Assert.Equal("invalid_request", reply.Parameter("error"));
        Assert.Equal("invalid_request", reply.Json.GetProperty("error").GetString());
        Assert.DoesNotContain(credential, reply.Body, StringComparison.Ordinal);
    }

    [Theory]
    // Streamable HTTP §Security Warning: servers MUST validate Origin on all incoming connections (DNS rebinding).
    [InlineData("http://evil.example", true)]
    [InlineData("http://evil.example", false)]
    [InlineData("null", true)]
    public async Task Post_ForeignOrigin_Gets403JsonRpcError_BeforeTheCredential(string origin, bool withCredential)
    {
        var credential = withCredential ? await Harness.CredentialAsync("orders:read") : null;

        var reply = await PostAsync(ToolCall("lookup_order"), credential, r => r.Headers.TryAddWithoutValidation("Origin", origin));

        Assert.Equal(403, reply.Status);
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, reply.RpcCode);
        Assert.False(reply.Json.TryGetProperty("id", out _));
        Assert.Equal("", reply.Bearer);
    }

    [Fact]
    public async Task Get_ForeignOrigin_Gets403()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.TryAddWithoutValidation("Origin", "http://evil.example");

        using var response = await Http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("[::1]")]
    public async Task Post_LoopbackOriginOfItsOwnPort_IsAccepted(string host)
    {
        var credential = await Harness.CredentialAsync("orders:read");
        var origin = $"http://{host}:{Harness.ServerAddress.Port}";

        var withOrigin = await PostAsync(ToolCall("lookup_order", """{"order_id":"o-1001"}"""), credential, r => r.Headers.TryAddWithoutValidation("Origin", origin));
        var without = await PostAsync(ToolCall("lookup_order", """{"order_id":"o-1001"}"""), credential);

        // The same answer as without Origin: the request reached the SDK.
        Assert.NotEqual(403, withOrigin.Status);
        Assert.Equal(without.Status, withOrigin.Status);
        Assert.Equal(without.Body, withOrigin.Body);
    }

    [Fact]
    public async Task Metadata_IsReadableFromAnyOrigin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/oauth-protected-resource/mcp");
        request.Headers.TryAddWithoutValidation("Origin", "http://evil.example");

        using var response = await Http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void FromArgs_AllowedOrigins_AreReadAndChecked()
    {
        var options = PaymentsMcpServer.FromArgs(["--allowed-origins", "https://console.acme.example, http://127.0.0.1:3000"]);

        Assert.Equal(["https://console.acme.example", "http://127.0.0.1:3000"], options.AllowedOrigins);
        Assert.Throws<ArgumentException>(() => PaymentsMcpServer.FromArgs(["--allowed-origins", "console.acme.example"]));
    }
}
