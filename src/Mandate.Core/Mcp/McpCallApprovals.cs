using Mandate.Core.Approvals;
using Mandate.Core.Configuration;
using Mandate.Core.Grants;
using Mandate.Core.Introspection;
using Mandate.Core.Protocol;
using Mandate.Core.Storage;
using Mandate.Policy;
using Mandate.Policy.Expressions;

namespace Mandate.Core.Mcp;

/// <summary>
/// Human approval of one MCP tools/call, bound to hash(agent, run, server, tool, argument hash, tenant, user). The agent
/// retries the identical call: an approved approval is consumed (single use) and the call allowed; a pending one is
/// answered again; a denied one refuses that call until its window ends; anything else (none, consumed, expired,
/// approved but not used in time) opens a new pending approval.
/// </summary>
internal sealed class McpCallApprovals
{
    /// <summary>Prefix of the ids of tool-call approvals; the CIBA poll refuses them, since they never yield a credential.</summary>
    public const string IdPrefix = "mcpa";

    private readonly IApprovalStore _approvals;
    private readonly IUnitOfWork _trail;
    private readonly MandateOptions _options;

    public McpCallApprovals(IApprovalStore approvals, IUnitOfWork trail, MandateOptions options)
    {
        _approvals = approvals;
        _trail = trail;
        _options = options;
    }

    public static bool IsToolCallApproval(Approval approval) =>
        approval.Id.StartsWith(IdPrefix + "_", StringComparison.Ordinal);

    /// <summary>
    /// The answer to a call whose <paramref name="decision"/> requires approval; <paramref name="requiredBy"/> is the agent
    /// up the delegation chain whose rule that is (the approval and its record name it), null for the caller's own rule.
    /// </summary>
    public async Task<McpCallDecision> DecideAsync(IssuedToken caller, McpToolCall call, McpArguments arguments, Decision decision, string? requiredBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var binding = ApprovalBinding.ToolCallHash(caller.Agent, caller.Run, call.Server, call.Tool, arguments.Hash, caller.Tenant, caller.User);
        var existing = await _approvals.FindApprovalByBindingAsync(binding, cancellationToken);
        var result = Template(decision, arguments);
        switch (existing)
        {
            // Only the rule that asked for the approval may still ask for it now: one another rule asked for (the first
            // dropped or changed by a reload) approved a call the policy in force never put to a human.
            case { Status: ApprovalStatus.Approved } approved when now < ApprovalPollGrant.PickupDeadline(approved) && approved.Rule == decision.RuleId:
                var consume = new ApprovalTransition { Id = approved.Id, From = ApprovalStatus.Approved, To = ApprovalStatus.Consumed, At = now };
                if (await _approvals.TryTransitionApprovalAsync(consume, [ApprovalAuditEvents.Consumed(approved, decision.PolicyVersion, now, _options.Node)], cancellationToken))
                {
                    return result with { Verdict = McpCallVerdict.Allowed, ApprovalId = approved.Id, Description = $"approved by {approved.Approver} (approval '{approved.Id}', now used)" };
                }

                // An identical call consumed it first: this one asks again.
                break;
            case { Status: ApprovalStatus.Pending } pending when !pending.IsExpired(now):
                return Pending(result, pending, now, decision);
            case { Status: ApprovalStatus.Denied } denied when now < denied.ExpiresAt:
                return result with
                {
                    Verdict = McpCallVerdict.Denied,
                    CheckId = McpCallChecks.ApprovalDenied,
                    ApprovalId = denied.Id,
                    Description = $"{denied.Approver} denied approval '{denied.Id}' of this exact call" + (denied.DecidedReason is { } r ? $": {r}" : "")
                        + $"; the same call is refused until {denied.ExpiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}, then retrying it asks for approval again",
                };
        }

        var approval = Create(caller, call, arguments, decision, requiredBy, binding, now);
        var requested = ApprovalAuditEvents.Requested(approval, _options.Node);
        if (requiredBy is not null)
        {
            requested = requested with { Evidence = new Dictionary<string, string>(requested.Evidence, StringComparer.Ordinal) { ["approval_required_by"] = requiredBy } };
        }

        if (await _approvals.TryInsertApprovalAsync(approval, [requested], cancellationToken))
        {
            return Pending(result, approval, now, decision);
        }

        // Another node recorded this call's approval since it was looked up (the store inserts only when none is pending):
        // answer with that one, so approvers see one request. Should it have gone meanwhile, this one is recorded after all.
        if (await _approvals.FindApprovalByBindingAsync(binding, cancellationToken) is { Status: ApprovalStatus.Pending } first && !first.IsExpired(now))
        {
            return Pending(result, first, now, decision);
        }

        await _trail.CommitAsync(new StoreBatch(approval, requested), cancellationToken);
        return Pending(result, approval, now, decision);
    }

    private static McpCallDecision Template(Decision decision, McpArguments arguments) => new()
    {
        Verdict = McpCallVerdict.ApprovalPending,
        Rule = decision.RuleId,
        PolicyVersion = decision.PolicyVersion,
        ArgumentsHash = arguments.Hash,
        RecordArguments = decision.RecordArguments,
    };

    private static McpCallDecision Pending(McpCallDecision result, Approval approval, DateTimeOffset now, Decision decision) => result with
    {
        Verdict = McpCallVerdict.ApprovalPending,
        CheckId = McpCallChecks.ApprovalPending,
        ApprovalId = approval.Id,
        ApprovalExpiresIn = (int)Math.Max(0, (approval.ExpiresAt - now).TotalSeconds),
        Description = $"rule '{decision.RuleId}' requires a human to approve this exact call: approval '{approval.Id}' is pending "
            + $"(`mandate approvals approve {approval.Id}`); retry the identical call once it is approved",
    };

    private static Approval Create(IssuedToken caller, McpToolCall call, McpArguments arguments, Decision decision, string? requiredBy, string binding, DateTimeOffset now)
    {
        var detail = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["type"] = "mcp_tool_call",
            ["tool"] = call.Tool,
            ["arguments_sha256"] = arguments.Hash,
        };
        if (decision.RecordArguments)
        {
            detail["arguments"] = arguments.Values;
        }

        return new Approval
        {
            Id = Ids.NewHandle(IdPrefix, now),
            Status = ApprovalStatus.Pending,
            Agent = caller.Agent,
            Run = caller.Run,
            Tool = call.Server,
            Tenant = caller.Tenant,
            User = caller.User,
            Scope = caller.Scope,
            AuthorizationDetails = ApprovalBinding.CanonicalJson([detail]),
            BindingHash = binding,
            BindingMessage = Message(caller, call, arguments, decision.RecordArguments, requiredBy is null ? null : $"rule '{decision.RuleId}' of delegating agent '{requiredBy}' requires this approval"),
            Rule = decision.RuleId ?? "",
            RuleAgent = requiredBy,
            PolicyVersion = decision.PolicyVersion,
            DecisionId = Ids.New("dec", now),
            LifetimeSeconds = 0,
            CreatedAt = now,
            ExpiresAt = now + (decision.ApprovalExpiresIn ?? TimeSpan.FromMinutes(10)),
        };
    }

    /// <summary>
    /// The line an approver reads: whose rule asks when it is a delegator's (before the arguments, which the length bound
    /// may cut), and the arguments themselves only when the rule opted in (bounded length).
    /// </summary>
    private static string Message(IssuedToken caller, McpToolCall call, McpArguments arguments, bool recordArguments, string? requiredBy)
    {
        var who = caller.User is null ? "background work" : $"user '{caller.User}'";
        var text = $"agent '{caller.Agent}' calls MCP tool '{call.Tool}' of '{call.Server}' in tenant '{caller.Tenant}' for {who} (arguments sha256 {arguments.Hash})"
            + (requiredBy is null ? "" : $"; {requiredBy}");
        if (recordArguments)
        {
            text += ": " + string.Join(", ", arguments.Values.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={CelValues.Format(e.Value)}"));
        }

        return text.Length > 500 ? text[..497] + "…" : text;
    }
}
