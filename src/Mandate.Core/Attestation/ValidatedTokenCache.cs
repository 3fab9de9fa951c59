using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Mandate.Core.Protocol;
using Mandate.Core.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Attestation;

/// <summary>
/// Identity tokens whose signature already verified, so an agent run presenting the same JWT-SVID and user token
/// on every exchange pays for each signature once, and, once the token is attested, for its parsing and mapping
/// once. An entry is keyed by the SHA-256 of the token's exact text and the kind of identity it was validated as,
/// and is served only for the very <see cref="TrustedIssuer"/> (issuer, required audience, profile) it was
/// validated for, so a token accepted for one purpose is never served for another; the token itself is never
/// kept. Only successes are added. An entry is served until the token's <c>exp</c> plus the issuer's clock skew
/// (the validator's own boundary) or <see cref="IdentityCacheOptions.MaxAge"/>, whichever is sooner; at the count cap the soonest to
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

    /// <summary>The key of a token, by the hash of its text (<see cref="Hash"/>), validated as <paramref name="kind"/>.</summary>
    internal static string Key(string tokenHash, IssuerKind kind) => $"{kind}\n{tokenHash}";

    /// <summary>The hash a token is remembered by; never its text.</summary>
    internal static string Hash(string token) => TextHash.Sha256Hex(token);

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

    /// <summary>The identity attested from the token under <paramref name="key"/>, with what must be judged again before it is served.</summary>
    internal Remembered? FindAttested(string key) =>
        Enabled && _entries.TryGetValue(key, out var entry) && entry.Attested is { } attested && _time.GetUtcNow() < entry.NotAfter
            ? new Remembered(entry.Issuer, entry.SigningKey, attested)
            : null;

    /// <summary>Adds the identity attested from a remembered token, when it is still remembered for this very issuer.</summary>
    internal void Attach(string key, TrustedIssuer issuer, Attested attested)
    {
        if (Enabled && _entries.TryGetValue(key, out var entry) && ReferenceEquals(entry.Issuer, issuer) && entry.Attested is null)
        {
            _entries.TryUpdate(key, entry with { Attested = attested }, entry);
        }
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

    private sealed record Entry(TrustedIssuer Issuer, SecurityKey SigningKey, DateTimeOffset NotAfter)
    {
        public Attested? Attested { get; init; }
    }

    /// <summary>What a token was attested as (a <see cref="WorkloadIdentity"/> or <see cref="UserIdentity"/>), and its kid and lifetime.</summary>
    internal sealed record Attested(object Identity, string? Kid, DateTime NotBefore, DateTime Expires);

    internal sealed record Remembered(TrustedIssuer Issuer, SecurityKey SigningKey, Attested Attested);
}
