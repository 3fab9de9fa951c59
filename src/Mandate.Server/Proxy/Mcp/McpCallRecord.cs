using Mandate.Core.Mcp;

namespace Mandate.Server.Proxy.Mcp;

/// <summary>What the gateway learnt about one <c>tools/call</c>; with its <see cref="ProxyCall"/> it becomes the <c>mcp_call</c> record.</summary>
internal sealed class McpCallRecord
{
    public required string Tool { get; init; }

    /// <summary>The arguments' JSON as received, kept only until the record is written and only recorded when the decision opts in.</summary>
    public required string ArgumentsJson { get; init; }

    public string? ProtocolVersion { get; init; }

    public McpCallDecision? Decision { get; set; }

    /// <summary>The jti of the upstream credential the gateway presented (kind jwt).</summary>
    public string? UpstreamJti { get; set; }

    /// <summary>The record was already written, before the result event of an SSE answer was relayed.</summary>
    public bool Recorded { get; set; }

    /// <summary><c>allowed</c>, <c>denied</c>, <c>pending</c>, <c>refused</c> (before a decision) or <c>failed</c> (allowed, not completed).</summary>
    public string Outcome(ProxyCall call) => Decision?.Verdict switch
    {
        McpCallVerdict.Denied => "denied",
        McpCallVerdict.ApprovalPending => "pending",
        McpCallVerdict.Allowed when call.Refusal is null && call.Forwarded => "allowed",
        McpCallVerdict.Allowed => "failed",
        _ => "refused",
    };
}
