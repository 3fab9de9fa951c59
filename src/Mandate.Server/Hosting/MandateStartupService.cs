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
        _gate.Open();
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
