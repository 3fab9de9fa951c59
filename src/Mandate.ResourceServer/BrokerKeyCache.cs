using Mandate.SenderConstraint.Jose;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.ResourceServer;

/// <summary>
/// The broker's public keys for one scheme: fetched on first use, refetched after <see cref="MandateTokenOptions.KeyCacheDuration"/>
/// or on an unknown kid, never more often than <see cref="MandateTokenOptions.KeyRefreshInterval"/>. When a fetch fails the
/// last good keys stay in use, so a broker restart does not take every tool down with it.
/// </summary>
internal sealed class BrokerKeyCache : IDisposable
{
    private readonly HttpClient _http;
    private readonly MandateTokenOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile KeySnapshot? _current;
    private BrokerEndpoints? _endpoints;
    private DateTimeOffset? _lastAttempt;

    public BrokerKeyCache(HttpClient http, MandateTokenOptions options, TimeProvider time, ILogger logger)
    {
        _http = http;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>How many times the JWKS was fetched (successfully or not); for tests and diagnostics.</summary>
    public int FetchCount { get; private set; }

    public async Task<BrokerEndpoints> EndpointsAsync(CancellationToken ct)
    {
        if (_endpoints is { } known)
        {
            return known;
        }

        await GetAsync(kidWanted: null, ct);
        return _endpoints ?? throw new BrokerUnavailableException("the broker's endpoints are not known yet");
    }

    /// <summary>The keys; refreshed first when stale or when <paramref name="kidWanted"/> is not among them (throttled).</summary>
    public async Task<KeySnapshot> GetAsync(string? kidWanted, CancellationToken ct)
    {
        var snapshot = _current;
        if (snapshot is not null && !NeedsRefresh(snapshot, kidWanted))
        {
            return snapshot;
        }

        await _lock.WaitAsync(ct);
        try
        {
            snapshot = _current;
            if (snapshot is not null && !NeedsRefresh(snapshot, kidWanted))
            {
                return snapshot;
            }

            var now = _time.GetUtcNow();
            if (_lastAttempt is { } last && now - last < _options.KeyRefreshInterval)
            {
                // Throttled: answer with what we have (an unknown kid stays unknown until the interval passes).
                return snapshot ?? throw new BrokerUnavailableException("the broker's keys could not be fetched; retrying shortly");
            }

            _lastAttempt = now;
            FetchCount++;
            try
            {
                _endpoints ??= await BrokerEndpoints.ResolveAsync(_http, _options, ct);
                using var json = await BrokerEndpoints.GetJsonAsync(_http, _endpoints.JwksUri, ct);
                var set = new JsonWebKeySet(json.RootElement.GetRawText());
                // Keys with a kid only: the broker names the key of every credential it signs.
                var keys = set.Keys.Where(k => !string.IsNullOrEmpty(k.KeyId) && VerificationKeyRule.Allows(k)).ToList();
                _current = new KeySnapshot(keys, now);
                MandateTokenLog.KeysFetched(_logger, keys.Count, _endpoints.JwksUri);
                return _current;
            }
            catch (Exception e) when (e is BrokerUnavailableException or ArgumentException)
            {
                MandateTokenLog.KeyRefreshFailed(_logger, e.Message);
                return snapshot ?? throw (e as BrokerUnavailableException ?? new BrokerUnavailableException("the broker's JWKS is not a valid JWK set", e));
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();

    private bool NeedsRefresh(KeySnapshot snapshot, string? kidWanted)
    {
        var now = _time.GetUtcNow();
        if (_lastAttempt is { } last && now - last < _options.KeyRefreshInterval)
        {
            return false;
        }

        return now - snapshot.FetchedAt >= _options.KeyCacheDuration || (kidWanted is not null && snapshot.Find(kidWanted) is null);
    }

    /// <summary>One fetched JWKS.</summary>
    public sealed record KeySnapshot(IReadOnlyList<JsonWebKey> Keys, DateTimeOffset FetchedAt)
    {
        public JsonWebKey? Find(string kid) => Keys.FirstOrDefault(k => string.Equals(k.KeyId, kid, StringComparison.Ordinal));
    }
}
