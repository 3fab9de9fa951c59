using Mandate.Core.Keys;
using Mandate.Core.Runs;

namespace Mandate.Storage.InMemory;

/// <summary>Keys, revocations and runs.</summary>
public sealed partial class InMemoryMandateStore
{
    public Task<IReadOnlyList<StoredKey>> ListKeysAsync(string purpose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<StoredKey> keys = Read("list keys").Keys.Values
            .Where(k => k.Purpose == purpose)
            .OrderBy(k => k.CreatedAt.UtcTicks).ThenBy(k => k.Kid, StringComparer.Ordinal)
            .Select(k => k with { SealedPrivateKey = [.. k.SealedPrivateKey] })
            .ToList();
        return Task.FromResult(keys);
    }

    public Task<IReadOnlyList<Core.Revocation.Revocation>> ListRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<Core.Revocation.Revocation> revocations = Read("list revocations").Revocations.Values
            .Where(r => r.KeepUntil > now)
            .OrderBy(r => r.RevokedAt.UtcTicks).ThenBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(revocations);
    }

    public Task<IReadOnlyList<Core.Revocation.RevocationChange>> ReadRevocationChangesAsync(long after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 10_000);
        cancellationToken.ThrowIfCancellationRequested();
        var state = Read("read revocation changes");
        IReadOnlyList<Core.Revocation.RevocationChange> changes = state.RevocationCursors
            .Where(c => c.Value > after)
            .OrderBy(c => c.Value)
            .Take(limit)
            .Select(c => new Core.Revocation.RevocationChange(c.Value, state.Revocations[c.Key]))
            .ToList();
        return Task.FromResult(changes);
    }

    public Task<RunRecord?> GetRunAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read("read a run").Runs.GetValueOrDefault(id));
    }

    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        var runs = Read("list runs").Runs;

        // The run itself, and every run whose lineage continues below it.
        var subtree = query.SubtreeOf is { } root && runs.TryGetValue(root, out var top) ? top.Lineage + "/" : null;
        var matching = runs.Values
            .Where(r => (query.Agent is null || r.Agent == query.Agent)
                && (query.Tenant is null || r.Tenant == query.Tenant)
                && (query.User is null || r.User == query.User)
                && (query.SubtreeOf is null || r.Id == query.SubtreeOf || (subtree is not null && r.Lineage.StartsWith(subtree, StringComparison.Ordinal)))
                && (!query.OpenOnly || r.EndedAt is null))
            .OrderByDescending(r => r.StartedAt.UtcTicks).ThenBy(r => r.Id, StringComparer.Ordinal);
        IReadOnlyList<RunRecord> list = (query.Limit > 0 ? matching.Take(query.Limit) : matching).ToList();
        return Task.FromResult(list);
    }
}
