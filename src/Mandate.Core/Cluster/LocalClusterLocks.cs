using System.Collections.Concurrent;

namespace Mandate.Core.Cluster;

/// <summary>The locks of a single node on an embedded store: it leads every role; mutexes are in-process.</summary>
public sealed class LocalClusterLocks : IClusterLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _mutexes = new(StringComparer.Ordinal);

    public Task<bool> IsLeaderAsync(string role, CancellationToken cancellationToken) => Task.FromResult(true);

    public async Task<IAsyncDisposable> AcquireAsync(string name, CancellationToken cancellationToken)
    {
        var mutex = _mutexes.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await mutex.WaitAsync(cancellationToken);
        return new Held(mutex);
    }

    private sealed class Held(SemaphoreSlim mutex) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                mutex.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
