using Microsoft.Extensions.Hosting;

namespace Mandate.Server.Hosting;

/// <summary>
/// The last step of start-up, run by the host once every listener is bound: publishes the Unix sockets under their
/// paths, records the start (the policy in force) and lets held requests in. The steps before it (store, keys,
/// policy, revocations) ran in <see cref="MandateRuntime.OpenAsync(MandateBuilder, Microsoft.Extensions.Logging.ILoggerFactory, CancellationToken)"/>
/// before anything listened; a start that fails there or at a bind records nothing.
/// </summary>
internal sealed class MandateStartupService : IHostedLifecycleService
{
    private readonly MandateRuntime _runtime;
    private readonly ServedSockets _sockets;
    private readonly StartupGate _gate;

    /// <summary>Longest the gate stays shut waiting for the change feed's first catch-up; after it requests fail closed instead.</summary>
    private static readonly TimeSpan FeedWait = TimeSpan.FromSeconds(10);

    public MandateStartupService(MandateRuntime runtime, ServedSockets sockets, StartupGate gate)
    {
        _runtime = runtime;
        _sockets = sockets;
        _gate = gate;
    }

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        foreach (var (file, mode) in _sockets.All)
        {
            file.Publish(mode);
        }

        await _runtime.RecordStartAsync(cancellationToken);
        await WaitForChangeFeedAsync(cancellationToken);
        _gate.Open();
    }

    // Held requests would otherwise meet a revocation list that refuses to answer until the feed's first catch-up,
    // which on PostgreSQL is one round trip away. Real time on purpose: a test's manual clock must not hold the gate.
    private async Task WaitForChangeFeedAsync(CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        var step = TimeSpan.FromMilliseconds(10);
        while (!_runtime.ChangeFeed.IsCurrent && waited < FeedWait)
        {
            await Task.Delay(step, TimeProvider.System, cancellationToken);
            waited += step;
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
