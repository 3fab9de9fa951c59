using System.Text.Json;

namespace Mandate.ResourceServer;

/// <summary>The broker's JWKS, introspection and SPIFFE bundle endpoints: configured, or discovered from its RFC 8414 metadata.</summary>
internal sealed record BrokerEndpoints(Uri JwksUri, Uri? IntrospectionEndpoint)
{
    /// <summary>Mandate's SPIFFE trust bundle (metadata <c>spiffe_bundle_endpoint</c>), needed only to accept tool credential certificates.</summary>
    public Uri? SpiffeBundleUri { get; init; }

    /// <summary>Metadata documents are small; a huge one is a misconfigured or hostile endpoint.</summary>
    private const int MaxDocumentBytes = 256 * 1024;

    public static async Task<BrokerEndpoints> ResolveAsync(HttpClient http, MandateTokenOptions options, CancellationToken ct)
    {
        var needIntrospection = options.Introspection.Mode != IntrospectionMode.Never;
        var needBundle = options.AcceptToolCertificates;
        if (options.JwksUri is { } configured && (!needIntrospection || options.Introspection.Endpoint is not null) && (!needBundle || options.SpiffeBundleUri is not null))
        {
            return new BrokerEndpoints(configured, options.Introspection.Endpoint) { SpiffeBundleUri = options.SpiffeBundleUri };
        }

        var metadataUri = MetadataUri(options);
        using var json = await GetJsonAsync(http, metadataUri, ct);
        var root = json.RootElement;
        string? S(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        // RFC 8414 §3.3: the metadata's issuer must be identical to the issuer we expect, or it is not our broker.
        if (!string.Equals(S("issuer"), options.Issuer, StringComparison.Ordinal))
        {
            throw new BrokerUnavailableException($"the metadata at {metadataUri} names issuer '{S("issuer")}', not '{options.Issuer}'; set Issuer to the broker's 'issuer' setting");
        }

        var jwks = options.JwksUri ?? Rebase(S("jwks_uri"), options) ?? throw new BrokerUnavailableException($"the metadata at {metadataUri} has no jwks_uri");
        var introspection = options.Introspection.Endpoint ?? Rebase(S("introspection_endpoint"), options);
        if (needIntrospection && introspection is null)
        {
            throw new BrokerUnavailableException($"the metadata at {metadataUri} has no introspection_endpoint; set Introspection.Endpoint");
        }

        var bundle = options.SpiffeBundleUri ?? Rebase(S("spiffe_bundle_endpoint"), options);
        if (needBundle && bundle is null)
        {
            throw new BrokerUnavailableException($"the metadata at {metadataUri} has no spiffe_bundle_endpoint (the broker's spiffe.enabled is off?); set SpiffeBundleUri");
        }

        return new BrokerEndpoints(jwks, introspection) { SpiffeBundleUri = bundle };
    }

    public static async Task<JsonDocument> GetJsonAsync(HttpClient http, Uri uri, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new BrokerUnavailableException($"GET {uri} answered HTTP {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentLength > MaxDocumentBytes)
            {
                throw new BrokerUnavailableException($"GET {uri} returned more than {MaxDocumentBytes} bytes");
            }

            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new MemoryStream();
            await body.CopyToAsync(buffer, ct);
            if (buffer.Length > MaxDocumentBytes)
            {
                throw new BrokerUnavailableException($"GET {uri} returned more than {MaxDocumentBytes} bytes");
            }

            return JsonDocument.Parse(buffer.ToArray());
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new BrokerUnavailableException($"GET {uri} failed: {e.GetType().Name}", e);
        }
    }

    /// <summary>RFC 8414 §3: the well-known segment goes between the host and the issuer's path.</summary>
    private static Uri MetadataUri(MandateTokenOptions options)
    {
        var broker = options.BrokerAddress ?? new Uri(options.Issuer);
        return new Uri(broker.GetLeftPart(UriPartial.Authority) + MandateTokenDefaults.MetadataPath + broker.AbsolutePath.TrimEnd('/'));
    }

    private static Uri? Rebase(string? endpoint, MandateTokenOptions options)
    {
        if (endpoint is null || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var issuer = options.Issuer.TrimEnd('/');
        if (options.BrokerAddress is { } broker && endpoint.StartsWith(issuer + "/", StringComparison.Ordinal))
        {
            return new Uri(broker.ToString().TrimEnd('/') + endpoint[issuer.Length..]);
        }

        return uri;
    }
}
