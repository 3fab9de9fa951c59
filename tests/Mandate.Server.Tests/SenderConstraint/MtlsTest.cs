using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>Starts a fresh HTTPS broker with the acme and partner trust bundles (<see cref="MtlsBroker"/>) for every test.</summary>
public abstract class MtlsTest : IAsyncLifetime
{
    private MtlsBroker? _mtls;

    private protected MtlsBroker Mtls => _mtls ?? throw new InvalidOperationException("the broker is not started");

    protected BrokerHarness Broker => Mtls.Broker;

    /// <summary>The policy the broker starts with.</summary>
    protected virtual string Policy => TestBroker.Policy;

    public async Task InitializeAsync() => _mtls = await MtlsBroker.StartAsync(Policy);

    public async Task DisposeAsync()
    {
        if (_mtls is not null)
        {
            await _mtls.DisposeAsync();
        }
    }
}
