namespace Mandate.Server.Hosting;

/// <summary>
/// A background service's work threw and stopped the broker (the host's default). The message names the service
/// and the cause in one line; the host's own log entry for it is filtered out with its start-up stack traces.
/// </summary>
public sealed class BackgroundServiceFailedException : Exception
{
    public BackgroundServiceFailedException(string service, Exception fault)
        : base($"the broker stopped: {service} failed: {fault?.Message}", fault)
    {
    }

    public BackgroundServiceFailedException()
    {
    }

    public BackgroundServiceFailedException(string message)
        : base(message)
    {
    }
}
