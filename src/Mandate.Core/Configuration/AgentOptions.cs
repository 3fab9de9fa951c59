namespace Mandate.Core.Configuration;

/// <summary>A registered agent workload: who it is, which tenants it serves and which tools it declared.</summary>
public sealed record AgentOptions
{
    /// <summary>The agent's SPIFFE ID; must be in the broker's trust domain.</summary>
    public required string Id { get; init; }

    /// <summary>Tenants this agent may act in. An exchange for any other tenant is refused before policy runs.</summary>
    public required IReadOnlyList<string> Tenants { get; init; }

    /// <summary>Tool names this agent declared; anything else is refused (R12).</summary>
    public required IReadOnlyList<string> Tools { get; init; }

    /// <summary>Longest credential this agent may hold; capped by the global maximum.</summary>
    public TimeSpan? MaxLifetime { get; init; }

    /// <summary>
    /// How many levels of sub-agents a run this agent starts may create below itself. Default 0: the
    /// agent cannot delegate. Sub-agent runs inherit the limit of their tree and can never raise it.
    /// </summary>
    public int MaxDelegationDepth { get; init; }

    /// <summary>
    /// The agents that may act as this agent's sub-agents (present its run token to get a child run); null: any
    /// registered agent the policy allows, empty: none. Checked at delegation and on every request in a child run.
    /// </summary>
    public IReadOnlyList<string>? SubAgents { get; init; }

    /// <summary>Who owns the agent (team or person), for audit and operators.</summary>
    public string? Owner { get; init; }
}
