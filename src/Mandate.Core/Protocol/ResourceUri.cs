namespace Mandate.Core.Protocol;

/// <summary>RFC 8707 §2: a resource indicator is an absolute URI and MUST NOT include a fragment.</summary>
internal static class ResourceUri
{
    public static bool IsValid(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        // .NET also reads "/path" (Unix) and "//host/path" (UNC) as absolute file URIs; a URI starts with its scheme.
        && value.StartsWith(uri.Scheme + ":", StringComparison.OrdinalIgnoreCase)
        && !value.Contains('#', StringComparison.Ordinal);
}
