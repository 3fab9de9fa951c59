using System.Text.Json;

namespace Mandate.ResourceServer;

/// <summary>RFC 9728: where the metadata of a resource lives and what it says. Derived from the options only, never from the request.</summary>
internal static class ProtectedResourceMetadata
{
    /// <summary>RFC 9728 §3: the well-known suffix registered for protected resources.</summary>
    public const string WellKnownPath = "/.well-known/oauth-protected-resource";

    /// <summary>
    /// RFC 9728 §3.1: the well-known segment goes between the host and the resource's path
    /// (<c>https://h/mcp</c> → <c>https://h/.well-known/oauth-protected-resource/mcp</c>).
    /// </summary>
    public static Uri MetadataUri(Uri resource) =>
        new(resource.GetLeftPart(UriPartial.Authority) + LocalPath(resource));

    /// <summary>The path this service answers the metadata on.</summary>
    public static string LocalPath(Uri resource) => WellKnownPath + resource.AbsolutePath.TrimEnd('/');

    /// <summary>The resource identifier as a URL, or null when the audience is a plain name (no metadata then).</summary>
    public static Uri? ResourceUri(MandateTokenOptions options) =>
        Uri.TryCreate(options.Audience, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment) ? uri : null;

    /// <summary>The <c>resource_metadata</c> challenge parameter (RFC 9728 §5.1), when the scheme publishes metadata.</summary>
    public static Uri? ChallengeUri(MandateTokenOptions options) =>
        options.ResourceMetadata is not null && ResourceUri(options) is { } resource ? MetadataUri(resource) : null;

    /// <summary>RFC 9728 §2 members that apply to a service accepting Mandate credentials.</summary>
    public static void Write(Utf8JsonWriter writer, MandateTokenOptions options, MandateResourceMetadataOptions metadata)
    {
        writer.WriteStartObject();
        // §3.3: resource is identical to the identifier the well-known URI was derived from.
        writer.WriteString("resource", options.Audience);
        writer.WriteStartArray("authorization_servers");
        writer.WriteStringValue(options.Issuer);
        writer.WriteEndArray();
        if (metadata.ScopesSupported.Count > 0)
        {
            WriteArray(writer, "scopes_supported", metadata.ScopesSupported);
        }

        // RFC 6750 §2.1 only: form bodies and query strings are refused (and MCP forbids tokens in URLs).
        WriteArray(writer, "bearer_methods_supported", ["header"]);
        // RFC 9449 §5.2 / RFC 9728 §2: the handler checks DPoP proofs for DPoP-bound credentials; bearer ones stay accepted.
        WriteArray(writer, "dpop_signing_alg_values_supported", options.DpopAlgorithms);
        writer.WriteBoolean("dpop_bound_access_tokens_required", false);
        if (metadata.ResourceName is { } name)
        {
            writer.WriteString("resource_name", name);
        }

        if (metadata.ResourceDocumentation is { } documentation)
        {
            writer.WriteString("resource_documentation", documentation.ToString());
        }

        writer.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
