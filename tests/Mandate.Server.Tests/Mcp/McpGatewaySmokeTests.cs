namespace Mandate.Server.Tests.Mcp;

public sealed class McpGatewaySmokeTests : McpGatewayTest
{
    [Fact]
    public async Task SdkClient_ListsAndCallsThroughTheGateway()
    {
        var credential = await Gateway.CredentialAsync();
        await using var client = await ConnectAsync(credential);

        var tools = await client.ListToolsAsync();
        var result = await client.CallToolAsync("lookup_order", new Dictionary<string, object?> { ["orderId"] = "o-1" });

        Assert.Contains(tools, t => t.Name == "lookup_order");
        Assert.Contains("order o-1: shipped", string.Join(" ", result.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Select(c => c.Text)), StringComparison.Ordinal);
    }
}
