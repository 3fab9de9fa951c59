using Mandate.Core.Keys;
using Mandate.Core.Revocation;
using Mandate.Core.Runs;

namespace Mandate.Storage.Postgres;

/// <summary>Keys, revocations (and their change cursor) and runs.</summary>
public sealed partial class PostgresMandateStore
{
    public Task<IReadOnlyList<StoredKey>> ListKeysAsync(string purpose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        return ReadAsync("list keys", c => PostgresKeySql.ListAsync(c, purpose, cancellationToken), cancellationToken);
    }

    public Task<IReadOnlyList<Revocation>> ListRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync("list revocations", c => PostgresRevocationSql.ListAsync(c, now, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<RevocationChange>> ReadRevocationChangesAsync(long after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 10_000);
        return ReadAsync("read revocation changes", c => PostgresRevocationSql.ChangesAsync(c, after, limit, cancellationToken), cancellationToken);
    }

    public Task<RunRecord?> GetRunAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return ReadAsync("read a run", c => PostgresRunSql.GetAsync(c, id, cancellationToken), cancellationToken);
    }

    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync("list runs", c => PostgresRunSql.ListAsync(c, query, cancellationToken), cancellationToken);
    }
}
