namespace Mandate.Client;

/// <summary>How a token request names its tool: <c>resource</c> (RFC 8707) for an absolute URI, <c>audience</c> (RFC 8693) for a name.</summary>
internal static class ToolParameter
{
    public static KeyValuePair<string, string> For(string tool)
    {
        ArgumentException.ThrowIfNullOrEmpty(tool);
        if (!Uri.IsWellFormedUriString(tool, UriKind.Absolute))
        {
            return new("audience", tool);
        }

        // RFC 8707 §2: the resource URI MUST NOT include a fragment component.
        if (tool.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException($"tool '{tool}' is a resource URI with a fragment, which RFC 8707 §2 forbids; name the resource without '#…'", nameof(tool));
        }

        return new("resource", tool);
    }
}
