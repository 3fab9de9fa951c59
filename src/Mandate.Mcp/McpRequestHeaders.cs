namespace Mandate.Mcp;

/// <summary>
/// The request metadata headers as received (raw values; null when absent). <see cref="Malformed"/> names a header
/// sent more than once, which the caller detects from its header collection.
/// </summary>
public sealed record McpRequestHeaders(string? ProtocolVersion, string? Method, string? Name)
{
    /// <summary>A header that arrived more than once (always refused), or null.</summary>
    public string? Malformed { get; init; }
}
