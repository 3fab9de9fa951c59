using System.Collections.Concurrent;

namespace Mandate.Client;

/// <summary>
/// A run's credentials by cache key, with single flight: concurrent misses for one key share one exchange (one
/// request to the broker). A failed exchange is not cached, and the shared exchange does not run on any one caller's
/// cancellation token, so a caller that gives up stops waiting without failing the others.
/// </summary>
internal sealed class CredentialCache
{
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, CredentialLease> _leases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<IssuedCredential>>> _flights = new(StringComparer.Ordinal);

    public CredentialCache(TimeProvider time) => _time = time;

    /// <summary>The fresh cached credential for <paramref name="key"/>, or the result of the one exchange in flight for it.</summary>
    public Task<IssuedCredential> GetAsync(string key, Func<CancellationToken, Task<IssuedCredential>> exchange, CancellationToken cancellationToken)
    {
        if (_leases.TryGetValue(key, out var lease) && lease.IsFresh(_time.GetUtcNow()))
        {
            return Task.FromResult(lease.Credential);
        }

        Lazy<Task<IssuedCredential>>? mine = null;
        mine = new Lazy<Task<IssuedCredential>>(() => FlyAsync(key, exchange, mine!));
        return _flights.GetOrAdd(key, mine).Value.WaitAsync(cancellationToken);
    }

    /// <summary>Drops the credential for <paramref name="key"/>, so the next request exchanges anew.</summary>
    public void Forget(string key) => _leases.TryRemove(key, out _);

    public void Clear() => _leases.Clear();

    private async Task<IssuedCredential> FlyAsync(string key, Func<CancellationToken, Task<IssuedCredential>> exchange, Lazy<Task<IssuedCredential>> flight)
    {
        try
        {
            // Bounded by the HttpClient's timeout; no single waiter's token may cancel what the others wait for.
            var issued = await exchange(CancellationToken.None);
            _leases[key] = new CredentialLease(issued, _time.GetUtcNow());
            return issued;
        }
        finally
        {
            _flights.TryRemove(new KeyValuePair<string, Lazy<Task<IssuedCredential>>>(key, flight));
        }
    }
}
