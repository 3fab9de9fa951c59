using System.Net;
using System.Text;
using Mandate.Client;
using Mandate.Examples.Mcp.Tests.Harness;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Examples.Mcp.Tests;

/// <summary>
/// <see cref="MandateMcpCredentialHandler"/> against a real broker and a recording server stub: which scopes it asks
/// for per tool, and that it steps up or refreshes at most once per request.
/// </summary>
public sealed class CredentialHandlerTests : McpTest
{
    private static readonly Dictionary<string, IReadOnlyList<string>> ToolMap = new(StringComparer.Ordinal) { ["refund"] = ["refunds:write"] };

    private async Task<(HttpClient Client, RecordingServer Server)> ClientAsync(Func<int, HttpResponseMessage> answer, IReadOnlyDictionary<string, IReadOnlyList<string>>? tools = null)
    {
        var run = await Harness.Agent(McpBroker.RefundAgent).StartRunAsync(Harness.UserToken(), ["orders:read", "refunds:write"]);
        var server = new RecordingServer(answer);
        var handler = new MandateMcpCredentialHandler(run, new MandateMcpCredentialOptions
        {
            Resource = Harness.Resource,
            Scopes = ["orders:read"],
            ToolScopes = tools ?? ToolMap,
        })
        { InnerHandler = server };
        return (new HttpClient(handler), server);
    }

    private Task<HttpResponseMessage> CallAsync(HttpClient client, string tool, string? nameHeader = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Harness.Resource)
        {
            Content = new StringContent(ToolCall(tool), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", nameHeader ?? tool);
        return client.SendAsync(request);
    }

    private static HttpResponseMessage Ok(int _) => new(HttpStatusCode.OK);

    private static HttpResponseMessage Challenge(HttpStatusCode status, string parameters)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", "Bearer realm=\"x\", " + parameters);
        return response;
    }

    [Fact]
    public async Task ToolCall_CarriesTheBaseAndTheToolsScopes_ForTheMcpServersAudience()
    {
        var (client, server) = await ClientAsync(Ok);
        using var _ = client;

        using var response = await CallAsync(client, "refund");

        var token = server.Tokens.Single();
        Assert.Equal([Harness.Resource], token.Audiences);
        Assert.Equal("orders:read refunds:write", token.GetClaim("scope").Value);
    }

    [Fact]
    public async Task ToolNamedInBase64Sentinel_IsDecodedForTheScopeChoice()
    {
        var (client, server) = await ClientAsync(Ok);
        using var _ = client;

        using var response = await CallAsync(client, "refund", "=?base64?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("refund")) + "?=");

        Assert.Equal("orders:read refunds:write", server.Tokens.Single().GetClaim("scope").Value);
    }

    [Fact]
    public async Task ReadOnlyTool_GetsTheBaseScopesOnly_AndTheCredentialIsReused()
    {
        var (client, server) = await ClientAsync(Ok);
        using var _ = client;

        using var first = await CallAsync(client, "lookup_order");
        using var second = await CallAsync(client, "lookup_order");

        Assert.All(server.Tokens, t => Assert.Equal("orders:read", t.GetClaim("scope").Value));
        Assert.Equal(server.Tokens[0].Id, server.Tokens[1].Id);
    }

    [Fact]
    public async Task ScopeChallenge_StepsUpOnce_ThenGivesTheRefusalBack()
    {
        var (client, server) = await ClientAsync(_ => Challenge(HttpStatusCode.Forbidden, "scope=\"refunds:write\", error=\"insufficient_scope\""), new Dictionary<string, IReadOnlyList<string>>());
        using var _ = client;

        using var response = await CallAsync(client, "refund");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(2, server.Tokens.Count);
        Assert.Equal("orders:read", server.Tokens[0].GetClaim("scope").Value);
        Assert.Equal("orders:read refunds:write", server.Tokens[1].GetClaim("scope").Value);
    }

    [Fact]
    public async Task StepUp_IsRemembered_ForTheNextCallOfThatTool()
    {
        var (client, server) = await ClientAsync(n => n == 0 ? Challenge(HttpStatusCode.Forbidden, "scope=\"refunds:write\", error=\"insufficient_scope\"") : Ok(n), new Dictionary<string, IReadOnlyList<string>>());
        using var _ = client;

        using var first = await CallAsync(client, "refund");
        using var second = await CallAsync(client, "refund");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(3, server.Tokens.Count);
        Assert.Equal("orders:read refunds:write", server.Tokens[2].GetClaim("scope").Value);
    }

    [Fact]
    public async Task ForbiddenWithoutNewScopes_IsNotRetried()
    {
        var (client, server) = await ClientAsync(_ => Challenge(HttpStatusCode.Forbidden, "scope=\"orders:read\", error=\"insufficient_scope\""));
        using var _ = client;

        using var response = await CallAsync(client, "lookup_order");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Single(server.Tokens);
    }

    [Fact]
    public async Task InvalidToken_GetsOneFreshCredential()
    {
        var (client, server) = await ClientAsync(_ => Challenge(HttpStatusCode.Unauthorized, "error=\"invalid_token\", error_description=\"revoked; ask with scope=refunds:write\""));
        using var _ = client;

        using var response = await CallAsync(client, "lookup_order");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, server.Tokens.Count);
        Assert.NotEqual(server.Tokens[0].Id, server.Tokens[1].Id);
        // The description's text is not a scope parameter.
        Assert.Equal("orders:read", server.Tokens[1].GetClaim("scope").Value);
    }

    /// <summary>Answers with <c>answer(n)</c> for the n-th request and keeps every credential it was sent.</summary>
    private sealed class RecordingServer(Func<int, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<JsonWebToken> Tokens { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal("Bearer", request.Headers.Authorization?.Scheme);
            // The body survives a retry.
            Assert.Contains("tools/call", await request.Content!.ReadAsStringAsync(cancellationToken), StringComparison.Ordinal);
            Tokens.Add(new JsonWebToken(request.Headers.Authorization!.Parameter));
            return answer(Tokens.Count - 1);
        }
    }
}
