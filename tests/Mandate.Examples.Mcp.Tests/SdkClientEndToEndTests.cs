using System.Net;
using Mandate.Client;
using Mandate.Examples.Mcp.Tests.Harness;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Mandate.Examples.Mcp.Tests;

/// <summary>
/// The official C# MCP SDK client, unchanged, with <see cref="MandateMcpCredentialHandler"/> under its HttpClient:
/// credentials come from a real broker by token exchange, per tool, and step up when a challenge asks.
/// </summary>
public sealed class SdkClientEndToEndTests : McpTest
{
    private readonly List<IAsyncDisposable> _cleanup = [];

    private async Task<McpClient> ConnectAsync(string agent, IReadOnlyList<string> runScopes, IReadOnlyDictionary<string, IReadOnlyList<string>>? toolScopes = null)
    {
        var run = await Harness.Agent(agent).StartRunAsync(Harness.UserToken(), runScopes);
        _cleanup.Add(run);
        var handler = new MandateMcpCredentialHandler(run, new MandateMcpCredentialOptions
        {
            Resource = Harness.Resource,
            Scopes = ["orders:read"],
            ToolScopes = toolScopes ?? new Dictionary<string, IReadOnlyList<string>>(),
        })
        { InnerHandler = new SocketsHttpHandler() };
        var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(Harness.Resource) }, http, ownsHttpClient: true);
        var client = await McpClient.CreateAsync(transport, cancellationToken: Timeout());
        _cleanup.Add(client);
        return client;
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task SdkClient_ListsToolsAndLooksUpAnOrder_WithAnOrdersReadCredential()
    {
        var client = await ConnectAsync(McpBroker.SupportAgent, ["orders:read"], PaymentsScopes.ByTool);

        var tools = await client.ListToolsAsync(cancellationToken: Timeout());
        var result = await client.CallToolAsync("lookup_order", new Dictionary<string, object?> { ["order_id"] = "o-1001" }, cancellationToken: Timeout());

        Assert.Equal(["lookup_order", "refund"], tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.NotEqual(true, result.IsError);
        Assert.Contains("120", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SdkClient_RefundWithoutRefundsWrite_IsRefused403_AndTheBrokerWillNotStepUp()
    {
        // No tool map: the call goes out with orders:read, the server answers 403 insufficient_scope naming
        // refunds:write, and the handler's step-up exchange is refused (the run's envelope is orders:read).
        var client = await ConnectAsync(McpBroker.SupportAgent, ["orders:read"]);

        var refused = await Assert.ThrowsAnyAsync<HttpRequestException>(() =>
            client.CallToolAsync("refund", new Dictionary<string, object?> { ["order_id"] = "o-1001", ["amount"] = 5 }, cancellationToken: Timeout()).AsTask());

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task SdkClient_WithAToolMap_RefundBeyondThePolicy_IsRefusedByTheBroker_BeforeTheServerIsCalled()
    {
        var client = await ConnectAsync(McpBroker.SupportAgent, ["orders:read"], PaymentsScopes.ByTool);

        var refused = await Assert.ThrowsAsync<MandateErrorException>(() =>
            client.CallToolAsync("refund", new Dictionary<string, object?> { ["order_id"] = "o-1001", ["amount"] = 5 }, cancellationToken: Timeout()).AsTask());

        Assert.Equal("invalid_scope", refused.Error);
    }

    [Fact]
    public async Task SdkClient_WithoutAToolMap_StepsUpOnTheChallenge_AndRefunds()
    {
        // No tool map: the first refund call carries orders:read, the 403 names refunds:write, the handler asks again.
        var client = await ConnectAsync(McpBroker.RefundAgent, ["orders:read", "refunds:write"]);

        var first = await client.CallToolAsync("refund", new Dictionary<string, object?> { ["order_id"] = "o-1002", ["amount"] = 5 }, cancellationToken: Timeout());
        var second = await client.CallToolAsync("refund", new Dictionary<string, object?> { ["order_id"] = "o-1002", ["amount"] = 5 }, cancellationToken: Timeout());

        Assert.NotEqual(true, first.IsError);
        Assert.Contains(McpBroker.RefundAgent, Assert.IsType<TextContentBlock>(Assert.Single(first.Content)).Text, StringComparison.Ordinal);
        Assert.NotEqual(true, second.IsError);
    }

    [Fact]
    public async Task SdkClient_AfterCredentialExpiry_GetsAFreshCredential()
    {
        var client = await ConnectAsync(McpBroker.SupportAgent, ["orders:read"], PaymentsScopes.ByTool);
        await client.CallToolAsync("lookup_order", new Dictionary<string, object?> { ["order_id"] = "o-1001" }, cancellationToken: Timeout());

        Harness.Clock.Advance(TimeSpan.FromMinutes(4.5));
        var later = await client.CallToolAsync("lookup_order", new Dictionary<string, object?> { ["order_id"] = "o-1001" }, cancellationToken: Timeout());

        Assert.NotEqual(true, later.IsError);
    }

    public override async Task DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            await item.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
