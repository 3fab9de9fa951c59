using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Mandate.Core.Audit;

namespace Mandate.Server.Tests.Mcp;

/// <summary>
/// A posted message is read as sent, never decoded: a body with a content coding is refused with 415 before it is read
/// or relayed, so the gateway and the MCP server can never read the same bytes as different messages.
/// </summary>
public sealed class McpGatewayContentCodingTests : McpGatewayTest
{
    [Theory]
    [InlineData("gzip", true)]
    [InlineData("gzip", false)]
    [InlineData("br", false)]
    [InlineData("identity, gzip", false)]
    [InlineData("x-made-up", false)]
    public async Task Invariant7_Post_BodyWithContentCoding_Returns415AcceptEncodingIdentityAndForwardsNothing(string coding, bool compressed)
    {
        // RFC 9110 §15.5.16 / RFC 7694 §3: a content coding the server does not accept is 415, naming the ones it does
        // (Accept-Encoding) in the answer.
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "lookup_order", """{"orderId":"o-1"}""");
        var before = await Gateway.Broker.ReadAuditAsync();
        var bytes = compressed ? Gzip(body) : Encoding.UTF8.GetBytes(body);

        using var response = await SendAsync(HttpMethod.Post, bytes, coding, credential, ModernHeaders(body));

        var error = await JsonRpcErrorAsync(response, 415);
        Assert.Equal(-32600, error.GetProperty("code").GetInt32());
        Assert.Equal("request.unsupported_content_encoding", error.GetProperty("data").GetProperty("check_id").GetString());
        Assert.Equal("identity", string.Join(",", response.Headers.GetValues("Accept-Encoding")));
        Assert.Empty(Gateway.Upstream.Received);
        // Refused before the body is read: one proxy_call record, no mcp_call.
        var record = await OnlyNewRecordAsync(before, EgressAuditKinds.ProxyCall);
        Assert.Equal(("refused", "request.unsupported_content_encoding", "415"), (record.Outcome, record.Evidence["check_id"], record.Evidence["status"]));
    }

    [Fact]
    public async Task Post_IdentityContentCoding_IsForwarded()
    {
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "lookup_order", """{"orderId":"o-1"}""");

        using var response = await SendAsync(HttpMethod.Post, Encoding.UTF8.GetBytes(body), "identity", credential, ModernHeaders(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(Gateway.Upstream.Calls("lookup_order"));
        Assert.False(forwarded.Headers.ContainsKey("Content-Encoding") && forwarded.Headers["Content-Encoding"] != "identity");
    }

    [Fact]
    public async Task Invariant7_SessionDeleteWithContentCoding_Returns415AndForwardsNothing()
    {
        var credential = await Gateway.CredentialAsync();
        var headers = new Dictionary<string, string?> { ["MCP-Protocol-Version"] = "2025-11-25", ["Mcp-Session-Id"] = "made-up" };

        using var response = await SendAsync(HttpMethod.Delete, Encoding.UTF8.GetBytes("{}"), "gzip", credential, headers);

        Assert.Equal(-32600, (await JsonRpcErrorAsync(response, 415)).GetProperty("code").GetInt32());
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Post_NotJson_IsAuditedWithThe415ItWasAnswered()
    {
        // The record says what the agent was answered (R6), not a generic 400.
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "lookup_order", """{"orderId":"o-1"}""");
        var before = await Gateway.Broker.ReadAuditAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, Gateway.Endpoint()) { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var record = await OnlyNewRecordAsync(before, EgressAuditKinds.ProxyCall);
        Assert.Equal(("refused", "415"), (record.Outcome, record.Evidence["status"]));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, byte[] body, string coding, string credential, IReadOnlyDictionary<string, string?> headers)
    {
        using var request = new HttpRequestMessage(method, Gateway.Endpoint()) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Content.Headers.TryAddWithoutValidation("Content-Encoding", coding);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Http.SendAsync(request);
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }
}
