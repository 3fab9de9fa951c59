namespace Mandate.Policy;

/// <summary>
/// Invariant 3 as a pure function: a sub-agent's request is decided again for every agent up its delegation chain, each
/// in its own run and at its own depth, since a delegate never holds more than its delegator. The strictest outcome
/// wins: the first refusal refuses, naming that agent; a require_approval by an agent up the chain makes the request
/// wait under that agent's rule; a credential gets only the scopes every agent grants and the shortest rule lifetime.
/// The broker (token exchange and MCP gateway), <c>mandate policy test</c> and <c>policy explain</c> all decide with
/// this, so a test that passes is the broker's answer.
/// </summary>
public static class DelegatedDecision
{
    /// <summary>A credential's decision in a child run: <paramref name="own"/> narrowed by each agent of <paramref name="chain"/>.</summary>
    /// <param name="own">The caller's own decision; never a refusal (a refused request needs no delegator asked).</param>
    /// <param name="chain">The agents up the chain, nearest first.</param>
    /// <param name="decide">The same request decided for <c>chain[i]</c> in its run; asked lazily, nearest first, until one refuses.</param>
    public static DelegatedOutcome ForCredential(Decision own, IReadOnlyList<DelegatingAgent> chain, Func<int, Decision> decide) =>
        Combine(own, chain, decide, narrow: true);

    /// <summary>An MCP <c>tools/call</c>'s decision in a child run: a call carries no scopes or lifetime to narrow.</summary>
    /// <param name="own">The caller's own decision; never a refusal.</param>
    /// <param name="chain">The agents up the chain, nearest first.</param>
    /// <param name="decide">The same call decided for <c>chain[i]</c> in its run; asked lazily, nearest first, until one refuses.</param>
    public static DelegatedOutcome ForMcpCall(Decision own, IReadOnlyList<DelegatingAgent> chain, Func<int, Decision> decide) =>
        Combine(own, chain, decide, narrow: false);

    /// <summary>The same request, as the policy sees it for <paramref name="delegator"/> in its own run.</summary>
    public static PolicyInput For(PolicyInput request, DelegatingAgent delegator)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(delegator);
        return request with { Agent = delegator.Agent, RunId = delegator.Run, DelegationDepth = delegator.Depth };
    }

    /// <summary>The same MCP call, as the policy sees it for <paramref name="delegator"/> in its own run.</summary>
    public static McpCallInput For(McpCallInput call, DelegatingAgent delegator)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(delegator);
        return call with { Agent = delegator.Agent, RunId = delegator.Run };
    }

    /// <summary>How audit records name the rule that decided for an agent up the chain: <c>agent: rule (effect)</c>.</summary>
    public static string Describe(string agent, Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return $"{agent}: {decision.RuleId ?? "no rule"} ({EffectName(decision.Effect)})";
    }

    private static DelegatedOutcome Combine(Decision own, IReadOnlyList<DelegatingAgent> chain, Func<int, Decision> decide, bool narrow)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(decide);
        var decision = own;
        DelegatingAgent? waitsFor = null;
        var delegators = new List<string>(chain.Count);
        for (var i = 0; i < chain.Count; i++)
        {
            var delegator = chain[i];
            var theirs = decide(i);
            delegators.Add(Describe(delegator.Agent, theirs));
            if (!theirs.IsAllowed && !theirs.RequiresApproval)
            {
                return new DelegatedOutcome(theirs, delegators, delegator);
            }

            var scopes = decision.GrantedScopes;
            var lifetime = decision.MaxLifetime;
            if (narrow)
            {
                scopes = [.. decision.GrantedScopes.Intersect(theirs.GrantedScopes, StringComparer.Ordinal)];
                if (scopes.Count == 0)
                {
                    var none = theirs with { Effect = DecisionEffect.Deny, ScopeDenied = true, GrantedScopes = [], Reason = $"it grants '{delegator.Agent}' none of the scopes the sub-agent's rule grants" };
                    return new DelegatedOutcome(none, delegators, delegator);
                }

                lifetime = theirs.MaxLifetime is { } cap && (lifetime is null || cap < lifetime) ? cap : lifetime;
            }

            if (theirs.RequiresApproval && !decision.RequiresApproval)
            {
                (decision, waitsFor) = (theirs, delegator);
            }

            decision = narrow ? decision with { GrantedScopes = scopes, MaxLifetime = lifetime } : decision;
        }

        return new DelegatedOutcome(decision, delegators, waitsFor);
    }

    private static string EffectName(DecisionEffect effect) => effect switch
    {
        DecisionEffect.Allow => "allow",
        DecisionEffect.RequireApproval => "require_approval",
        _ => "deny",
    };
}
