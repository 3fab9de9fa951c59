namespace Mandate.Server.Tests.Harness;

/// <summary>Starts a fresh broker for every test, so no test sees another's audit records, revocations or clock.</summary>
public abstract class BrokerTest : IAsyncLifetime
{
    private BrokerHarness? _broker;

    protected BrokerHarness Broker => _broker ?? throw new InvalidOperationException("the broker is not started");

    /// <summary>The policy the broker starts with.</summary>
    protected virtual string Policy => TestBroker.Policy;

    /// <summary>The mandate.yaml the broker starts with.</summary>
    protected virtual string Configuration => TestBroker.Configuration;

    public virtual async Task InitializeAsync() => _broker = await StartBrokerAsync();

    /// <summary>How the broker starts: on <see cref="Policy"/> and <see cref="Configuration"/>, by default on the test's manual clock.</summary>
    protected virtual Task<BrokerHarness> StartBrokerAsync() => BrokerHarness.StartAsync(Policy, configuration: Configuration, prepare: PrepareAsync);

    /// <summary>Writes files the configuration names (a client secret, certificates) into the broker's folder before it loads.</summary>
    protected virtual Task PrepareAsync(string directory) => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}
