using Mandate.Core.Introspection;

namespace Mandate.Core.Mcp;

/// <summary>
/// Decides MCP calls that reach the gateway, against the rules that carry an <c>mcp:</c> key. A credential for an
/// MCP server comes from ordinary rules; which of that server's tools the holder may call, with which arguments and
/// whether a human must approve first, is decided here on every <c>tools/call</c>.
/// </summary>
public interface IMcpCallPolicy
{
    /// <summary>
    /// Decides one <c>tools/call</c>. When the deciding rule requires approval, an approved approval bound to this
    /// exact call (caller, server, tool and argument hash) is consumed and the call allowed; otherwise a pending
    /// approval is recorded (or the pending one for the same call returned). Throws
    /// <see cref="Storage.StoreUnavailableException"/> when an approval cannot be read or written.
    /// </summary>
    Task<McpCallDecision> DecideAsync(IssuedToken caller, McpToolCall toolCall, CancellationToken cancellationToken);

    /// <summary>Whether <c>tools/list</c> shows <paramref name="tool"/> of <paramref name="server"/> to the caller: some allow or approval rule names it for them.</summary>
    bool MayList(IssuedToken caller, string server, string tool);
}
