using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Attestation;

/// <summary>
/// JWKS fetched over HTTP(S) and cached. An unknown <c>kid</c> triggers a refresh at most once per
/// <see cref="MinRefreshInterval"/>, so a flood of forged kids cannot hammer the issuer.
/// </summary>
public sealed class UrlJwksSource : IJwksSource, IDisposable
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(30);

    private readonly Uri _url;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _fetchLock = new(1, 1);
    private IReadOnlyList<SecurityKey> _keys = [];
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;

    public UrlJwksSource(Uri url, HttpClient http, TimeProvider time)
    {
        _url = url;
        _http = http;
        _time = time;
    }

    /// <summary>How many times the URL was fetched; lets operators and tests see the refresh bound hold.</summary>
    public int FetchCount { get; private set; }

    public async ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var stale = now - _fetchedAt >= CacheLifetime;
        var unknownKid = kid is not null && !_keys.Any(k => k.KeyId == kid);
        if (stale || (unknownKid && now - _fetchedAt >= MinRefreshInterval))
        {
            await _fetchLock.WaitAsync(cancellationToken);
            try
            {
                if (_fetchedAt <= now - MinRefreshInterval || now - _fetchedAt >= CacheLifetime)
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

    private async Task FetchAsync(CancellationToken cancellationToken)
    {
        FetchCount++;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var json = await _http.GetStringAsync(_url, timeout.Token);
            _keys = JwksParser.Parse(json, _url.ToString());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidDataException)
        {
            // Keep the last good keys: an issuer outage must not turn into accepting nothing forever, nor into a crash.
        }
        finally
        {
            // Stamped once the fetch is over: callers that arrived during it wait on the lock and then see its keys,
            // instead of skipping the fetch and getting the keys from before it (none, on a cold start).
            _fetchedAt = _time.GetUtcNow();
        }
    }

    public void Dispose() => _fetchLock.Dispose();
}
