using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Mandate.Policy;

/// <summary>
/// One validated rule of a policy file. Immutable; built only by <see cref="PolicyParser"/>, so
/// every instance has passed validation (patterns compile, lists are non-empty, ids are unique).
/// </summary>
public sealed partial class PolicyRule
{
    /// <summary>The tool name that matches every tool.</summary>
    public const string AnyTool = "*";

    private readonly AgentPattern[] _agentPatterns;

    internal PolicyRule(
        string id,
        string reason,
        DecisionEffect effect,
        IReadOnlyList<AgentPattern> agents,
        IReadOnlyList<string> tools,
        IReadOnlyList<string>? scopes,
        TenantMatch tenant,
        IReadOnlyList<string> tenants,
        SubjectMatch subject,
        IReadOnlyList<string>? environments,
        TimeSpan? maxLifetime,
        int line)
    {
        Id = id;
        Reason = reason;
        Effect = effect;
        _agentPatterns = [.. agents];
        Agents = [.. agents.Select(a => a.Text)];
        Tools = [.. tools];
        Scopes = scopes is null ? null : ImmutableArray.CreateRange(scopes);
        Tenant = tenant;
        Tenants = [.. tenants];
        Subject = subject;
        Environments = environments is null ? null : ImmutableArray.CreateRange(environments);
        MaxLifetime = maxLifetime;
        Line = line;

        ScopeSet = scopes?.ToFrozenSet(StringComparer.Ordinal);
        EnvironmentSet = environments?.ToFrozenSet(StringComparer.Ordinal);
        TenantSet = tenants.ToFrozenSet(StringComparer.Ordinal);
        DeniedReason = $"denied by rule '{id}': {reason}";
    }

    /// <summary>Unique name of the rule; appears in decisions, audit records and errors.</summary>
    public string Id { get; }

    /// <summary>Why the rule exists, in words for the person reading a decision.</summary>
    public string Reason { get; }

    /// <summary>Whether a match allows or denies.</summary>
    public DecisionEffect Effect { get; }

    /// <summary>Agent SPIFFE IDs or patterns (<c>*</c> one segment, <c>**</c> the rest).</summary>
    public ImmutableArray<string> Agents { get; }

    /// <summary>Tool names; <see cref="AnyTool"/> matches every tool.</summary>
    public ImmutableArray<string> Tools { get; }

    /// <summary>
    /// Allow: the scopes a request may ask for (requested must be a subset). Deny: the scopes that
    /// trigger the deny. Null means any scope.
    /// </summary>
    public IReadOnlyList<string>? Scopes { get; }

    /// <summary>How the credential tenant is constrained.</summary>
    public TenantMatch Tenant { get; }

    /// <summary>The allowed tenants when <see cref="Tenant"/> is <see cref="TenantMatch.Listed"/>; otherwise empty.</summary>
    public ImmutableArray<string> Tenants { get; }

    /// <summary>Which subjects the rule applies to.</summary>
    public SubjectMatch Subject { get; }

    /// <summary>Broker environments the rule applies in; null means every environment.</summary>
    public IReadOnlyList<string>? Environments { get; }

    /// <summary>Cap on the credential's lifetime (allow rules only); null leaves the broker's cap.</summary>
    public TimeSpan? MaxLifetime { get; }

    /// <summary>1-based line of the rule in its policy file.</summary>
    public int Line { get; }

    internal IReadOnlyList<AgentPattern> AgentPatterns => _agentPatterns;

    internal FrozenSet<string>? ScopeSet { get; }

    internal FrozenSet<string>? EnvironmentSet { get; }

    internal FrozenSet<string> TenantSet { get; }

    /// <summary>Precomputed so a deny by rule allocates nothing but the decision.</summary>
    internal string DeniedReason { get; }

    /// <summary>Whether <paramref name="agent"/> matches one of the rule's agent names or patterns.</summary>
    public bool MatchesAgent(string agent)
    {
        foreach (var pattern in _agentPatterns)
        {
            if (pattern.Matches(agent))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// An empty environment is no environment: outside the <c>environments</c> of an allow rule, inside those of a deny
    /// rule (fail closed), so a broker or a test that names none can never step around a deny.
    /// </summary>
    internal bool MatchesEnvironment(string environment) =>
        EnvironmentSet is null || (environment.Length == 0 ? Effect == DecisionEffect.Deny : EnvironmentSet.Contains(environment));

    /// <summary>Whether the rule names <paramref name="tool"/>; an empty name is no tool, so not even <see cref="AnyTool"/> names it.</summary>
    internal bool MatchesTool(string tool) =>
        tool.Length > 0 && (Tools.Contains(tool) || Tools.Contains(AnyTool));

    internal bool MatchesSubject(SubjectKind subject) => Subject switch
    {
        SubjectMatch.User => subject == SubjectKind.User,
        SubjectMatch.Agent => subject == SubjectKind.Agent,
        _ => true,
    };

    internal bool MatchesTenant(PolicyInput input) => Tenant switch
    {
        // Invariant 1: an empty user tenant is a missing one, never a tenant an empty request tenant can equal.
        TenantMatch.SameAsUser => !string.IsNullOrEmpty(input.UserTenant)
            && string.Equals(input.Tenant, input.UserTenant, StringComparison.Ordinal),
        TenantMatch.Listed => TenantSet.Contains(input.Tenant),
        _ => true,
    };

    /// <summary>Allow semantics: every requested scope is listed (or the rule allows any).</summary>
    internal bool AllowsAllScopes(IReadOnlyList<string> requested)
    {
        if (ScopeSet is null)
        {
            return true;
        }

        for (var i = 0; i < requested.Count; i++)
        {
            if (!ScopeSet.Contains(requested[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Deny semantics: some requested scope is listed (or the rule denies any).</summary>
    internal bool ListsAnyScope(IReadOnlyList<string> requested)
    {
        if (ScopeSet is null)
        {
            return true;
        }

        for (var i = 0; i < requested.Count; i++)
        {
            if (ScopeSet.Contains(requested[i]))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => $"{(Effect == DecisionEffect.RequireApproval ? "require_approval" : Effect.ToString().ToLowerInvariant())} rule '{Id}' (line {Line})";
}
