using Mandate.Client;

namespace Mandate.Server.Tests.Client;

/// <summary>
/// MandateMcpCredentialHandler with a DPoP-bound credential: an MCP server challenges it under the DPoP scheme (RFC 9449
/// §7.1) with RFC 6750 §3's <c>insufficient_scope</c> and <c>scope</c>, and the handler steps up as it does for Bearer.
/// </summary>
public sealed class McpDpopStepUpTests : IDisposable
{
    private const string RefundCall = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"refund","arguments":{"order":"o-1"}}}""";
    private readonly DpopKey _key = DpopKey.Create();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task McpHandler_DpopInsufficientScopeChallenge_StepsUpOnceAndRetriesWithTheLargerCredential()
    {
        await using var mcp = await ScriptedServer.StartAsync(
            ScriptedAnswer.Json(403, "", ("WWW-Authenticate", "DPoP algs=\"ES256\", error=\"insufficient_scope\", scope=\"orders:read refunds:write\"")),
            ScriptedAnswer.Json(200, """{"jsonrpc":"2.0","id":1,"result":{}}"""));
        await using var broker = await ScriptedServer.StartAsync(
            ScriptedExchange.RunStarted(), ScriptedExchange.Credential(tokenType: "DPoP"), ScriptedExchange.Credential("test-value-4", "DPoP"));
        await using var run = await ScriptedExchange.Client(broker, _key).StartRunAsync(null, ["orders:read", "refunds:write"]);
        using var http = new HttpClient(new MandateMcpCredentialHandler(run, new MandateMcpCredentialOptions { Resource = "https://payments.acme.example/mcp", Scopes = ["orders:read"] })
        {
            InnerHandler = MandateHttpClient.Handler(),
        });

        using var response = await http.PostAsync(new Uri(mcp.Address, "mcp"), new StringContent(RefundCall, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(["DPoP test-value-1", "DPoP test-value-4"], mcp.Received.Select(r => r.Header("Authorization")));
        Assert.All(mcp.Received, r => Assert.Equal(RefundCall, r.Body));
        Assert.Equal(["orders:read", "orders:read refunds:write"], broker.Received.Skip(1).Select(r => r.Form.Single(f => f.Name == "scope").Value));
    }

    [Fact]
    public async Task McpHandler_DpopChallengeWithoutNewScope_IsTheAnswer()
    {
        await using var mcp = await ScriptedServer.StartAsync(ScriptedAnswer.Json(403, "", ("WWW-Authenticate", "DPoP algs=\"ES256\", error=\"insufficient_scope\", scope=\"orders:read\"")));
        await using var broker = await ScriptedServer.StartAsync(ScriptedExchange.RunStarted(), ScriptedExchange.Credential(tokenType: "DPoP"));
        await using var run = await ScriptedExchange.Client(broker, _key).StartRunAsync(null, ["orders:read"]);
        using var http = new HttpClient(new MandateMcpCredentialHandler(run, new MandateMcpCredentialOptions { Resource = "https://payments.acme.example/mcp", Scopes = ["orders:read"] })
        {
            InnerHandler = MandateHttpClient.Handler(),
        });

        using var response = await http.PostAsync(new Uri(mcp.Address, "mcp"), new StringContent(RefundCall, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(403, (int)response.StatusCode);
        Assert.Single(mcp.Received);
        Assert.Equal(2, broker.Received.Count);
    }
}
