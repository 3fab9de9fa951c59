using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Mandate.ResourceServer;

/// <summary>One document fetched from the broker (its JWKS, its SPIFFE bundle), with what a credential may look for in it.</summary>
internal interface IBrokerDocument
{
    /// <summary>When it was fetched.</summary>
    DateTimeOffset FetchedAt { get; }

    /// <summary>How many keys it holds, for the log.</summary>
    int Count { get; }

    /// <summary>True when the key a credential names (a kid, a CA's key identifier) is not in it, so a refetch may find it.</summary>
    bool Lacks(string wanted);
}

/// <summary>
/// A broker document for one scheme: fetched on first use, refetched after <see cref="MandateTokenOptions.KeyCacheDuration"/>
/// or when a credential names a key it lacks, never more often than <see cref="MandateTokenOptions.KeyRefreshInterval"/>. When a
/// fetch fails the last good document stays in use, so a broker restart does not take every tool down with it; with none
/// yet, it fails closed (<see cref="BrokerUnavailableException"/>).
/// </summary>
internal sealed class BrokerDocumentCache<TDocument> : IDisposable
    where TDocument : class, IBrokerDocument
{
    private readonly HttpClient _http;
    private readonly MandateTokenOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<BrokerEndpoints, Uri?> _locate;
    private readonly Func<JsonElement, DateTimeOffset, TDocument> _parse;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile TDocument? _current;
    private BrokerEndpoints? _endpoints;
    private DateTimeOffset? _lastAttempt;

    /// <param name="http">The backchannel to the broker.</param>
    /// <param name="options">The scheme's options: where the broker is, how long a document is kept, how often it may be refetched.</param>
    /// <param name="time">The clock of cache ages.</param>
    /// <param name="logger">Hears of fetches and failed refreshes.</param>
    /// <param name="locate">Where the document is among the broker's endpoints.</param>
    /// <param name="parse">Reads it; throws <see cref="ArgumentException"/> when it is not the document expected.</param>
    public BrokerDocumentCache(HttpClient http, MandateTokenOptions options, TimeProvider time, ILogger logger, Func<BrokerEndpoints, Uri?> locate, Func<JsonElement, DateTimeOffset, TDocument> parse)
    {
        _http = http;
        _options = options;
        _time = time;
        _logger = logger;
        _locate = locate;
        _parse = parse;
    }

    /// <summary>How many times the document was fetched (successfully or not); for tests and diagnostics.</summary>
    public int FetchCount { get; private set; }

    public async Task<BrokerEndpoints> EndpointsAsync(CancellationToken ct)
    {
        if (_endpoints is { } known)
        {
            return known;
        }

        await GetAsync(wanted: null, ct);
        return _endpoints ?? throw new BrokerUnavailableException("the broker's endpoints are not known yet");
    }

    /// <summary>The document; refreshed first when stale or when <paramref name="wanted"/> is not in it (throttled).</summary>
    public async Task<TDocument> GetAsync(string? wanted, CancellationToken ct)
    {
        var snapshot = _current;
        if (snapshot is not null && !NeedsRefresh(snapshot, wanted))
        {
            return snapshot;
        }

        await _lock.WaitAsync(ct);
        try
        {
            snapshot = _current;
            if (snapshot is not null && !NeedsRefresh(snapshot, wanted))
            {
                return snapshot;
            }

            var now = _time.GetUtcNow();
            if (_lastAttempt is { } last && now - last < _options.KeyRefreshInterval)
            {
                // Throttled: answer with what we have (a missing key stays missing until the interval passes).
                return snapshot ?? throw new BrokerUnavailableException("the broker's keys could not be fetched; retrying shortly");
            }

            _lastAttempt = now;
            FetchCount++;
            try
            {
                _endpoints ??= await BrokerEndpoints.ResolveAsync(_http, _options, ct);
                var uri = _locate(_endpoints) ?? throw new BrokerUnavailableException("the broker names no endpoint for this document");
                using var json = await BrokerEndpoints.GetJsonAsync(_http, uri, ct);
                _current = _parse(json.RootElement, now);
                MandateTokenLog.KeysFetched(_logger, _current.Count, uri);
                return _current;
            }
            catch (Exception e) when (e is BrokerUnavailableException or ArgumentException)
            {
                MandateTokenLog.KeyRefreshFailed(_logger, e.Message);
                return snapshot ?? throw (e as BrokerUnavailableException ?? new BrokerUnavailableException("the broker's key document is not valid", e));
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();

    private bool NeedsRefresh(TDocument snapshot, string? wanted)
    {
        var now = _time.GetUtcNow();
        if (_lastAttempt is { } last && now - last < _options.KeyRefreshInterval)
        {
            return false;
        }

        return now - snapshot.FetchedAt >= _options.KeyCacheDuration || (wanted is not null && snapshot.Lacks(wanted));
    }
}
