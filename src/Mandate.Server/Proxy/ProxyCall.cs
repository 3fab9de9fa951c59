using Mandate.Core.Introspection;

namespace Mandate.Server.Proxy;

/// <summary>What is known about one proxied call as it proceeds; becomes its audit record.</summary>
internal sealed class ProxyCall
{
    public required string Method { get; init; }
    public required DateTimeOffset Started { get; init; }
    public ProxyTarget? Target { get; set; }
    public string? Tool { get; set; }
    public IssuedToken? Credential { get; set; }
    public string? Rule { get; set; }

    /// <summary><c>credential</c> (a Mandate credential presented) or <c>run_token</c> (the proxy exchanged a run token).</summary>
    public string Mode { get; set; } = "credential";

    public int? SecretVersion { get; set; }
    public string? Upstream { get; set; }
    public int Status { get; set; }
    public long RequestBytes { get; set; }
    public long ResponseBytes { get; set; }
    public ProxyRefusal? Refusal { get; set; }

    /// <summary>Set when the upstream answered and the response was relayed (even a 4xx/5xx from the tool).</summary>
    public bool Forwarded { get; set; }

    /// <summary>The relay broke after the response started; the connection is aborted once the call is audited.</summary>
    public bool CutOff { get; set; }

    /// <summary>The JSON-RPC method of a call through the MCP gateway (audited with the proxy_call record).</summary>
    public string? McpMethod { get; set; }

    /// <summary>Set for a <c>tools/call</c> through the MCP gateway: audited as one <c>mcp_call</c> record instead of <c>proxy_call</c>.</summary>
    public Mcp.McpCallRecord? McpCall { get; set; }
}
