using Mandate.Core.Runs;

namespace Mandate.Core.Revocation;

/// <summary>
/// What never changes about a run once it is recorded, its start and its lineage, remembered by run id so that
/// judging an issued credential through its run (<see cref="PrincipalStanding.CoveringCredentialAsync"/>) reads the
/// store once per run rather than on every introspection or proxied call while some run is revoked. A run id read
/// as not recorded is remembered too: run ids are drawn at random when a run or plain exchange starts, and a run
/// is recorded before any token of it exists, so such an id never becomes a recorded run. Nothing here can go stale,
/// so at the cap the memory simply starts over. Thread-safe.
/// </summary>
public sealed class RunAncestry
{
    /// <summary>Runs remembered before starting over: about 10 MB at most.</summary>
    public const int MaxEntries = 65_536;

    private readonly RememberedReads<Ancestry?> _runs = new(MaxEntries);
    private readonly IRunStore _store;

    public RunAncestry(IRunStore store) => _store = store;

    /// <summary>Runs remembered now (recorded or not).</summary>
    public int Count => _runs.Count;

    /// <summary>The run's start and lineage, or null when no run of that id is recorded.</summary>
    public ValueTask<Ancestry?> FindAsync(string runId, CancellationToken cancellationToken) =>
        _runs.GetAsync(runId, ReadAsync, cancellationToken);

    private async Task<Ancestry?> ReadAsync(string runId, CancellationToken cancellationToken) =>
        await _store.GetRunAsync(runId, cancellationToken) is { } run ? new Ancestry(run.Id, run.StartedAt, run.Lineage) : null;

    /// <summary>A recorded run's immutable part.</summary>
    public sealed record Ancestry(string Id, DateTimeOffset StartedAt, string Lineage);
}
