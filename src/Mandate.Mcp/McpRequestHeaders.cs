namespace Mandate.Mcp;

/// <summary>
/// The request metadata headers as received (raw values; null when absent). <see cref="Malformed"/> names a header
/// sent more than once, which is always refused.
/// </summary>
public sealed record McpRequestHeaders(string? ProtocolVersion, string? Method, string? Name)
{
    /// <summary>A header that arrived more than once (always refused), or null.</summary>
    public string? Malformed { get; init; }

    /// <summary>
    /// Reads the headers from a request's header collection (<paramref name="valuesOf"/> gives every value of a
    /// header name, none when absent); a header sent more than once is marked, never joined.
    /// </summary>
    public static McpRequestHeaders Read(Func<string, IReadOnlyList<string?>> valuesOf)
    {
        ArgumentNullException.ThrowIfNull(valuesOf);
        string? malformed = null;
        string? Single(string name)
        {
            var values = valuesOf(name);
            if (values.Count > 1)
            {
                malformed ??= name;
            }

            return values.Count == 1 ? values[0] : null;
        }

        var headers = new McpRequestHeaders(Single(McpHeaderNames.ProtocolVersion), Single(McpHeaderNames.Method), Single(McpHeaderNames.Name));
        return headers with { Malformed = malformed };
    }
}
