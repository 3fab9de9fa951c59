using System.Collections.Frozen;
using Mandate.Policy.Expressions;

namespace Mandate.Policy;

/// <summary>The rule keys beyond matching: condition, narrowed scopes, rate limit, approval.</summary>
public sealed partial class PolicyRule
{
    private readonly IReadOnlyList<string>? _grantScopes;

    /// <summary>Copies the matching part of <paramref name="other"/>; the reader then sets the extensions.</summary>
    internal PolicyRule(PolicyRule other)
        : this(other.Id, other.Reason, other.Effect, other.AgentPatterns, [.. other.Tools], other.Scopes, other.Tenant, [.. other.Tenants], other.Subject, other.Environments, other.MaxLifetime, other.Line)
    {
    }

    /// <summary>The <c>when:</c> condition, compiled at load; null when the rule has none.</summary>
    public CelProgram? Condition { get; internal init; }

    /// <summary>Allow: the only scopes the credential carries (requested ∩ these); null grants what was requested.</summary>
    public IReadOnlyList<string>? GrantScopes
    {
        get => _grantScopes;
        internal init
        {
            _grantScopes = value;
            GrantScopeSet = value?.ToFrozenSet(StringComparer.Ordinal);
        }
    }

    /// <summary>The rule's budget, counted per user, agent, tenant, run or tool; null for none.</summary>
    public RateLimit? RateLimit { get; internal init; }

    /// <summary>require_approval: how long a pending approval waits for a human. Default 10 minutes.</summary>
    public TimeSpan ApprovalExpiresIn { get; internal init; } = TimeSpan.FromMinutes(10);

    internal FrozenSet<string>? GrantScopeSet { get; private init; }

    /// <summary>Evaluates the condition; true when there is none. An error is returned, never thrown.</summary>
    internal CelResult EvaluateCondition(IReadOnlyDictionary<string, object?> variables) =>
        Condition is null ? new CelResult(true, null) : Condition.Evaluate(variables);

    /// <summary>The scopes an allow grants: all requested, or those also in <see cref="GrantScopes"/>.</summary>
    internal IReadOnlyList<string> Grant(IReadOnlyList<string> requested) =>
        GrantScopeSet is null ? requested : [.. requested.Where(GrantScopeSet.Contains)];
}
