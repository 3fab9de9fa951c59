namespace Mandate.Core.Resolution;

/// <summary>Where a request acts: the tenant, the run, the delegation chain (root agent first, the actor last) and its depth.</summary>
public sealed record Placement(string Tenant, string Run, IReadOnlyList<string> Actors, int DelegationDepth)
{
    /// <summary>True when the request named no run, so <see cref="Run"/> was made up for it alone.</summary>
    public bool RunGenerated { get; init; }
}
