using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Mandate.ResourceServer;

/// <summary>
/// RFC 7662 introspection at the broker, authenticated as the tool's workload. An inactive answer is
/// remembered until the credential expires (it can never become active again); an active one for
/// <see cref="MandateIntrospectionOptions.ActiveCacheDuration"/> only. Keyed by the signed <c>jti</c>.
/// </summary>
internal sealed class IntrospectionCache
{
    /// <summary>Bounds memory under a flood of distinct credentials; beyond it, expired entries are swept first.</summary>
    private const int MaxEntries = 100_000;

    private readonly HttpClient _http;
    private readonly MandateIntrospectionOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _inactiveUntil = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _activeUntil = new(StringComparer.Ordinal);
    private int _calls;

    public IntrospectionCache(HttpClient http, MandateIntrospectionOptions options, TimeProvider time)
    {
        _http = http;
        _options = options;
        _time = time;
    }

    /// <summary>How many introspection calls reached the broker; for tests and diagnostics.</summary>
    public int CallCount => Volatile.Read(ref _calls);

    /// <summary>True when the broker says the credential is active; throws <see cref="BrokerUnavailableException"/> when it cannot say.</summary>
    public async Task<bool> IsActiveAsync(Uri endpoint, string token, string jti, string audience, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (_inactiveUntil.TryGetValue(jti, out var inactive) && now < inactive)
        {
            return false;
        }

        if (_activeUntil.TryGetValue(jti, out var active) && now < active)
        {
            return true;
        }

        Interlocked.Increment(ref _calls);
        var isActive = await AskAsync(endpoint, token, jti, audience, ct);
        Sweep(now);
        if (!isActive)
        {
            _activeUntil.TryRemove(jti, out _);
            _inactiveUntil[jti] = expiresAt;
        }
        else if (_options.ActiveCacheDuration > TimeSpan.Zero)
        {
            // RFC 7662 §4: an answer with exp MUST NOT be cached beyond it; the broker's exp is the credential's.
            var until = now + _options.ActiveCacheDuration;
            _activeUntil[jti] = until < expiresAt ? until : expiresAt;
        }

        return isActive;
    }

    private async Task<bool> AskAsync(Uri endpoint, string token, string jti, string audience, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        string workloadToken;
        try
        {
            workloadToken = await _options.WorkloadToken!(timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The tool's own identity source failed (file missing, no registration entry): refuse, never accept unconfirmed.
            // The source's message is meant for the operator (it names the path or the missing entry), never a token.
            throw new BrokerUnavailableException($"this tool's workload identity could not be obtained: {e.Message}", e) { IdentityRefused = true };
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent([new("token", token), new("token_type_hint", "access_token")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", workloadToken);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                // RFC 7662 §2.3: 401 (invalid_client) is about the tool's own workload identity, never the caller's credential:
                // expired, signed by an issuer the broker does not trust, or not addressed to the broker.
                var reason = await BrokerReasonAsync(response, timeout.Token);
                throw new BrokerUnavailableException(
                    $"the broker refused this tool's identity: HTTP {(int)response.StatusCode} {reason}; give the tool a fresh workload identity "
                    + "(a JWT-SVID for one of this tool's workloads at the broker, addressed to its issuer)") { IdentityRefused = true };
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new BrokerUnavailableException($"introspection answered HTTP {(int)response.StatusCode} {await BrokerReasonAsync(response, timeout.Token)}");
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token));
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("active", out var activeElement)
                || activeElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw new BrokerUnavailableException("introspection answered without a boolean 'active' (RFC 7662 section 2.2)");
            }

            if (!activeElement.GetBoolean())
            {
                return false;
            }

            // An active answer must be about this credential and this tool; anything else is not an answer we can use.
            return Is(root, "jti", jti) && Is(root, "aud", audience);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new BrokerUnavailableException($"introspection failed: {e.GetType().Name}", e);
        }
    }

    /// <summary>The broker's own error and description (RFC 6749 §5.2), shortened and printable, for the tool's log.</summary>
    private static async Task<string> BrokerReasonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var root = json.RootElement;
            string Text(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
                ? new string(v.GetString()!.Take(300).Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray())
                : "";
            var error = Text("error");
            return error.Length == 0 ? "(no OAuth error in the answer)" : $"{error}: {Text("error_description")}";
        }
        catch (JsonException)
        {
            return "(the answer is not JSON)";
        }
    }

    private static bool Is(JsonElement root, string name, string expected) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() == expected;

    private void Sweep(DateTimeOffset now)
    {
        if (_inactiveUntil.Count + _activeUntil.Count < MaxEntries)
        {
            return;
        }

        foreach (var (key, until) in _inactiveUntil)
        {
            if (until <= now)
            {
                _inactiveUntil.TryRemove(key, out _);
            }
        }

        _activeUntil.Clear();
    }
}
