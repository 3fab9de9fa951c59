using Mandate.Core.Keys;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>Reads keys and revocations, each query on its own read connection.</summary>
internal static class SqliteStateReader
{
    public static async Task<IReadOnlyList<StoredKey>> ListKeysAsync(
        SqliteConnection connection, string purpose, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT kid, purpose, algorithm, sealed_private_key, public_jwk, created_at, retired_at, publish_until, node
            FROM keys WHERE purpose = $purpose ORDER BY created_at, kid;
            """;
        command.Parameters.AddWithValue("$purpose", purpose);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<StoredKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new StoredKey
            {
                Kid = reader.GetString(0),
                Purpose = reader.GetString(1),
                Algorithm = reader.GetString(2),
                SealedPrivateKey = (byte[])reader.GetValue(3),
                PublicJwk = reader.GetString(4),
                CreatedAt = SqliteValues.ParseTime(reader.GetString(5)),
                RetiredAt = OptionalTime(reader, 6),
                PublishUntil = OptionalTime(reader, 7),
                Node = reader.GetString(8),
            });
        }

        return keys;
    }

    public static async Task<IReadOnlyList<Core.Revocation.Revocation>> ListRevocationsAsync(
        SqliteConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, target, value, revoked_at, keep_until, revoked_by, reason, lifted_at
            FROM revocations WHERE keep_until > $now ORDER BY revoked_at, id;
            """;
        command.Parameters.AddWithValue("$now", SqliteValues.Time(now));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var revocations = new List<Core.Revocation.Revocation>();
        while (await reader.ReadAsync(cancellationToken))
        {
            revocations.Add(ReadRevocation(reader));
        }

        return revocations;
    }

    public static async Task<IReadOnlyList<Core.Revocation.RevocationChange>> ReadRevocationChangesAsync(
        SqliteConnection connection, long after, int limit, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, target, value, revoked_at, keep_until, revoked_by, reason, lifted_at, change_seq
            FROM revocations WHERE change_seq > $after ORDER BY change_seq LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var changes = new List<Core.Revocation.RevocationChange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(new Core.Revocation.RevocationChange(reader.GetInt64(8), ReadRevocation(reader)));
        }

        return changes;
    }

    private static Core.Revocation.Revocation ReadRevocation(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Target = SqliteValues.ParseTarget(reader.GetString(1)),
        Value = reader.GetString(2),
        RevokedAt = SqliteValues.ParseTime(reader.GetString(3)),
        KeepUntil = SqliteValues.ParseTime(reader.GetString(4)),
        RevokedBy = reader.GetString(5),
        Reason = reader.IsDBNull(6) ? null : reader.GetString(6),
        LiftedAt = OptionalTime(reader, 7),
    };

    private static DateTimeOffset? OptionalTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : SqliteValues.ParseTime(reader.GetString(ordinal));
}
