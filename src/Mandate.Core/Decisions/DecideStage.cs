using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Grants;
using Mandate.Core.Policy;
using Mandate.Core.Protocol;
using Mandate.Core.RateLimits;
using Mandate.Core.Resolution;
using Mandate.Core.Runs;
using Mandate.Core.Storage;
using Mandate.Policy;
using Microsoft.Extensions.Logging;

namespace Mandate.Core.Decisions;

/// <summary>
/// The Decide stage: asks the policy (against the request's pinned snapshot) about every tool the request
/// touches: the one tool of a credential, or each tool of a run's envelope. Any refusal refuses the request, is
/// recorded (R6: why a request was refused) and is returned with the rule and the remedy.
/// </summary>
public sealed partial class DecideStage
{
    private static readonly IReadOnlyDictionary<string, object?> NoClaims = new Dictionary<string, object?>();
    private static readonly IReadOnlyDictionary<string, long> NoCounts = new Dictionary<string, long>();
    private readonly IPolicyDecisionPoint _policy;
    private readonly IUnitOfWork _trail;
    private readonly MandateOptions _options;
    private readonly ILogger _logger;

    public DecideStage(IPolicyDecisionPoint policy, IUnitOfWork trail, MandateOptions options, ILogger<DecideStage> logger)
    {
        _policy = policy;
        _trail = trail;
        _options = options;
        _logger = logger;
    }

    /// <summary>The decision for a tool credential; a require_approval decision is returned for the approval request.</summary>
    public async Task<Result<ToolDecision>> CredentialAsync(GrantFacts facts, ResolvedTool tool, RequestDetails details, PolicyState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(tool);
        var decided = Decide(facts, tool.Tool.Name, tool.Scopes, details, state, facts.Binding.Kind);
        if (!decided.Decision.IsAllowed && !decided.Decision.RequiresApproval)
        {
            return await RefuseAsync(facts, decided, cancellationToken);
        }

        // A root run (the common path) has no delegator to ask.
        return facts.Subject.Run is { Run: { Depth: > 0 } child }
            ? await WithinDelegatorsAsync(facts, decided, child, details, state, cancellationToken)
            : decided;
    }

    /// <summary>One decision per tool of a run's envelope; every one must allow (a run cannot wait for an approval).</summary>
    public async Task<Result<IReadOnlyList<ToolDecision>>> RunAsync(GrantFacts facts, RunEnvelope envelope, RequestDetails details, PolicyState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(envelope);
        var decisions = new List<ToolDecision>();
        foreach (var tool in envelope.Tools)
        {
            var decided = Decide(facts, tool, envelope.ScopesOf(tool).ToList(), details, state, null);
            if (!decided.Decision.IsAllowed)
            {
                return await RefuseAsync(facts, decided, cancellationToken);
            }

            decisions.Add(decided);
        }

        return decisions;
    }

    /// <summary>The identity part of a tool credential's policy input: enough to key rate-limit counters.</summary>
    public static PolicyInput RateInput(GrantFacts facts, ResolvedTool tool)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(tool);
        return RateInput(facts, tool.Tool.Name, tool.Scopes);
    }

    /// <summary>
    /// Inside a child run: the rate input of each agent up the delegation chain, nearest first, keyed as that agent's rules
    /// key a request of its own: its agent id and its own run (the run its rule governs), the rest as the caller's.
    /// Empty for a root run, and for a damaged chain (which the Decide stage refuses).
    /// </summary>
    public static IReadOnlyList<PolicyInput> ChainRateInputs(GrantFacts facts, PolicyInput rateInput)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(rateInput);
        return facts.Subject.Run is { Run: { Depth: > 0 } child } && DelegationChain.From(child, child.Depth - 1) is { } chain
            ? chain.Select(c => rateInput with { Agent = c.Agent, RunId = c.At.Run }).ToList()
            : [];
    }

    /// <summary>
    /// The counter increments committed with the issuance record: the deciding rule's, and inside a child run each
    /// delegator rule's (invariant 3). A counter is moved once per credential even when two agents' rules share it.
    /// </summary>
    public static IReadOnlyList<RateIncrement> RateIncrements(ToolDecision decided, PolicyInput rateInput, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(decided);
        // When a delegator's rule made the request wait, Decision is that rule's and the caller's own increment is in the list.
        var own = decided.ApprovalRequiredBy is null ? Increment(decided.Decision, rateInput, now) : null;
        if (decided.DelegatorRateIncrements.Count == 0)
        {
            return own is null ? [] : [own];
        }

        var all = own is null ? decided.DelegatorRateIncrements : decided.DelegatorRateIncrements.Prepend(own);
        return all.DistinctBy(i => i.Key, StringComparer.Ordinal).ToList();
    }

    private static RateIncrement? Increment(Decision decision, PolicyInput rateInput, DateTimeOffset now) =>
        decision is { RuleId: { } rule, RateLimit: { } limit }
            ? new RateIncrement(limit.CounterKey(rule, rateInput, now), limit.WindowStart(now) + limit.Window)
            : null;

    private static PolicyInput RateInput(GrantFacts facts, string tool, IReadOnlyList<string> scopes) => new()
    {
        Agent = facts.Actor.SpiffeId,
        Tool = tool,
        Scopes = scopes,
        Tenant = facts.Placement.Tenant,
        Subject = facts.Subject.Kind,
        UserTenant = facts.Subject.User?.Tenant,
        User = facts.User,
        Environment = "",
        RunId = facts.Placement.Run,
    };

    private ToolDecision Decide(
        GrantFacts f, string tool, IReadOnlyList<string> scopes, RequestDetails details, PolicyState state, SenderConstraintKind? senderConstraint,
        string? agent = null, IReadOnlyDictionary<string, long>? rateCounts = null)
    {
        var decision = _policy.Evaluate(state.Policy, new PolicyInput
        {
            Agent = agent ?? f.Actor.SpiffeId,
            Tool = tool,
            Scopes = scopes,
            Tenant = f.Placement.Tenant,
            Subject = f.Subject.Kind,
            UserTenant = f.Subject.User?.Tenant,
            User = f.User,
            DelegationDepth = f.Placement.DelegationDepth,
            Environment = _options.Environment,
            SenderConstraint = senderConstraint,
            Now = f.Now,
            RunId = f.Placement.Run,
            UserClaims = f.Subject.User?.Claims ?? NoClaims,
            AuthorizationDetails = details.AuthorizationDetails,
            EvidenceSubject = details.EvidenceSubject,
            Evidence = state.Evidence,
            RateCounts = rateCounts ?? state.RateCounts,
        });
        return new ToolDecision(tool, scopes, decision);
    }

    private async Task<OAuthError> RefuseAsync(GrantFacts facts, ToolDecision decided, CancellationToken cancellationToken, string? delegator = null)
    {
        try
        {
            var record = GrantAuditEvents.Decision(facts, decided, _options.Node);
            if (delegator is not null)
            {
                record = record with { Evidence = new Dictionary<string, string>(record.Evidence) { ["delegator"] = delegator } };
            }

            await _trail.CommitAsync(new StoreBatch(record), cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            // The refusal stands either way; the outage itself is logged once, at error level, by the store's health log.
            LogDenyNotRecorded(_logger, facts.DecisionId, e.Message);
        }

        return Describe(decided.Decision, facts.DecisionId);
    }

    /// <summary>
    /// The caller reads the decision's caller text; the operator's (the whole of the policy's detail, as the audit record
    /// holds it) goes to the log line as the refusal's detail when it says more.
    /// </summary>
    private static OAuthError Describe(Decision decision, string decisionId)
    {
        var check = decision.ScopeDenied ? DecideChecks.ScopeDenied : decision.RuleId is null ? DecideChecks.NoRule : DecideChecks.RuleDenied;
        var caller = Text(decision, decision.CallerReason, decision.CallerRemedy, decisionId);
        var operatorText = Text(decision, decision.Reason, decision.Remedy, decisionId);
        return check.Refuse(caller, operatorText == caller ? null : operatorText);
    }

    private static string Text(Decision decision, string reason, string? remedy, string decisionId)
    {
        var rule = decision.RuleId is null ? "no policy rule allows this request" : $"policy rule '{decision.RuleId}' denied";
        return $"{rule}: {Sentence(reason)}" + (remedy is null ? "" : $" To fix: {Sentence(remedy)}")
            + $" (decision {decisionId}, policy {decision.PolicyVersion})";
    }

    private static string Sentence(string text) => text.EndsWith('.') ? text : text + ".";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Denied decision {DecisionId} could not be recorded: {Error}")]
    private static partial void LogDenyNotRecorded(ILogger logger, string decisionId, string error);
}
