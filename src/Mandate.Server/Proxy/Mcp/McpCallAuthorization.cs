using System.Text.Json.Nodes;
using Mandate.Core.Configuration;
using Mandate.Core.Mcp;
using Mandate.Mcp;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Proxy.Mcp;

/// <summary>
/// Whether the caller may send this message on: for a <c>tools/call</c>, the scopes <c>mcp.tool_scopes</c> names for
/// the tool must be in the caller's credential (403 with an <c>insufficient_scope</c> challenge), then the policy
/// decides (deny, pending approval or allow). Also the scopes the upstream credential carries.
/// </summary>
internal sealed class McpCallAuthorization
{
    private readonly IMcpCallPolicy _policy;
    private readonly IReadOnlyList<string> _dpopAlgorithms;

    public McpCallAuthorization(IMcpCallPolicy policy, MandateOptions options)
    {
        _policy = policy;
        _dpopAlgorithms = options.SenderConstraint.Dpop.AllowedAlgorithms;
    }

    /// <summary>The upstream credential's scopes, or the refusal already written.</summary>
    public async Task<(IReadOnlyList<string> Scopes, ProxyRefusal? Refusal)> AuthorizeAsync(HttpContext http, ProxyCall call, ToolOptions tool, ProxyCredential credential, McpMessage message)
    {
        var isCall = message.Method == McpMethods.ToolsCall;
        var scopes = UpstreamScopes(tool, isCall ? message.Name : null, credential, out var missing);
        if (missing.Count > 0)
        {
            var description = $"tool '{McpText.Shown(message.Name)}' of MCP server '{tool.Name}' needs scope {string.Join(" ", missing)} (mcp.tool_scopes in mandate.yaml), which this credential lacks; request a credential for {tool.Resource} with that scope";
            http.Response.Headers.WWWAuthenticate = McpResourceMetadata.InsufficientScope(tool, _dpopAlgorithms, tool.Mcp!.ScopesFor(message.Name), description);
            return (scopes, await McpReplies.ForbiddenAsync(http, message.IdJson, JsonRpcErrorCodes.PolicyDenied, McpGatewayChecks.ScopeMissing, description,
                new JsonObject { ["server"] = tool.Name, ["tool"] = message.Name }));
        }

        return (scopes, isCall ? await DecideAsync(http, call, tool, credential, message) : null);
    }

    private async Task<ProxyRefusal?> DecideAsync(HttpContext http, ProxyCall call, ToolOptions tool, ProxyCredential credential, McpMessage message)
    {
        var decision = await _policy.DecideAsync(credential.Claims, new McpToolCall(tool.Name, message.Name!, message.Arguments), http.RequestAborted);
        call.McpCall!.Decision = decision;
        var data = new JsonObject
        {
            ["server"] = tool.Name,
            ["tool"] = message.Name,
            ["rule"] = decision.Rule,
            ["policy_version"] = decision.PolicyVersion,
        };
        if (decision.Delegator is { } delegator)
        {
            // Inside a child run: the agent up the chain whose rule refused the call or made it wait, and its run.
            data[decision.CheckId == McpCallChecks.DelegatorNotAllowed ? "delegator" : "approval_required_by"] = delegator;
            data["delegator_run"] = decision.DelegatorRun;
        }

        switch (decision.Verdict)
        {
            case McpCallVerdict.Denied:
                if (decision.ApprovalId is { } deniedApproval)
                {
                    data["approval_id"] = deniedApproval;
                }

                return await McpReplies.ForbiddenAsync(http, message.IdJson, JsonRpcErrorCodes.PolicyDenied, decision.CheckId ?? McpCallChecks.ToolNotAllowed,
                    decision.Description ?? $"no rule with mcp: allows tool '{McpText.Shown(message.Name)}' of '{tool.Name}' for this agent; add one to policy.yaml", data);
            case McpCallVerdict.ApprovalPending:
                data["approval_id"] = decision.ApprovalId;
                data["expires_in"] = decision.ApprovalExpiresIn;
                data["hint"] = $"mandate approvals approve {decision.ApprovalId}";
                data["retry"] = "once approved, send the identical call again (same tool and arguments); it is allowed once";
                return await McpReplies.ForbiddenAsync(http, message.IdJson, JsonRpcErrorCodes.ApprovalPending, decision.CheckId ?? McpCallChecks.ApprovalPending,
                    decision.Description ?? $"rule '{decision.Rule}' requires a human to approve this exact call; an operator runs: mandate approvals approve {decision.ApprovalId}", data);
            default:
                return null;
        }
    }

    /// <summary>
    /// The upstream credential's scopes: the ones <c>mcp.tool_scopes</c> names for the called tool (all of them for
    /// other methods), never one the caller's own credential lacks. A call whose tool needs a missing scope is refused.
    /// </summary>
    private static IReadOnlyList<string> UpstreamScopes(ToolOptions tool, string? calledTool, ProxyCredential credential, out IReadOnlyList<string> missing)
    {
        var held = credential.Claims.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var wanted = tool.Mcp!.ScopesFor(calledTool);
        missing = calledTool is null ? [] : [.. wanted.Where(s => !held.Contains(s, StringComparer.Ordinal))];
        return [.. wanted.Where(s => held.Contains(s, StringComparer.Ordinal))];
    }
}
