using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Mandate.Policy;
using Microsoft.Extensions.Logging;

namespace Mandate.Core.Policy;

/// <summary>
/// Shadow mode: decides with the active policy and also evaluates a candidate policy on the same input.
/// Only the active decision is returned (the candidate is never enforced); when the two differ in outcome,
/// rule or granted scopes, a <c>shadow_decision</c> audit event records both. Recording is best effort and
/// off the request path: it never delays or fails a request.
/// </summary>
public sealed partial class ShadowDecisionPoint : IPolicyDecisionPoint, IDisposable
{
    private readonly IPolicyDecisionPoint _active;
    private readonly PolicyProvider _candidate;
    private readonly IUnitOfWork _trail;
    private readonly TimeProvider _time;
    private readonly string _node;
    private readonly ILogger _logger;

    public ShadowDecisionPoint(IPolicyDecisionPoint active, PolicyProvider candidate, IUnitOfWork trail, TimeProvider time, string node, ILogger logger)
    {
        _active = active;
        _candidate = candidate;
        _trail = trail;
        _time = time;
        _node = node;
        _logger = logger;
    }

    /// <summary>Differences recorded so far (for tests and status).</summary>
    public long DifferenceCount => Interlocked.Read(ref _differences);

    private long _differences;

    public Decision Evaluate(PolicyInput input) => Compare(input, _active.Evaluate(input));

    /// <summary>Decides against the request's pinned snapshot; the candidate is evaluated on the same input.</summary>
    public Decision Evaluate(PolicySnapshot policy, PolicyInput input) => Compare(input, _active.Evaluate(policy, input));

    private Decision Compare(PolicyInput input, Decision decision)
    {
        Decision shadow;
        try
        {
            shadow = PolicyEngine.Evaluate(_candidate.Current, input);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The candidate must never affect the request, whatever it does.
            LogShadowFailed(_logger, e.Message);
            return decision;
        }

        if (decision.Effect != shadow.Effect || decision.RuleId != shadow.RuleId || !decision.GrantedScopes.SequenceEqual(shadow.GrantedScopes))
        {
            Interlocked.Increment(ref _differences);
            _ = RecordAsync(Event(input, decision, shadow));
        }

        return decision;
    }

    public void Dispose() => _candidate.Dispose();

    internal AuditEvent Event(PolicyInput input, Decision active, Decision shadow) => new()
    {
        Kind = AuditKinds.ShadowDecision,
        Time = _time.GetUtcNow(),
        Outcome = $"{Outcome(active)}/{Outcome(shadow)}",
        Agent = input.Agent,
        Tenant = input.Tenant,
        User = input.User,
        Run = input.RunId,
        Tool = input.Tool,
        Scope = string.Join(' ', input.Scopes),
        PolicyVersion = active.PolicyVersion,
        Rule = active.RuleId,
        Reason = $"active: {active.Reason} | shadow: {shadow.Reason}",
        Node = _node,
        Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["active_outcome"] = Outcome(active),
            ["active_rule"] = active.RuleId ?? "",
            ["active_scope"] = string.Join(' ', active.GrantedScopes),
            ["shadow_outcome"] = Outcome(shadow),
            ["shadow_rule"] = shadow.RuleId ?? "",
            ["shadow_scope"] = string.Join(' ', shadow.GrantedScopes),
            ["shadow_policy_version"] = shadow.PolicyVersion,
            ["shadow_reason"] = shadow.Reason,
        },
    };

    private static string Outcome(Decision d) => d.Effect switch
    {
        DecisionEffect.Allow => "allow",
        DecisionEffect.RequireApproval => "pending",
        _ => "deny",
    };

    private async Task RecordAsync(AuditEvent audit)
    {
        // Off the request's thread: a write may commit on its caller's thread, and this one must not hold up the decision.
        await Task.Yield();
        try
        {
            await _trail.CommitAsync(new StoreBatch(audit), CancellationToken.None);
        }
        catch (Exception e) when (e is StoreUnavailableException or ObjectDisposedException)
        {
            LogShadowNotRecorded(_logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shadow policy evaluation failed; the active decision stands: {Error}")]
    private static partial void LogShadowFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A shadow decision difference could not be recorded: {Error}")]
    private static partial void LogShadowNotRecorded(ILogger logger, string error);
}
