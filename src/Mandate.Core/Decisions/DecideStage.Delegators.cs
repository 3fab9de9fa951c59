using Mandate.Core.Grants;
using Mandate.Core.Protocol;
using Mandate.Core.Resolution;
using Mandate.Core.Runs;
using Mandate.Policy;

namespace Mandate.Core.Decisions;

public sealed partial class DecideStage
{
    /// <summary>
    /// Invariant 3 per credential: inside a child run, every agent up the delegation chain must be allowed the same
    /// request (tool, scopes, authorization_details, evidence, sender binding) in its own run and at its own depth, since
    /// a delegate never holds more than its delegator. The strictest outcome wins: any refusal refuses, a require_approval
    /// makes the request wait for a human, and the scopes and the rule lifetime are the narrowest any of them grants.
    /// </summary>
    private async Task<Result<ToolDecision>> WithinDelegatorsAsync(GrantFacts facts, ToolDecision own, RunRecord run, RequestDetails details, PolicyState state, CancellationToken cancellationToken)
    {
        var runs = run.Lineage.Split('/');
        if (runs.Length != run.Depth + 1 || run.Actors.Count != run.Depth + 1)
        {
            // Recorded by the broker itself, so this is a damaged store; with no delegator to ask, nothing is allowed.
            return DecideChecks.DelegatorNotAllowed.Refuse($"run '{run.Id}' records a delegation chain that does not match its depth, so its delegating agents cannot be asked");
        }

        var decision = own.Decision;
        string? approvalBy = null;
        var delegators = new List<string>(run.Depth);
        for (var depth = run.Depth - 1; depth >= 0; depth--)
        {
            var agent = run.Actors[depth];
            var asDelegator = facts with { Placement = new Placement(run.Tenant, runs[depth], run.Actors.Take(depth + 1).ToList(), depth) };
            var theirs = Decide(asDelegator, own.Tool, own.Scopes, details, state, facts.Binding.Kind, agent);
            var d = theirs.Decision;
            delegators.Add($"{agent}: {d.RuleId ?? "no rule"} ({EffectName(d.Effect)})");
            var scopes = d.IsAllowed || d.RequiresApproval ? decision.GrantedScopes.Intersect(d.GrantedScopes, StringComparer.Ordinal).ToList() : [];
            if (scopes.Count == 0)
            {
                var denied = d.IsAllowed || d.RequiresApproval
                    ? d with { Effect = DecisionEffect.Deny, ScopeDenied = true, GrantedScopes = [], Reason = $"it grants '{agent}' none of the scopes the sub-agent's rule grants" }
                    : d;
                var refusal = await RefuseAsync(facts, theirs with { Decision = denied, Delegators = delegators }, cancellationToken, agent);
                return DecideChecks.DelegatorNotAllowed.Refuse(
                    $"the delegating agent '{agent}' of run '{runs[depth]}' may not use {own.Tool}/{string.Join(' ', own.Scopes)} itself for this request, so no agent it delegated to may: {refusal.Description}");
            }

            var lifetime = d.MaxLifetime is { } cap && (decision.MaxLifetime is null || cap < decision.MaxLifetime) ? cap : decision.MaxLifetime;
            if (d.RequiresApproval && !decision.RequiresApproval)
            {
                (decision, approvalBy) = (d, agent);
            }

            decision = decision with { GrantedScopes = scopes, MaxLifetime = lifetime };
        }

        return own with { Decision = decision, Delegators = delegators, ApprovalRequiredBy = approvalBy };
    }

    private static string EffectName(DecisionEffect effect) => effect switch
    {
        DecisionEffect.Allow => "allow",
        DecisionEffect.RequireApproval => "require_approval",
        _ => "deny",
    };
}
