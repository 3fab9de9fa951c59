namespace Mandate.Mcp;

/// <summary>Protocol revisions and which of them require the request metadata headers to be validated.</summary>
public static class McpProtocolVersions
{
    /// <summary>The latest revision: request metadata headers required and checked against the body.</summary>
    public const string Latest = "2026-07-28";

    /// <summary>
    /// What a request without <c>MCP-Protocol-Version</c> is treated as (streamable HTTP §Protocol Version Header:
    /// a server supporting clients older than 2025-06-18 MAY assume 2025-03-26).
    /// </summary>
    public const string AssumedWithoutHeader = "2025-03-26";

    private static readonly HashSet<string> Legacy = new(StringComparer.Ordinal)
    {
        "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25",
    };

    /// <summary>Every revision the gateway and the tool scope gate can check, oldest first.</summary>
    public static IReadOnlyList<string> Supported { get; } = [.. Legacy.Order(StringComparer.Ordinal), Latest];

    /// <summary>Whether <paramref name="version"/> is one of <see cref="Supported"/> (compared exactly: values are case-sensitive).</summary>
    public static bool IsSupported(string version) => version == Latest || Legacy.Contains(version);

    /// <summary>
    /// Whether <paramref name="version"/> requires header-body validation. Only the revisions known to predate it are
    /// exempt; an unknown version is treated as requiring it (fail closed: an intermediary must not trust headers the
    /// body did not confirm).
    /// </summary>
    public static bool RequiresHeaderValidation(string version) => !Legacy.Contains(version);
}
