using System.Security.Cryptography;
using System.Text;
using Mandate.Core.Storage;
using Mandate.SenderConstraint;
using Npgsql;
using NpgsqlTypes;

namespace Mandate.Storage.Postgres.Cluster;

/// <summary>
/// The DPoP proof replay guard shared by every node (RFC 9449 §11.1): a proof's key is recorded in
/// <c>dpop_proofs</c> by its SHA-256, so a proof replayed on any node finds it. One statement decides: the insert
/// wins, or it revives an expired row, or the key is live and the proof is a replay. Expired rows are purged now
/// and then (at most every 30 s per node, a bounded batch) rather than on every call.
/// </summary>
public sealed class PostgresProofReplayGuard : IProofReplayGuard
{
    /// <summary>Least time between two purges of expired rows by this node.</summary>
    internal static readonly TimeSpan PurgeInterval = TimeSpan.FromSeconds(30);

    /// <summary>Most expired rows one purge deletes, so it never holds up the call that runs it for long.</summary>
    internal const int PurgeBatch = 1000;

    private const string Record = """
        INSERT INTO dpop_proofs (key_hash, expires_at) VALUES (@key_hash, @expires_at)
        ON CONFLICT (key_hash) DO UPDATE SET expires_at = excluded.expires_at
        WHERE dpop_proofs.expires_at <= @now
        RETURNING 1
        """;

    private const string Purge = """
        DELETE FROM dpop_proofs WHERE key_hash IN (
            SELECT key_hash FROM dpop_proofs WHERE expires_at <= @now LIMIT @batch)
        """;

    private readonly PostgresDatabase _database;
    private long _nextPurgeTicks;

    public PostgresProofReplayGuard(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public async ValueTask<ReplayCacheOutcome> TryAddAsync(string key, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken);
            bool added;
            await using (var record = new NpgsqlCommand(Record, connection))
            {
                record.Parameters.Add(new NpgsqlParameter<byte[]>("key_hash", NpgsqlDbType.Bytea) { TypedValue = SHA256.HashData(Encoding.UTF8.GetBytes(key)) });
                record.Parameters.Add(new NpgsqlParameter<long>("expires_at", NpgsqlDbType.Bigint) { TypedValue = expiresAt.UtcTicks });
                record.Parameters.Add(new NpgsqlParameter<long>("now", NpgsqlDbType.Bigint) { TypedValue = now.UtcTicks });
                added = await record.ExecuteScalarAsync(cancellationToken) is not null;
            }

            if (TakePurgeTurn(now))
            {
                await TryPurgeAsync(connection, now, cancellationToken);
            }

            return added ? ReplayCacheOutcome.Added : ReplayCacheOutcome.Replayed;
        }
        catch (Exception e) when (PostgresOutages.IsOutage(e) && !cancellationToken.IsCancellationRequested)
        {
            throw new StoreUnavailableException(
                $"Could not check a DPoP proof for replay at {_database.Description}: {PostgresOutages.Describe(e)}. The proof is refused until PostgreSQL answers.", e);
        }
    }

    // One caller per interval gets the turn, without a lock: the others go on at once.
    private bool TakePurgeTurn(DateTimeOffset now)
    {
        var next = Interlocked.Read(ref _nextPurgeTicks);
        return now.UtcTicks >= next
            && Interlocked.CompareExchange(ref _nextPurgeTicks, (now + PurgeInterval).UtcTicks, next) == next;
    }

    // The answer is already committed: a failed purge only leaves expired rows for the next turn.
    private static async Task TryPurgeAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await using var purge = new NpgsqlCommand(Purge, connection);
            purge.Parameters.Add(new NpgsqlParameter<long>("now", NpgsqlDbType.Bigint) { TypedValue = now.UtcTicks });
            purge.Parameters.Add(new NpgsqlParameter<int>("batch", NpgsqlDbType.Integer) { TypedValue = PurgeBatch });
            await purge.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (PostgresOutages.IsOutage(e))
        {
        }
    }
}
