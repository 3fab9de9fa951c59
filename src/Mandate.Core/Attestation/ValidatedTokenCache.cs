using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Mandate.Core.Protocol;
using Mandate.Core.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Attestation;

/// <summary>
/// Identity tokens whose signature already verified, so an agent run presenting the same JWT-SVID and user token
/// on every exchange pays for each signature once. An entry is keyed by the SHA-256 of the token's exact text and
/// by the validation context (kind, issuer, required audience, the <see cref="TrustedIssuer"/> itself), so a token
/// accepted for one purpose is never served for another; the token itself is never kept. Only successes are
/// added. An entry is served until the token's <c>exp</c> plus the issuer's clock skew (the validator's own
/// boundary) or <see cref="IdentityCacheOptions.MaxAge"/>, whichever is sooner; at the count cap the soonest to
/// expire go first. Thread-safe.
/// </summary>
public sealed class ValidatedTokenCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly IdentityCacheOptions _options;
    private readonly TimeProvider _time;

    public ValidatedTokenCache(IdentityCacheOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
    }

    /// <summary>A cache that remembers nothing.</summary>
    public static ValidatedTokenCache Disabled { get; } = new(new IdentityCacheOptions { MaxEntries = 0 }, TimeProvider.System);

    /// <summary>Whether anything is remembered (<c>identity_cache.max_entries</c> above 0).</summary>
    public bool Enabled => _options.Enabled;

    /// <summary>Entries held now, expired ones not yet swept included.</summary>
    public int Count => _entries.Count;

    /// <summary>The key of <paramref name="token"/> in the context it is validated for: its hash, never its text.</summary>
    internal static string Key(string token, IssuerKind kind, TrustedIssuer issuer)
    {
        return string.Join('\n', kind.ToString(), issuer.Options.Issuer, issuer.RequiredAudience, TextHash.Sha256Hex(token));
    }

    /// <summary>The key that verified the token under <paramref name="key"/>, when it is remembered for this very issuer and not past its time.</summary>
    internal SecurityKey? Find(string key, TrustedIssuer issuer)
    {
        if (!Enabled || !_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        // A reconfigured issuer is another context, even under the same names.
        return ReferenceEquals(entry.Issuer, issuer) && _time.GetUtcNow() < entry.NotAfter ? entry.SigningKey : null;
    }

    /// <summary>Remembers a token that passed every check, signed by <paramref name="signingKey"/>, expiring at <paramref name="expires"/>.</summary>
    internal void Add(string key, TrustedIssuer issuer, SecurityKey signingKey, DateTimeOffset expires)
    {
        if (!Enabled)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var byExp = Plus(expires, issuer.Options.ClockSkew);
        var byAge = Plus(now, _options.MaxAge);
        var entry = new Entry(issuer, signingKey, byExp < byAge ? byExp : byAge);
        if (entry.NotAfter <= now)
        {
            return;
        }

        lock (_gate)
        {
            if (!_entries.ContainsKey(key) && _entries.Count >= _options.MaxEntries)
            {
                MakeRoom(now);
            }

            _entries[key] = entry;
        }
    }

    /// <summary>Drops what has expired and, if still full, the soonest-expiring tenth, so a flood of tokens costs one sweep per many adds.</summary>
    private void MakeRoom(DateTimeOffset now)
    {
        var all = _entries.ToArray();
        var live = new List<KeyValuePair<string, Entry>>(all.Length);
        foreach (var pair in all)
        {
            if (pair.Value.NotAfter <= now)
            {
                _entries.TryRemove(pair.Key, out _);
            }
            else
            {
                live.Add(pair);
            }
        }

        if (live.Count < _options.MaxEntries)
        {
            return;
        }

        var drop = live.Count - _options.MaxEntries + Math.Max(1, _options.MaxEntries / 10);
        foreach (var pair in live.OrderBy(p => p.Value.NotAfter).Take(drop))
        {
            _entries.TryRemove(pair.Key, out _);
        }
    }

    // A token may say exp = year 9999; adding the skew to it must not throw.
    private static DateTimeOffset Plus(DateTimeOffset at, TimeSpan span) =>
        at > DateTimeOffset.MaxValue - span ? DateTimeOffset.MaxValue : at + span;

    private sealed record Entry(TrustedIssuer Issuer, SecurityKey SigningKey, DateTimeOffset NotAfter);
}
