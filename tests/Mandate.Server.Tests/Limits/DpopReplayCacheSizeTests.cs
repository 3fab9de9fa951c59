using Mandate.SenderConstraint;
using Mandate.Server.Tests.Harness;
using Mandate.Server.Tests.SenderConstraint;
using Mandate.Testing;

namespace Mandate.Server.Tests.Limits;

/// <summary>
/// <c>limits.dpop_replay_cache_entries</c>: the node's replay cache holds exactly that many live proofs, and when it is
/// full a DPoP request is refused (fail closed) rather than a live proof forgotten.
/// </summary>
public sealed class DpopReplayCacheSizeTests : BrokerTest, IDisposable
{
    private const int Entries = 1000;

    private readonly DpopProofs _key = new();

    protected override string Configuration => TestBroker.Configuration + $"\nlimits: {{ dpop_replay_cache_entries: {Entries} }}\n";

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Exchange_ReplayCacheFullAtTheConfiguredSize_IsRefusedAndNothingIssued()
    {
        var cache = Assert.IsType<DpopReplayCache>(Broker.Runtime.ReplayGuard);
        for (var i = 0; i < Entries - 1; i++)
        {
            Assert.Equal(ReplayCacheOutcome.Added, cache.TryAdd($"filler-{i}", Broker.Now.AddMinutes(5), Broker.Now));
        }

        var tokenUrl = Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token";
        Expect.Issued(await DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), _key.Create("POST", tokenUrl, Broker.Now)));
        Assert.Equal(Entries, cache.Count);

        var refused = await DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), _key.Create("POST", tokenUrl, Broker.Now));

        Assert.Contains("replay cache is full", refused.Body, StringComparison.Ordinal);
        Assert.Equal(Entries, cache.Count);
        Assert.Single(await Broker.AuditEventsAsync(Core.Audit.AuditKinds.Issuance));
    }
}
