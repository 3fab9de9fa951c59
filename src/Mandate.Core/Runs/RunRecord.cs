using Mandate.Core.Storage;

namespace Mandate.Core.Runs;

/// <summary>
/// One execution of an agent for a tenant and (optionally) a user. Sub-agent runs point at their parent;
/// <see cref="Lineage"/> holds every ancestor id so a subtree is one prefix query.
/// </summary>
public sealed record RunRecord : IStoreChange
{
    public required string Id { get; init; }
    public string? ParentId { get; init; }

    /// <summary>Ids from the root run down to this one, joined by '/'.</summary>
    public required string Lineage { get; init; }

    /// <summary>0 for a run started by an agent; parent depth + 1 for a sub-agent's run.</summary>
    public required int Depth { get; init; }

    /// <summary>Deepest depth this run's tree may reach; inherited from the root agent, never raised.</summary>
    public required int MaxDepth { get; init; }

    public required string Agent { get; init; }
    public required string Tenant { get; init; }

    /// <summary>The user (token subject); null for background work.</summary>
    public string? User { get; init; }

    public string? UserIssuer { get; init; }

    /// <summary>The agents of the delegation chain, root first, this run's agent last.</summary>
    public required IReadOnlyList<string> Actors { get; init; }

    public required RunEnvelope Envelope { get; init; }
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>The run ends by itself at this time; run tokens are renewable only until then.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }
    public string? EndedBy { get; init; }
    public string? EndReason { get; init; }
    public required string DecisionId { get; init; }
    public required string PolicyVersion { get; init; }
    public required string Node { get; init; }

    public bool IsOpen(DateTimeOffset now) => EndedAt is null && now < ExpiresAt;
}
