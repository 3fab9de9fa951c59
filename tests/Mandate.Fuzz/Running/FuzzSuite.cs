using Mandate.Fuzz.Targets;

namespace Mandate.Fuzz.Running;

/// <summary>
/// Every fuzz target, in one place for the CI tests and bench/fuzz, with the broker the broker-backed
/// targets share. Weights say how many inputs each target gets of a total budget.
/// </summary>
internal sealed class FuzzSuite : IAsyncDisposable
{
    private readonly FuzzBroker _broker;

    private FuzzSuite(FuzzBroker broker)
    {
        _broker = broker;
        Targets =
        [
            (new FormReaderTarget(), 16),
            (new AttestationTarget(), 14),
            (new DpopTarget(), 10),
            (new CsrTarget(broker), 6),
            (new AuthorizationDetailsTarget(), 16),
            (new CelTarget(), 20),
            (new PolicyYamlTarget(), 8),
            (new ConfigYamlTarget(), 5),
            (new BrokerHttpTarget(broker), 5),
        ];
    }

    /// <summary>Targets with their share of the budget (weights sum to 100).</summary>
    public IReadOnlyList<(FuzzTarget Target, int Weight)> Targets { get; }

    public static async Task<FuzzSuite> StartAsync() => new(await FuzzBroker.StartAsync());

    public FuzzTarget this[string name] => Targets.Single(t => t.Target.Name == name).Target;

    public async ValueTask DisposeAsync()
    {
        foreach (var (target, _) in Targets)
        {
            (target as IDisposable)?.Dispose();
        }

        await _broker.DisposeAsync();
    }
}
