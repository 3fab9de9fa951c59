namespace Mandate.Mcp;

/// <summary>
/// streamable HTTP §Server Validation: the request metadata headers must agree with the body. For 2026-07-28
/// <c>MCP-Protocol-Version</c>, <c>Mcp-Method</c> and, for tools/call,
/// resources/read and prompts/get, <c>Mcp-Name</c> are required. For older versions, or no version header, the body
/// is the source of truth: the headers are optional, but a header that is present must still agree. A version that
/// is not one of <see cref="McpProtocolVersions.Supported"/> is refused first (MCP -32022).
/// </summary>
public static class McpHeaderValidator
{
    /// <summary>The protocol version that governs this message: the header, else the body's <c>_meta</c>, else 2025-03-26.</summary>
    public static string EffectiveVersion(McpRequestHeaders headers, McpMessage message) =>
        headers.ProtocolVersion ?? message.BodyProtocolVersion ?? McpProtocolVersions.AssumedWithoutHeader;

    /// <summary>
    /// Returns null when the headers agree with <paramref name="message"/>, else the UnsupportedProtocolVersion or
    /// HeaderMismatch error (HTTP 400).
    /// </summary>
    public static McpWireError? Validate(McpRequestHeaders headers, McpMessage message)
    {
        var id = message.IdJson;
        if (headers.Malformed is { } repeated)
        {
            return McpWireError.HeaderMismatch($"{repeated} was sent more than once", id);
        }

        var versionError = ValidateVersion(headers, message.BodyProtocolVersion);
        if (versionError is not null)
        {
            return versionError with { IdJson = id };
        }

        var strict = McpProtocolVersions.RequiresHeaderValidation(EffectiveVersion(headers, message));
        return ValidateMethod(headers, message, strict) ?? ValidateName(headers, message, strict);
    }

    /// <summary>
    /// For a request without a JSON-RPC body (a <c>DELETE</c> ending a session): null when the headers are sent at most
    /// once each and <c>MCP-Protocol-Version</c> is absent or supported, else the HeaderMismatch or
    /// UnsupportedProtocolVersion error (HTTP 400), exactly as for a POST.
    /// </summary>
    public static McpWireError? ValidateWithoutBody(McpRequestHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return headers.Malformed is { } repeated
            ? McpWireError.HeaderMismatch($"{repeated} was sent more than once")
            : ValidateVersion(headers, bodyVersion: null);
    }

    private static McpWireError? ValidateVersion(McpRequestHeaders headers, string? bodyVersion)
    {
        if (headers.ProtocolVersion is { } header)
        {
            if (header.Length == 0 || !McpHeaderValue.TryDecode(header, allowSentinel: false, out _))
            {
                return McpWireError.HeaderMismatch($"{McpHeaderNames.ProtocolVersion} contains invalid characters");
            }

            // streamable HTTP §Protocol Version Header: an unsupported version MUST be a 400, before any other header check.
            if (!McpProtocolVersions.IsSupported(header))
            {
                return McpWireError.UnsupportedVersion(header);
            }

            if (bodyVersion is { } body && !string.Equals(body, header, StringComparison.Ordinal))
            {
                return McpWireError.HeaderMismatch($"{McpHeaderNames.ProtocolVersion} does not match the body's _meta protocolVersion");
            }

            return null;
        }

        if (bodyVersion is not { } declared)
        {
            return null;
        }

        if (!McpProtocolVersions.IsSupported(declared))
        {
            return McpWireError.UnsupportedVersion(declared);
        }

        // A body that declares a revision requiring the headers cannot omit the version header.
        return McpProtocolVersions.RequiresHeaderValidation(declared)
            ? McpWireError.HeaderMismatch($"{McpHeaderNames.ProtocolVersion} is required")
            : null;
    }

    private static McpWireError? ValidateMethod(McpRequestHeaders headers, McpMessage message, bool strict)
    {
        var id = message.IdJson;
        if (headers.Method is null)
        {
            // 2026-07-28 defines no header requirements for notification POSTs.
            return strict && message.Kind == McpMessageKind.Request
                ? McpWireError.HeaderMismatch($"{McpHeaderNames.Method} is required", id)
                : null;
        }

        if (!McpHeaderValue.TryDecode(headers.Method, allowSentinel: false, out var method))
        {
            return McpWireError.HeaderMismatch($"{McpHeaderNames.Method} contains invalid characters", id);
        }

        return string.Equals(method, message.Method, StringComparison.Ordinal)
            ? null
            : McpWireError.HeaderMismatch($"{McpHeaderNames.Method} does not match the body's method", id);
    }

    private static McpWireError? ValidateName(McpRequestHeaders headers, McpMessage message, bool strict)
    {
        var id = message.IdJson;
        if (headers.Name is null)
        {
            return strict && message.Kind == McpMessageKind.Request && McpMethods.RequiresNameHeader(message.Method!)
                ? McpWireError.HeaderMismatch($"{McpHeaderNames.Name} is required for {message.Method}", id)
                : null;
        }

        if (!McpHeaderValue.TryDecode(headers.Name, allowSentinel: true, out var name))
        {
            return McpWireError.HeaderMismatch($"{McpHeaderNames.Name} contains invalid characters or a malformed base64 value", id);
        }

        // Values are case-sensitive (streamable HTTP §Case Sensitivity); the body value is never echoed.
        return string.Equals(name, message.Name, StringComparison.Ordinal)
            ? null
            : McpWireError.HeaderMismatch($"{McpHeaderNames.Name} does not match the body's params.name or params.uri", id);
    }
}
