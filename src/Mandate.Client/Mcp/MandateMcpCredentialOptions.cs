namespace Mandate.Client;

/// <summary>What <see cref="MandateMcpCredentialHandler"/> asks the broker for, per MCP request.</summary>
public sealed class MandateMcpCredentialOptions
{
    /// <summary>
    /// The MCP server's resource URI as registered at the broker: its canonical URL (RFC 8707, MCP "resource
    /// parameter"), e.g. https://payments.acme.example/mcp, or the Mandate gateway URL in front of it. Required.
    /// </summary>
    public required string Resource { get; init; }

    /// <summary>Scopes every request carries (listing tools, discovery): least privilege, e.g. orders:read. At least one.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>
    /// MCP tool name → the extra scopes a <c>tools/call</c> of it needs (e.g. refund → refunds:write). A call of a tool
    /// not listed gets <see cref="Scopes"/> only. Default empty.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ToolScopes { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// MCP "step-up authorization": on a 401/403 whose Bearer (or, for a DPoP-bound credential, DPoP) challenge names <c>scope</c>, exchange once for the
    /// union of what was asked and what was challenged, retry once, and remember it for that tool. Default true.
    /// </summary>
    public bool StepUp { get; init; } = true;
}
