using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Mandate.Core.Protocol;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Introspection;

/// <summary>
/// Mandate credentials whose signature already verified, so an agent that presents the same credential on every
/// proxied or gateway call pays for the ES256 verification once. Keyed by the SHA-256 of the token's exact text (the
/// token is never kept), holding the claims read from it and the key that verified it. An entry is served only while
/// that same key is still in the key ring and never past the token's <c>exp</c>; revocation and every other check are
/// the caller's, on every use. Bounded: at the cap, expired entries are swept and nothing new is added until there is
/// room. Thread-safe.
/// </summary>
internal sealed class IssuedTokenCache
{
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (IssuedToken Token, SecurityKey Key)> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public IssuedTokenCache(TimeProvider time) => _time = time;

    public static string Key(string token) => TextHash.Sha256Hex(token);

    /// <summary>The claims of the token under <paramref name="key"/>, when it verified with <paramref name="currentKey"/> and has not expired.</summary>
    public IssuedToken? Find(string key, Func<string, SecurityKey?> currentKey)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.Token.ExpiresAt <= _time.GetUtcNow() || !ReferenceEquals(currentKey(entry.Token.Kid), entry.Key))
        {
            _entries.TryRemove(key, out _);
            return null;
        }

        return entry.Token;
    }

    public void Add(string key, IssuedToken token, SecurityKey verifiedWith)
    {
        if (_entries.Count >= MaxEntries)
        {
            var now = _time.GetUtcNow();
            foreach (var (k, v) in _entries)
            {
                if (v.Token.ExpiresAt <= now)
                {
                    _entries.TryRemove(k, out _);
                }
            }
        }

        if (_entries.Count < MaxEntries)
        {
            _entries[key] = (token, verifiedWith);
        }
    }
}
