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
            (new FormReaderTarget(), 300),
            (new AttestationTarget(), 60),
            (new DpopTarget(), 40),
            (new CsrTarget(broker), 30),
            (new AuthorizationDetailsTarget(), 335),
            (new CelTarget(), 200),
            (new PolicyYamlTarget(), 10),
            (new ConfigYamlTarget(), 5),
            (new BrokerHttpTarget(broker), 10),
            (new JsonBodyTarget(broker), 10),
        ];
    }

    /// <summary>Targets with their share of the budget in thousandths, set so that each target takes a similar time.</summary>
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
