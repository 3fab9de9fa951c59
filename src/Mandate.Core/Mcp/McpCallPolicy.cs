using Mandate.Core.Approvals;
using Mandate.Core.Configuration;
using Mandate.Core.Introspection;
using Mandate.Core.Policy;
using Mandate.Core.Runs;
using Mandate.Core.Storage;
using Mandate.Policy;

namespace Mandate.Core.Mcp;

/// <summary>
/// Decides MCP <c>tools/call</c> requests at the gateway against the policy in force (one snapshot per call) and the
/// caller's verified credential: agent, tenant, user, run and scopes. Rules with <c>mcp:</c> decide (see
/// <see cref="McpCallEngine"/>), inside a child run for every agent up the delegation chain too (invariant 3); a
/// require_approval decision becomes a human approval bound to this exact call.
/// </summary>
public sealed class McpCallPolicy : IMcpCallPolicy
{
    private readonly PolicyProvider _policy;
    private readonly McpCallApprovals _approvals;
    private readonly McpCallDelegators _delegators;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;

    public McpCallPolicy(PolicyProvider policy, IApprovalStore approvals, IUnitOfWork trail, IRunStore runs, MandateOptions options, TimeProvider time)
    {
        _policy = policy;
        _approvals = new McpCallApprovals(approvals, trail, options);
        _delegators = new McpCallDelegators(runs);
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
        var input = Input(caller, toolCall.Server, toolCall.Tool, now) with { Arguments = arguments.Values };
        var decision = McpCallEngine.Evaluate(policy, input);
        DelegatedOutcome? chain = null;
        // A root run (the common path) has no delegator to ask; a call the caller's own rule refuses needs none asked.
        if (decision.Effect != DecisionEffect.Deny && McpCallDelegators.InChildRun(caller))
        {
            if (await _delegators.ChainAsync(caller, cancellationToken) is not { } agents)
            {
                return Refused(null, policy.Version, arguments, McpCallChecks.DelegatorNotAllowed,
                    $"run '{caller.Run}' is not recorded with the delegation chain this credential carries, so its delegating agents cannot be asked and the call is refused");
            }

            chain = McpCallDelegators.Decide(policy, input, decision, agents);
            decision = chain.Decision;
        }

        var by = chain?.DecidedBy;
        var result = decision.Effect switch
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
            DecisionEffect.RequireApproval => await _approvals.DecideAsync(caller, toolCall, arguments, decision, by?.Agent, now, cancellationToken),
            _ when by is { } refuser => Refused(decision.RuleId, decision.PolicyVersion, arguments, McpCallChecks.DelegatorNotAllowed,
                $"the delegating agent '{refuser.Agent}' of run '{refuser.Run}' may not make this call itself, so no agent it delegated to may: ", decision),
            _ => Refused(decision.RuleId, decision.PolicyVersion, arguments, decision.RuleId is null ? McpCallChecks.ToolNotAllowed : McpCallChecks.RuleDenied, "", decision),
        };
        return chain is null ? result : result with { Delegators = chain.Delegators, Delegator = by?.Agent, DelegatorRun = by?.Run };
    }

    public async Task<Func<string, bool>> ListFilterAsync(IssuedToken caller, string server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentException.ThrowIfNullOrEmpty(server);
        var policy = _policy.Current;
        var own = Input(caller, server, "", _time.GetUtcNow());
        if (!McpCallDelegators.InChildRun(caller))
        {
            return tool => McpCallEngine.MayList(policy, own with { Tool = tool });
        }

        // Invariant 3: a tool an agent up the chain may not call is not shown to its sub-agents either.
        if (await _delegators.ChainAsync(caller, cancellationToken) is not { } chain)
        {
            return _ => false;
        }

        var callers = chain.Select(c => own with { Agent = c.Agent, RunId = c.At.Run }).Prepend(own).ToList();
        return tool => callers.TrueForAll(c => McpCallEngine.MayList(policy, c with { Tool = tool }));
    }

    /// <summary>Approvals of MCP tool calls never yield a credential; the CIBA poll asks this.</summary>
    public static bool IsToolCallApproval(Approval approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        return McpCallApprovals.IsToolCallApproval(approval);
    }

    private static McpCallDecision Refused(string? rule, string policyVersion, McpArguments arguments, string check, string description) => new()
    {
        Verdict = McpCallVerdict.Denied,
        Rule = rule,
        PolicyVersion = policyVersion,
        CheckId = check,
        Description = description,
        ArgumentsHash = arguments.Hash,
    };

    /// <summary>A refusal by the policy: the caller reads the decision's caller text, the audit record the operator's.</summary>
    private static McpCallDecision Refused(string? rule, string policyVersion, McpArguments arguments, string check, string prefix, Decision decision)
    {
        var caller = prefix + Explain(decision.CallerReason, decision.CallerRemedy);
        var operatorText = prefix + Explain(decision.Reason, decision.Remedy);
        return Refused(rule, policyVersion, arguments, check, caller) with { Detail = operatorText == caller ? null : operatorText };
    }

    private static string Explain(string reason, string? remedy) => remedy is null ? reason : $"{reason}. To fix: {remedy}";

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
