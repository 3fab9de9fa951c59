using System.Collections.Concurrent;

namespace Mandate.Core.Revocation;

/// <summary>
/// Store reads whose answer can never change, remembered by key so that each is read once. Nothing here can go stale,
/// so at the cap the memory simply starts over. Thread-safe; two first asks for one key may both read.
/// </summary>
internal sealed class RememberedReads<TValue>
{
    private readonly ConcurrentDictionary<string, TValue> _values = new(StringComparer.Ordinal);
    private readonly int _maxEntries;

    public RememberedReads(int maxEntries) => _maxEntries = maxEntries;

    public int Count => _values.Count;

    /// <summary>The remembered answer for <paramref name="key"/>, or <paramref name="read"/>'s, remembered from now on.</summary>
    public async ValueTask<TValue> GetAsync(string key, Func<string, CancellationToken, Task<TValue>> read, CancellationToken cancellationToken)
    {
        if (_values.TryGetValue(key, out var known))
        {
            return known;
        }

        var value = await read(key, cancellationToken);
        if (_values.Count >= _maxEntries)
        {
            _values.Clear();
        }

        _values[key] = value;
        return value;
    }
}
