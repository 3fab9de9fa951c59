using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Mandate.Core.Spiffe;
using Mandate.Server.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>
/// The SPIFFE Workload API's X.509 profile over the endpoint socket (SPIFFE Workload API §5, Workload Endpoint §3 and
/// §6): the attested caller's SVID and bundle, renewed on the same stream; the security header and the entitlement
/// checked before anything is issued.
/// </summary>
public sealed class SpiffeWorkloadApiX509Tests : SpiffeBrokerTest
{
    private const string Agent = TestBroker.SupportAgent;

    private string EndpointSocket => Broker.Options.Spiffe.EndpointSocket;

    [Fact]
    public async Task FetchX509Svid_RegisteredProcess_GetsItsSvidAndKeyChainingToTheBundle_RecordedFirst()
    {
        await RegisterThisProcessAsync(Agent);
        using var client = new SpiffeEndpointClient(EndpointSocket);
        using var call = client.FetchX509Svid();

        var answer = await SpiffeEndpointClient.FirstAsync(call);

        var svid = Assert.Single(answer.Svids);
        Assert.Equal(Agent, svid.SpiffeId);
        using var leaf = Assert.Single(SpiffeEndpointClient.Certificates(svid.X509Svid));
        Assert.Equal(Agent, SpiffeCertificates.SpiffeIdOf(leaf));
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(svid.X509SvidKey.Span, out _);
        var signed = key.SignData("proof"u8, HashAlgorithmName.SHA256);
        using var certified = leaf.GetECDsaPublicKey()!;
        Assert.True(certified.VerifyData("proof"u8, signed, HashAlgorithmName.SHA256), "the key does not belong to the certificate");
        Assert.True(ChainsTo(leaf, SpiffeEndpointClient.Certificates(svid.Bundle)), "the SVID does not chain to the bundle sent with it");
        var issued = Assert.Single(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
        Assert.Equal(("issued", "x509", leaf.SerialNumber), (issued.Outcome, issued.Evidence["svid_type"], issued.Evidence["serial"]));
    }

    [Fact]
    public async Task FetchX509Svid_AtHalfItsLifetime_TheSameStreamCarriesARenewedSvid()
    {
        await RegisterThisProcessAsync(Agent);
        using var client = new SpiffeEndpointClient(EndpointSocket);
        // After its first message the stream waits on the broker's clock, a bundle refresh hint at a time.
        var waiting = Broker.Clock.WhenTimerArmedAsync(Broker.Options.Spiffe.BundleRefreshHint);
        using var call = client.FetchX509Svid();
        var first = await SpiffeEndpointClient.FirstAsync(call);

        // §4.3: a complete message whenever something in it changes (a bundle key may come first); the SVID is renewed
        // at half of its 1h lifetime. The clock moves there once the stream waits, and no further: one renewal.
        using var before = SpiffeEndpointClient.Certificates(first.Svids[0].X509Svid)[0];
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Broker.Clock.Advance(TimeSpan.FromMinutes(30));
        X509Certificate2? after = null;
        for (var messages = 0; after is null && messages < 10; messages++)
        {
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)), "the stream ended instead of carrying a renewed SVID");
            var next = Assert.Single(call.ResponseStream.Current.Svids);
            Assert.Equal(Agent, next.SpiffeId);
            var leaf = SpiffeEndpointClient.Certificates(next.X509Svid)[0];
            if (leaf.SerialNumber == before.SerialNumber)
            {
                leaf.Dispose();
            }
            else
            {
                after = leaf;
            }
        }

        using var renewed = after ?? throw new Xunit.Sdk.XunitException("no renewed SVID in ten messages");
        Assert.True(renewed.NotAfter > before.NotAfter);
        Assert.True(renewed.NotBefore >= before.NotBefore.AddMinutes(30), "renewed before half of the lifetime");
        Assert.Equal(2, (await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid)).Count(e => e.Outcome == "issued"));
    }

    [Fact]
    public async Task FetchX509Svid_BrokerStopping_EndsTheOpenStreamWithoutWaitingForTheNextRenewal()
    {
        await RegisterThisProcessAsync(Agent);
        using var client = new SpiffeEndpointClient(EndpointSocket);
        using var call = client.FetchX509Svid();
        await SpiffeEndpointClient.FirstAsync(call);

        Broker.App.App.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        // The stream ends cleanly (the client reconnects, §4.3) instead of holding the broker's shutdown open.
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Invariant1_FetchX509Svid_ProcessMatchingNoEntry_IsPermissionDeniedAndTheRefusalRecorded()
    {
        using var client = new SpiffeEndpointClient(EndpointSocket);
        using var call = client.FetchX509Svid();

        var refused = await Assert.ThrowsAsync<RpcException>(() => SpiffeEndpointClient.FirstAsync(call));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("mandate entries create", refused.Status.Detail, StringComparison.Ordinal);
        var refusal = Assert.Single(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
        Assert.Equal(("refused", "x509"), (refusal.Outcome, refusal.Evidence["svid_type"]));
    }

    [Theory]
    [InlineData(false, "true")]
    [InlineData(true, "True")]
    [InlineData(true, "1")]
    [InlineData(true, "")]
    public async Task Invariant7_FetchX509Svid_WithoutTheSecurityHeaderTrue_IsInvalidArgumentAndIssuesNothing(bool header, string value)
    {
        await RegisterThisProcessAsync(Agent);
        using var client = new SpiffeEndpointClient(EndpointSocket, header, value);
        using var call = client.FetchX509Svid();

        // Workload Endpoint §3: requests without workload.spiffe.io: true (case sensitive) MUST be rejected; §6: InvalidArgument.
        var refused = await Assert.ThrowsAsync<RpcException>(() => SpiffeEndpointClient.FirstAsync(call));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("workload.spiffe.io", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
    }

    [Fact]
    public async Task FetchX509Bundles_AnyLocalCaller_GetsTheTrustDomainsCaCertificates()
    {
        using var client = new SpiffeEndpointClient(EndpointSocket);
        using var call = client.FetchX509Bundles();

        var answer = await SpiffeEndpointClient.FirstAsync(call);

        var (domain, der) = Assert.Single(answer.Bundles);
        Assert.Equal("spiffe://" + TestBroker.TrustDomain, domain);
        using var ca = Assert.Single(SpiffeEndpointClient.Certificates(der));
        Assert.Equal(Broker.Runtime.Spiffe!.CaCertificate.Thumbprint, ca.Thumbprint);
        Assert.Empty(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
    }

    [Fact]
    public async Task EndpointSocket_ServesTheSpiffeApiOnly_AndTheJsonWorkloadSocketNotIt()
    {
        await RegisterThisProcessAsync(Agent);

        // The broker's other routes over HTTP/2 on the endpoint socket: not served.
        using var h2 = new HttpClient(Mandate.Client.UnixSocketHttpClient.Handler(EndpointSocket))
        {
            DefaultRequestVersion = new Version(2, 0),
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        foreach (var path in new[] { "/v1/bundle", "/.well-known/jwks.json", "/v1/admin/entries" })
        {
            using var other = await h2.GetAsync(new Uri("http://localhost" + path));
            Assert.Equal(System.Net.HttpStatusCode.NotFound, other.StatusCode);
        }

        // The gRPC API on the JSON workload socket (HTTP/1.1): no SVID.
        using var wrongSocket = new SpiffeEndpointClient(WorkloadSocket);
        using var call = wrongSocket.FetchX509Svid();
        var refused = await Assert.ThrowsAsync<RpcException>(() => SpiffeEndpointClient.FirstAsync(call));
        Assert.NotEqual(StatusCode.OK, refused.StatusCode);
        Assert.Empty(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
    }

    private static bool ChainsTo(X509Certificate2 leaf, List<X509Certificate2> bundle)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // The broker's clock is fixed in the past; judge the chain at the certificate's own time.
        chain.ChainPolicy.VerificationTime = leaf.NotBefore.AddMinutes(1);
        chain.ChainPolicy.CustomTrustStore.AddRange(bundle.ToArray());
        return chain.Build(leaf);
    }
}
