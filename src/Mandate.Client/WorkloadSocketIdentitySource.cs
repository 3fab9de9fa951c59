using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mandate.Client;

/// <summary>
/// This process's workload identity from Mandate's own workload endpoint (<c>spiffe.enabled: true</c>):
/// <c>POST /v1/svid/jwt</c> over the Unix socket, where the broker attests the caller from kernel peer
/// credentials. The JWT-SVID is cached until <see cref="RefreshMargin"/> before it expires.
/// </summary>
public sealed class WorkloadSocketIdentitySource : IWorkloadIdentitySource, IDisposable
{
    /// <summary>A cached JWT-SVID is replaced this long before it expires.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(30);

    /// <summary>How long one request to the workload endpoint may take unless the constructor says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly string _socketPath;
    private readonly string _audience;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _lock = new(1, 1);
    // A reference, swapped whole: readers outside the lock never see one SVID's token with another's expiry.
    private volatile CachedSvid? _cached;

    /// <param name="socketPath">The broker's <c>spiffe.workload_socket</c>, e.g. <c>.mandate/workload.sock</c>.</param>
    /// <param name="audience">Who the JWT-SVID is for: the broker's <c>issuer</c> when it is the actor token.</param>
    /// <param name="time">Clock for the cache; default the system clock.</param>
    public WorkloadSocketIdentitySource(string socketPath, string audience, TimeProvider? time = null)
        : this(socketPath, audience, time, DefaultTimeout)
    {
    }

    /// <param name="socketPath">The broker's <c>spiffe.workload_socket</c>.</param>
    /// <param name="audience">Who the JWT-SVID is for.</param>
    /// <param name="time">Clock for the cache; default the system clock.</param>
    /// <param name="timeout">How long one request to the endpoint may take (default 30 s); past it the call fails naming the socket.</param>
    public WorkloadSocketIdentitySource(string socketPath, string audience, TimeProvider? time, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        ArgumentException.ThrowIfNullOrEmpty(audience);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _socketPath = socketPath;
        _audience = audience;
        _time = time ?? TimeProvider.System;
        _http = UnixSocketHttpClient.Create(socketPath);
        _http.Timeout = timeout;
    }

    /// <summary>The SPIFFE ID of the last JWT-SVID obtained; null before the first.</summary>
    public string? SpiffeId { get; private set; }

    /// <summary>The cached JWT-SVID, or a fresh one from the workload endpoint.</summary>
    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } fresh && IsFresh(fresh.ExpiresAt))
        {
            return fresh.Token;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } again && IsFresh(again.ExpiresAt))
            {
                return again.Token;
            }

            var obtained = await FetchAsync(cancellationToken);
            _cached = obtained;
            return obtained.Token;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Closes the connection to the socket.</summary>
    public void Dispose()
    {
        _http.Dispose();
        _lock.Dispose();
    }

    private bool IsFresh(DateTimeOffset expiresAt) => _time.GetUtcNow() < expiresAt - RefreshMargin;

    private async Task<CachedSvid> FetchAsync(CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsJsonAsync("v1/svid/jwt", new Dictionary<string, string> { ["audience"] = _audience }, cancellationToken);
        }
        catch (HttpRequestException e) when (!File.Exists(_socketPath))
        {
            throw new WorkloadIdentityException($"there is no Mandate workload endpoint at {_socketPath}: start the broker with `spiffe: {{ enabled: true }}` and pass its spiffe.workload_socket path", 0, e);
        }
        catch (HttpRequestException e)
        {
            throw new WorkloadIdentityException($"cannot reach the Mandate workload endpoint at {_socketPath} ({e.Message}); check that the broker runs and this user may open the socket", 0, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The client's timeout, not the caller's cancellation: a hung endpoint is named, not a bare cancellation.
            throw new WorkloadIdentityException($"the Mandate workload endpoint at {_socketPath} did not answer within {_http.Timeout.TotalSeconds:0.###} s; check that the broker behind the socket is healthy", 0, e);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.Forbidden)
            {
                // The broker attested this process but no registration entry matches it.
                throw new WorkloadIdentityException(
                    $"Mandate has no registration entry for this process ({Detail(body) ?? "no SVID"}); an operator must create one with `mandate entries create --spiffe-id <id> --selector unix:uid:<uid> --selector unix:path:<executable>`",
                    403);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new WorkloadIdentityException($"the Mandate workload endpoint answered HTTP {(int)response.StatusCode}: {Detail(body) ?? "no detail"}", (int)response.StatusCode);
            }

            return Svid(body, (int)response.StatusCode);
        }
    }

    private CachedSvid Svid(string body, int status)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("spiffe_id", out var spiffeId) && spiffeId.ValueKind == JsonValueKind.String
                && root.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String && token.GetString() is { Length: > 0 } svid
                && root.TryGetProperty("expires_at", out var expiresAt) && expiresAt.ValueKind == JsonValueKind.String && expiresAt.TryGetDateTimeOffset(out var expiry))
            {
                SpiffeId = spiffeId.GetString();
                return new CachedSvid(svid, expiry);
            }
        }
        catch (JsonException e)
        {
            throw NotAnSvid(status, e);
        }

        throw NotAnSvid(status, null);
    }

    private static WorkloadIdentityException NotAnSvid(int status, Exception? cause) =>
        new("the Mandate workload endpoint's answer is not a JWT-SVID response ({spiffe_id, token, expires_at})", status, cause);

    private static string? Detail(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String
                ? detail.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record CachedSvid(string Token, DateTimeOffset ExpiresAt);
}
