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
    /// Decides one <c>tools/call</c>, inside a child run for every agent up the delegation chain too. When the deciding
    /// rule requires approval, an approved approval bound to this exact call (caller, server, tool and argument hash) is
    /// consumed and the call allowed; otherwise a pending approval is recorded (or the pending one for the same call
    /// returned). Throws <see cref="Storage.StoreUnavailableException"/> when an approval or a child run cannot be read
    /// or written.
    /// </summary>
    Task<McpCallDecision> DecideAsync(IssuedToken caller, McpToolCall toolCall, CancellationToken cancellationToken);

    /// <summary>
    /// Which tools of <paramref name="server"/> <c>tools/list</c> shows the caller: those some allow or approval rule names
    /// for them and, inside a child run, for every agent up the delegation chain too. Throws
    /// <see cref="Storage.StoreUnavailableException"/> when a child run cannot be read.
    /// </summary>
    Task<Func<string, bool>> ListFilterAsync(IssuedToken caller, string server, CancellationToken cancellationToken);
}
