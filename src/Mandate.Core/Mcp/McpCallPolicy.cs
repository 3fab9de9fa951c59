using Mandate.Core.Approvals;
using Mandate.Core.Configuration;
using Mandate.Core.Introspection;
using Mandate.Core.Policy;
using Mandate.Core.Storage;
using Mandate.Policy;

namespace Mandate.Core.Mcp;

/// <summary>
/// Decides MCP <c>tools/call</c> requests at the gateway against the policy in force (one snapshot per call) and the
/// caller's verified credential: agent, tenant, user, run and scopes. Rules with <c>mcp:</c> decide (see
/// <see cref="McpCallEngine"/>); a require_approval decision becomes a human approval bound to this exact call.
/// </summary>
public sealed class McpCallPolicy : IMcpCallPolicy
{
    private readonly PolicyProvider _policy;
    private readonly McpCallApprovals _approvals;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;

    public McpCallPolicy(PolicyProvider policy, IApprovalStore approvals, IUnitOfWork trail, MandateOptions options, TimeProvider time)
    {
        _policy = policy;
        _approvals = new McpCallApprovals(approvals, trail, options);
        _options = options;
        _time = time;
    }

    public async Task<McpCallDecision> DecideAsync(IssuedToken caller, McpToolCall toolCall, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(toolCall);
        var policy = _policy.Current;
        var arguments = McpArguments.Read(toolCall.Arguments, out var problem);
        if (arguments is null)
        {
            return new McpCallDecision
            {
                Verdict = McpCallVerdict.Denied,
                PolicyVersion = policy.Version,
                CheckId = McpCallChecks.ArgumentsInvalid,
                Description = $"{problem}; the policy cannot judge this call, so it is refused",
                ArgumentsHash = McpArguments.HashOfText(toolCall.Arguments),
            };
        }

        var now = _time.GetUtcNow();
        var decision = McpCallEngine.Evaluate(policy, Input(caller, toolCall.Server, toolCall.Tool, now) with { Arguments = arguments.Values });
        return decision.Effect switch
        {
            DecisionEffect.Allow => new McpCallDecision
            {
                Verdict = McpCallVerdict.Allowed,
                Rule = decision.RuleId,
                PolicyVersion = decision.PolicyVersion,
                Description = decision.Reason,
                ArgumentsHash = arguments.Hash,
                RecordArguments = decision.RecordArguments,
            },
            DecisionEffect.RequireApproval => await _approvals.DecideAsync(caller, toolCall, arguments, decision, now, cancellationToken),
            _ => new McpCallDecision
            {
                Verdict = McpCallVerdict.Denied,
                Rule = decision.RuleId,
                PolicyVersion = decision.PolicyVersion,
                CheckId = decision.RuleId is null ? McpCallChecks.ToolNotAllowed : McpCallChecks.RuleDenied,
                Description = decision.Remedy is null ? decision.Reason : $"{decision.Reason}. To fix: {decision.Remedy}",
                ArgumentsHash = arguments.Hash,
            },
        };
    }

    public bool MayList(IssuedToken caller, string server, string tool)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentException.ThrowIfNullOrEmpty(server);
        ArgumentException.ThrowIfNullOrEmpty(tool);
        return McpCallEngine.MayList(_policy.Current, Input(caller, server, tool, _time.GetUtcNow()));
    }

    /// <summary>Approvals of MCP tool calls never yield a credential; the CIBA poll asks this.</summary>
    public static bool IsToolCallApproval(Approval approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        return McpCallApprovals.IsToolCallApproval(approval);
    }

    private McpCallInput Input(IssuedToken caller, string server, string tool, DateTimeOffset now) => new()
    {
        Agent = caller.Agent,
        Server = server,
        Tool = tool,
        Tenant = caller.Tenant,
        Subject = caller.User is null ? SubjectKind.Agent : SubjectKind.User,
        User = caller.User,
        RunId = caller.Run,
        Scopes = caller.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        Environment = _options.Environment,
        Now = now,
    };
}
