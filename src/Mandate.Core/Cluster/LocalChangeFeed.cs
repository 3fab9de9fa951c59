namespace Mandate.Core.Cluster;

/// <summary>The change feed of a single node on an embedded store: always current, nothing to hear.</summary>
public sealed class LocalChangeFeed : IChangeFeed
{
    public bool IsCurrent => true;

    public async Task RunAsync(Func<ChangeTopic, CancellationToken, Task> onChange, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is the only way out.
        }
    }
}
