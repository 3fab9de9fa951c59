using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Mandate.Core.Audit;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// Streamed answers through the proxy: Server-Sent Events reach the agent one by one (scrubbed), and a relay
/// that breaks after the response started is cut off only once it is audited, with the cause told apart
/// (proxy.timeout, the agent hanging up, the upstream breaking).
/// </summary>
public sealed class ProxyStreamingTests : ProxyTest
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Proxy_EventStream_EachEventReachesTheAgentBeforeTheUpstreamWritesTheNext()
    {
        var credential = await StripeCredentialAsync();

        using var response = await SendStreamingAsync("stripe/v1/events", credential);
        await using var body = await response.Content.ReadAsStreamAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Content.Headers.ContentLength);
        foreach (var sent in UpstreamServer.Events(Secret))
        {
            // The upstream holds the next event until this one was read here: a buffering proxy would time out.
            var received = await ReadEventAsync(body).WaitAsync(Bounded);
            Assert.Equal(sent.Replace(Secret, new string('*', Secret.Length), StringComparison.Ordinal), received);
            Upstream.EventRead.Release();
        }

        Assert.Equal(0, await body.ReadAsync(new byte[1]).AsTask().WaitAsync(Bounded));
        var audited = Assert.Single(await Broker.AuditEventsAsync(EgressAuditKinds.ProxyCall));
        Assert.Equal(("forwarded", UpstreamServer.Events(Secret).Sum(e => Encoding.UTF8.GetByteCount(e)).ToString(System.Globalization.CultureInfo.InvariantCulture)), (audited.Outcome, audited.Evidence["response_bytes"]));
        await AssertSecretNowhereAsync();
    }

    [Fact]
    public async Task Proxy_UpstreamStallsAfterHeaders_CutOffAtProxyTimeoutAndAuditedFirst()
    {
        var credential = await StripeCredentialAsync();
        using var response = await SendStreamingAsync("stripe/v1/stall", credential);
        await using var body = await response.Content.ReadAsStreamAsync();
        Assert.Equal(UpstreamServer.PartialBody, await ReadExactlyAsync(body, UpstreamServer.PartialBody.Length).WaitAsync(Bounded));

        Broker.Clock.Advance(TimeSpan.FromSeconds(31));

        await Assert.ThrowsAnyAsync<IOException>(() => body.ReadAsync(new byte[64]).AsTask().WaitAsync(Bounded));
        // The connection is cut only after the record is durable, so it is there as soon as the agent sees the cut.
        var audited = Assert.Single(await Broker.AuditEventsAsync(EgressAuditKinds.ProxyCall));
        Assert.Equal(("failed", "200", "upstream timed out", "proxy.upstream_timeout"), (audited.Outcome, audited.Evidence["status"], audited.Evidence["problem"], audited.Evidence["check_id"]));
        Assert.Contains("proxy.timeout", audited.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_UpstreamBreaksAfterHeaders_CutOffAndAuditedAsUpstreamFailure()
    {
        var credential = await StripeCredentialAsync();
        using var response = await SendStreamingAsync("stripe/v1/break", credential);
        await using var body = await response.Content.ReadAsStreamAsync();
        Assert.Equal(UpstreamServer.PartialBody, await ReadExactlyAsync(body, UpstreamServer.PartialBody.Length).WaitAsync(Bounded));

        Upstream.BreakNow.SetResult();

        await Assert.ThrowsAnyAsync<IOException>(() => body.ReadAsync(new byte[64]).AsTask().WaitAsync(Bounded));
        var audited = Assert.Single(await Broker.AuditEventsAsync(EgressAuditKinds.ProxyCall));
        Assert.Equal(("failed", "upstream failed"), (audited.Outcome, audited.Evidence["problem"]));
        Assert.DoesNotContain("127.0.0.1", audited.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_AgentHangsUpMidBody_UpstreamCallAbandonedAndAuditedAsClientClosed()
    {
        var credential = await StripeCredentialAsync();
        var response = await SendStreamingAsync("stripe/v1/stall", credential);
        var body = await response.Content.ReadAsStreamAsync();
        await ReadExactlyAsync(body, UpstreamServer.PartialBody.Length).WaitAsync(Bounded);

        await body.DisposeAsync();
        response.Dispose();

        await Upstream.StallAbandoned.Task.WaitAsync(Bounded);
        var audited = await SingleCallRecordAsync();
        Assert.Equal(("failed", "client closed request"), (audited.Outcome, audited.Evidence["problem"]));
    }

    [Fact]
    public async Task Proxy_Http2PriorKnowledge_IsNotSpoken_SoEveryCutOffWaitsForTheAudit()
    {
        // Over HTTP/2 the forwarder would reset a broken stream itself and complete gRPC responses early;
        // the cleartext listener speaks HTTP/1.1 only, where EgressProxy decides when the connection ends.
        var credential = await StripeCredentialAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "stripe/v1/charges/ch_1") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);

        await Assert.ThrowsAsync<HttpRequestException>(() => Proxy.SendAsync(request));
        Assert.Empty(Upstream.Received);
    }

    private async Task<HttpResponseMessage> SendStreamingAsync(string path, string credential)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        return await Proxy.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>The proxy writes the record before its handler ends; poll (bounded) when the agent is not there to wait.</summary>
    private async Task<AuditEvent> SingleCallRecordAsync()
    {
        var deadline = DateTime.UtcNow + Bounded;
        while (true)
        {
            var records = await Broker.AuditEventsAsync(EgressAuditKinds.ProxyCall);
            if (records.Count > 0 || DateTime.UtcNow > deadline)
            {
                return Assert.Single(records);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Reads up to and including the blank line that ends one event, and nothing past it.</summary>
    private static async Task<string> ReadEventAsync(Stream body)
    {
        var text = new StringBuilder();
        var one = new byte[1];
        while (!text.ToString().EndsWith("\n\n", StringComparison.Ordinal))
        {
            if (await body.ReadAsync(one) == 0)
            {
                throw new EndOfStreamException("the stream ended inside an event: " + text);
            }

            text.Append((char)one[0]);
        }

        return text.ToString();
    }

    private static async Task<string> ReadExactlyAsync(Stream body, int count)
    {
        var buffer = new byte[count];
        await body.ReadExactlyAsync(buffer);
        return Encoding.UTF8.GetString(buffer);
    }
}
