using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Attestation;

/// <summary>
/// JWKS fetched over HTTP(S) and cached for a refresh period (default <see cref="CacheLifetime"/>). An unknown
/// <c>kid</c> triggers a refresh, but no two fetches happen within the minimum interval (default
/// <see cref="MinRefreshInterval"/>), so a flood of forged kids cannot hammer the issuer. A failed fetch keeps
/// the last good keys and is retried after the minimum interval.
/// </summary>
public sealed class UrlJwksSource : IJwksSource, IDisposable
{
    /// <summary>Default for issuers[].jwks_refresh.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Default for issuers[].jwks_min_refresh_interval.</summary>
    public static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(30);

    private readonly Uri _url;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly TimeSpan _refresh;
    private readonly TimeSpan _minInterval;
    private readonly SemaphoreSlim _fetchLock = new(1, 1);
    private IReadOnlyList<SecurityKey> _keys = [];
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;
    private DateTimeOffset _attemptedAt = DateTimeOffset.MinValue;
    private int _fetchCount;

    public UrlJwksSource(Uri url, HttpClient http, TimeProvider time)
        : this(url, http, time, CacheLifetime, MinRefreshInterval)
    {
    }

    /// <summary>A source with its own refresh period and the least time between two fetches (issuers[].jwks_refresh, jwks_min_refresh_interval).</summary>
    public UrlJwksSource(Uri url, HttpClient http, TimeProvider time, TimeSpan refresh, TimeSpan minInterval)
    {
        _url = url;
        _http = http;
        _time = time;
        _refresh = refresh;
        _minInterval = minInterval;
    }

    /// <summary>How many times the URL was fetched; lets operators and tests see the refresh bound hold.</summary>
    public int FetchCount => Volatile.Read(ref _fetchCount);

    public async ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (ShouldFetch(now, kid))
        {
            await _fetchLock.WaitAsync(cancellationToken);
            try
            {
                // Callers that queued behind a fetch see its stamp and take its keys instead of fetching again.
                if (ShouldFetch(now, kid))
                {
                    await FetchAsync(cancellationToken);
                }
            }
            finally
            {
                _fetchLock.Release();
            }
        }

        return _keys;
    }

    private bool ShouldFetch(DateTimeOffset now, string? kid)
    {
        var stale = now - _loadedAt >= _refresh;
        var unknownKid = kid is not null && !_keys.Any(k => k.KeyId == kid);
        return (stale || unknownKid) && now - _attemptedAt >= _minInterval;
    }

    private async Task FetchAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _fetchCount);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var json = await _http.GetStringAsync(_url, timeout.Token);
            _keys = JwksParser.Parse(json, _url.ToString());
            _loadedAt = _time.GetUtcNow();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidDataException)
        {
            // Keep the last good keys: an issuer outage must not turn into accepting nothing, nor into a crash.
        }
        finally
        {
            // Stamped once the fetch is over: callers that arrived during it wait on the lock and then see its keys,
            // instead of skipping the fetch and getting the keys from before it (none, on a cold start).
            _attemptedAt = _time.GetUtcNow();
        }
    }

    public void Dispose() => _fetchLock.Dispose();
}
