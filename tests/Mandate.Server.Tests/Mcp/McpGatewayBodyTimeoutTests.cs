using System.Net.Sockets;
using System.Text;

namespace Mandate.Server.Tests.Mcp;

/// <summary>The message the gateway reads to decide arrives within <c>proxy.timeout</c>, or the request ends (slow clients).</summary>
public sealed class McpGatewayBodyTimeoutTests : McpGatewayTest
{
    [Fact]
    public async Task Post_BodyTricklingPastTheTimeout_Returns408AndForwardsNothing()
    {
        var credential = await Gateway.CredentialAsync();
        var body = Encoding.UTF8.GetBytes(Request("tools/list"));
        // The gateway arms proxy.timeout (30 s) on the broker's clock once it starts reading the body; the clock moves past
        // it only then, however long the gateway takes to get there, and once, well within the credential's lifetime.
        var deadlineArmed = Gateway.Broker.Clock.WhenTimerArmedAsync(TimeSpan.FromSeconds(30));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Gateway.Proxy.Host, Gateway.Proxy.Port);
        await using var stream = tcp.GetStream();
        var head = $"POST /{McpGatewayHarness.Payments} HTTP/1.1\r\nHost: {Gateway.Proxy.Authority}\r\nAuthorization: Bearer {credential}\r\n"
            + $"Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: {body.Length}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body.AsMemory(0, 10));
        var answer = new StreamReader(stream, Encoding.UTF8).ReadToEndAsync();

        await deadlineArmed.WaitAsync(TimeSpan.FromSeconds(30));
        Gateway.Broker.Clock.Advance(TimeSpan.FromSeconds(31));

        var text = await answer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("HTTP/1.1 408", text, StringComparison.Ordinal);
        Assert.Contains("proxy.body_timeout", text, StringComparison.Ordinal);
        Assert.Empty(Gateway.Upstream.Received);
    }
}
