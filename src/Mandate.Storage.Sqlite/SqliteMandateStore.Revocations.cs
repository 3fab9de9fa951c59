using Mandate.Core.Revocation;

namespace Mandate.Storage.Sqlite;

/// <summary>Revocations and their change cursor; writes go through <see cref="CommitAsync"/>.</summary>
public sealed partial class SqliteMandateStore
{
    public Task<IReadOnlyList<RevocationChange>> ReadRevocationChangesAsync(long after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 10_000);
        return ReadAsync(
            "read revocation changes",
            connection => SqliteStateReader.ReadRevocationChangesAsync(connection, after, limit, cancellationToken),
            cancellationToken);
    }

    public Task<IReadOnlyList<Revocation>> ListRevocationsAsync(
        DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync(
            "list revocations",
            connection => SqliteStateReader.ListRevocationsAsync(connection, now, cancellationToken),
            cancellationToken);
}
