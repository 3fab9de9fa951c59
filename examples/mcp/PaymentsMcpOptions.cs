using Microsoft.Extensions.Logging;

namespace Mandate.Examples.Mcp;

/// <summary>How the example MCP server runs: where it listens, which broker it trusts, which resource it is.</summary>
public sealed record PaymentsMcpOptions
{
    /// <summary>Where Kestrel listens, e.g. http://127.0.0.1:5100.</summary>
    public required string Url { get; init; }

    /// <summary>
    /// This MCP server's resource URI: the audience its credentials must carry and the <c>resource</c> agents ask the
    /// broker for (RFC 8707). Default <see cref="Url"/> + <c>/mcp</c>, the MCP endpoint itself.
    /// </summary>
    public required string Resource { get; init; }

    /// <summary>The broker's issuer (its <c>issuer</c> setting), the authorization server the metadata names.</summary>
    public required string Issuer { get; init; }

    /// <summary>Where this server reaches the broker for its JWKS when that differs from <see cref="Issuer"/>.</summary>
    public Uri? BrokerAddress { get; init; }

    /// <summary>
    /// Browser origins (e.g. <c>https://console.acme.example</c>) allowed to call the MCP endpoint besides this server's
    /// own: its <see cref="Resource"/> origin and, when it listens on loopback, the loopback origins of its port. A
    /// request without <c>Origin</c> is always allowed; any other origin is refused with 403 (DNS rebinding). Default none.
    /// </summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>The clock for credential lifetimes (tests pass a manual one).</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Extra logging setup.</summary>
    public Action<ILoggingBuilder>? Logging { get; init; }

    /// <summary>The MCP endpoint's path, from <see cref="Resource"/>.</summary>
    public string McpPath => new Uri(Resource).AbsolutePath.TrimEnd('/') is { Length: > 0 } path ? path : "/";
}
