using System.Net;
using Mandate.Core.Audit;

namespace Mandate.Server.Tests.Proxy;

/// <summary>proxy.max_response_body: refused up front when the size is announced, cut off while streaming otherwise.</summary>
public sealed class ProxyResponseLimitTests : ProxyTest
{
    protected override string Configuration(Uri upstream) =>
        ProxyTestBroker.Configuration(upstream).Replace("timeout: 30s }", "timeout: 30s, max_response_body: 1MiB }", StringComparison.Ordinal);

    [Fact]
    public async Task Proxy_AnnouncedResponseOverLimit_502NotRelayed()
    {
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/big-known", credential);

        Assert.Contains("max_response_body", await ProblemAsync(response, HttpStatusCode.BadGateway), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_StreamedResponseOverLimit_IsCutOffAndAuditedAsFailed()
    {
        var credential = await StripeCredentialAsync();

        var read = async () =>
        {
            using var response = await CallAsync(HttpMethod.Get, "stripe/v1/big", credential);
            return await response.Content.ReadAsByteArrayAsync();
        };

        await Assert.ThrowsAnyAsync<Exception>(read);
        var audited = Assert.Single(await Broker.AuditEventsAsync(EgressAuditKinds.ProxyCall));
        Assert.Equal("failed", audited.Outcome);
        Assert.Contains("max_response_body", audited.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_ResponseWithinLimit_IsRelayed()
    {
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", credential);

        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }
}
