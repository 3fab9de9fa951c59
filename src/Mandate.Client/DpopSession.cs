using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Mandate.Client;

/// <summary>
/// A client's DPoP state: the key, the token endpoint proofs name, the broker's latest nonce, and each resource
/// server's latest nonce by origin. Token requests get a proof each and are retried once on <c>use_dpop_nonce</c>
/// (RFC 9449 §8); resource proofs carry their origin's latest nonce (§9).
/// </summary>
internal sealed class DpopSession
{
    private const string MetadataPath = ".well-known/oauth-authorization-server";

    /// <summary>Origins whose nonce is remembered at most; past it the memory starts over (a nonce is only an optimisation).</summary>
    private const int MaxResourceOrigins = 1024;
    private readonly ConcurrentDictionary<string, string> _resourceNonces = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private Uri? _tokenEndpoint;
    private volatile string? _nonce;

    public DpopSession(DpopKey key, TimeProvider time, Uri? tokenEndpoint)
    {
        Key = key;
        _time = time;
        _tokenEndpoint = tokenEndpoint;
    }

    public DpopKey Key { get; }

    /// <summary>POSTs the token request with a proof; on <c>use_dpop_nonce</c> retries exactly once with the broker's nonce.</summary>
    public async Task<HttpResponseMessage> PostTokenAsync(HttpClient http, IReadOnlyList<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        var htu = await TokenEndpointAsync(http, cancellationToken);
        var response = await SendAsync(http, form, htu, cancellationToken);
        if (response.StatusCode != HttpStatusCode.BadRequest || !await IsUseNonceAsync(response, cancellationToken))
        {
            return response;
        }

        // §8: the server refused because the proof lacked its current nonce; the nonce is now remembered.
        response.Dispose();
        return await SendAsync(http, form, htu, cancellationToken);
    }

    /// <summary>A proof for a resource request presenting <paramref name="accessToken"/> (§7.1: with <c>ath</c>; §9: with the origin's latest nonce).</summary>
    public string ResourceProof(HttpMethod method, Uri url, string accessToken) =>
        DpopProofSigner.Create(Key, method.Method, url, _time.GetUtcNow(), accessToken, _resourceNonces.GetValueOrDefault(Origin(url)));

    /// <summary>
    /// §8.2/§9: a resource server's <c>DPoP-Nonce</c> on any answer replaces the one remembered for its origin.
    /// True when the answer carried a usable nonce.
    /// </summary>
    public bool RememberResourceNonce(Uri url, HttpResponseMessage response)
    {
        if (Nonce(response) is not { } nonce)
        {
            return false;
        }

        var origin = Origin(url);
        if (_resourceNonces.Count >= MaxResourceOrigins && !_resourceNonces.ContainsKey(origin))
        {
            _resourceNonces.Clear();
        }

        _resourceNonces[origin] = nonce;
        return true;
    }

    /// <summary>§8.1: the nonce is one or more NQCHAR (visible ASCII but <c>"</c> and <c>\</c>); anything else is ignored.</summary>
    private static string? Nonce(HttpResponseMessage response) =>
        response.Headers.TryGetValues("DPoP-Nonce", out var values) && values.FirstOrDefault() is { Length: > 0 } nonce
            && nonce.All(c => c is >= '!' and <= '~' and not '"' and not '\\') ? nonce : null;

    /// <summary>Scheme, host and port: a nonce belongs to the server that sent it, whatever path it was sent on.</summary>
    private static string Origin(Uri url) => url.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);

    private async Task<HttpResponseMessage> SendAsync(HttpClient http, IReadOnlyList<KeyValuePair<string, string>> form, Uri htu, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, MandateClient.TokenPath) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("DPoP", DpopProofSigner.Create(Key, "POST", htu, _time.GetUtcNow(), nonce: _nonce));
        var response = await BoundedAnswer.SendAsync(http, request, cancellationToken);
        // §8.2: the latest nonce a server sent is the one to use next.
        if (Nonce(response) is { } nonce)
        {
            _nonce = nonce;
        }

        return response;
    }

    private static async Task<bool> IsUseNonceAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.Headers.Contains("DPoP-Nonce"))
        {
            return false;
        }

        // The body is buffered (BoundedAnswer), so the caller can read it again.
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.String
                && error.GetString() == "use_dpop_nonce";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task<Uri> TokenEndpointAsync(HttpClient http, CancellationToken cancellationToken)
    {
        if (_tokenEndpoint is not null)
        {
            return _tokenEndpoint;
        }

        // The broker checks htu against its advertised token_endpoint (RFC 8414), not the address the
        // client happened to connect to, which differs behind proxies and port mappings.
        using var request = new HttpRequestMessage(HttpMethod.Get, MetadataPath);
        using var response = await BoundedAnswer.SendAsync(http, request, cancellationToken);
        using var json = await MandateClient.ReadAsync(response, cancellationToken);
        if (!json.RootElement.TryGetProperty("token_endpoint", out var endpoint) || endpoint.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(endpoint.GetString(), UriKind.Absolute, out var uri))
        {
            throw new MandateErrorException("invalid_response", "the broker's metadata has no absolute token_endpoint; set MandateClientOptions.TokenEndpoint", (int)response.StatusCode);
        }

        _tokenEndpoint = uri;
        return uri;
    }
}
