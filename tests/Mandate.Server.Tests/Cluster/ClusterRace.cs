namespace Mandate.Server.Tests.Cluster;

/// <summary>
/// Sends requests to several nodes at the same instant, as an attacker racing a single-use thing would: each sender
/// waits at one barrier (bounded) and all are released together.
/// </summary>
internal static class ClusterRace
{
    /// <summary>How long a sender waits for the others at the barrier before the race fails.</summary>
    private static readonly TimeSpan BarrierTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How many rounds a race runs, so an interleaving that loses shows at least once.</summary>
    public const int Rounds = 20;

    /// <summary>Starts every one of <paramref name="senders"/> at once and returns their answers in order.</summary>
    public static async Task<T[]> AtOnceAsync<T>(params Func<Task<T>>[] senders)
    {
        ArgumentNullException.ThrowIfNull(senders);
        using var barrier = new Barrier(senders.Length);
        return await Task.WhenAll(senders.Select(send => Task.Run(async () =>
        {
            if (!barrier.SignalAndWait(BarrierTimeout))
            {
                throw new Xunit.Sdk.XunitException($"the {senders.Length} senders of a race did not all start within {BarrierTimeout.TotalSeconds} s");
            }

            return await send();
        })));
    }
}
