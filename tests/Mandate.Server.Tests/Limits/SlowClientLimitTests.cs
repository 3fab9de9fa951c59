using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RawSockets;

namespace Mandate.Server.Tests.Limits;

/// <summary>
/// <c>limits.request_headers_timeout</c>, <c>keep_alive_timeout</c> and <c>min_request_body_rate</c> set small: a
/// client that stalls is cut off within the configured time, not Kestrel's defaults, and nothing is recorded.
/// </summary>
public sealed class SlowClientLimitTests : BrokerTest
{
    protected override string Configuration => TestBroker.Configuration + """

        limits:
          request_headers_timeout: 1s
          keep_alive_timeout: 1s
          min_request_body_rate: { bytes_per_second: 1000, grace: 2s }
        """;

    [Fact]
    public async Task Invariant7_HalfARequestLine_IsDisconnectedAfterTheHeadersTimeout()
    {
        var before = await Broker.ReadAuditAsync();
        using var socket = await ConnectAsync(Broker.App.BaseAddress);
        await SendAsync(socket, "POST /oauth2/to");

        var answer = await ReadUntilClosedAsync(socket);

        // Kestrel answers a request it began to read with 408 (RFC 9110 §15.5.9) and closes the connection.
        Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal);
        Assert.Equal(before.Select(r => r.Hash), (await Broker.ReadAuditAsync()).Select(r => r.Hash));
    }

    [Fact]
    public async Task IdleKeepAliveConnection_IsClosedAfterTheKeepAliveTimeout()
    {
        using var socket = await ConnectAsync(Broker.App.BaseAddress);
        await SendAsync(socket, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        var answer = await ReadUntilClosedAsync(socket);

        Assert.StartsWith("HTTP/1.1 200", answer, StringComparison.Ordinal);
        Assert.EndsWith("ok", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invariant7_BodySlowerThanTheConfiguredRate_IsCutAfterTheGraceAndChangesNothing()
    {
        var before = await Broker.ReadAuditAsync();
        using var socket = await ConnectAsync(Broker.App.BaseAddress);
        await SendAsync(socket, "POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ngrant_type=urn:i");

        var answer = await ReadUntilClosedAsync(socket);

        Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal);
        Assert.Contains("request.body_timeout", answer, StringComparison.Ordinal);
        Assert.Equal(before.Select(r => r.Hash), (await Broker.ReadAuditAsync()).Select(r => r.Hash));
    }
}
