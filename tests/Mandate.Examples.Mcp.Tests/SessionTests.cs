using System.Net;
using System.Net.Http.Headers;
using Mandate.Examples.Mcp.Tests.Harness;

namespace Mandate.Examples.Mcp.Tests;

/// <summary>
/// Streamable HTTP §Session Management (2025-06-18, 2025-11-25): a request carrying an <c>Mcp-Session-Id</c> the server
/// does not know (never issued, or already terminated) MUST be answered 404, DELETE included, so the client starts anew.
/// </summary>
public sealed class SessionTests : McpTest
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"legacy","version":"1"}}}""";

    [Fact]
    public async Task Delete_UnknownSession_Returns404()
    {
        var credential = await Harness.CredentialAsync("orders:read");

        using var response = await DeleteAsync("never-issued", credential);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task OtherMethods_UnknownSession_Return404(string method)
    {
        var credential = await Harness.CredentialAsync("orders:read");
        using var request = new HttpRequestMessage(new HttpMethod(method), "/mcp");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (method == "POST")
        {
            request.Content = new StringContent("""{"jsonrpc":"2.0","id":2,"method":"ping"}""", System.Text.Encoding.UTF8, "application/json");
        }

        Legacy(request, "never-issued");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Delete_TerminatedSession_Returns404_AndTheLiveOneIsEndedOnce()
    {
        var credential = await Harness.CredentialAsync("orders:read");
        var session = await OpenSessionAsync(credential);

        using var ended = await DeleteAsync(session, credential);
        using var again = await DeleteAsync(session, credential);
        var afterwards = await PostAsync("""{"jsonrpc":"2.0","id":2,"method":"ping"}""", credential, r => Legacy(r, session));

        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(404, afterwards.Status);
    }

    [Theory]
    // Streamable HTTP §Protocol Version Header: an invalid or unsupported version MUST be answered with 400, on any request.
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task LiveSession_UnsupportedProtocolVersion_Returns400(string method)
    {
        var credential = await Harness.CredentialAsync("orders:read");
        var session = await OpenSessionAsync(credential);
        using var request = new HttpRequestMessage(new HttpMethod(method), "/mcp");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2099-01-01");
        request.Headers.TryAddWithoutValidation("Mcp-Session-Id", session);

        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    // 2026-07-28 §Backward Compatibility: that revision has no sessions, so its DELETE is 405; an unsupported version is
    // 400 on any request (§Protocol Version Header). Neither is "session not found".
    [InlineData("2026-07-28", HttpStatusCode.MethodNotAllowed)]
    [InlineData("2099-01-01", HttpStatusCode.BadRequest)]
    public async Task Delete_UnknownSessionUnderARevisionWithoutSessions_IsNot404(string version, HttpStatusCode expected)
    {
        var credential = await Harness.CredentialAsync("orders:read");
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/mcp");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", version);
        request.Headers.TryAddWithoutValidation("Mcp-Session-Id", "never-issued");

        using var response = await Http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    private async Task<string> OpenSessionAsync(string credential)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(Initialize, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("Mcp-Session-Id").Single();
    }

    private async Task<HttpResponseMessage> DeleteAsync(string session, string credential)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/mcp");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        Legacy(request, session);
        return await Http.SendAsync(request);
    }

    private static void Legacy(HttpRequestMessage request, string session)
    {
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2025-06-18");
        request.Headers.TryAddWithoutValidation("Mcp-Session-Id", session);
    }
}
