using Mandate.Core.Keys;
using Npgsql;

namespace Mandate.Storage.Postgres;

/// <summary>The keys table: sealed private keys and their public JWKs, shared by every node.</summary>
internal static class PostgresKeySql
{
    private const string Columns = "kid, purpose, algorithm, sealed_private_key, public_jwk, created_at, retired_at, publish_until, node";

    private const string Upsert = $"""
        INSERT INTO keys ({Columns})
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        ON CONFLICT (kid) DO UPDATE SET
            purpose = excluded.purpose,
            algorithm = excluded.algorithm,
            sealed_private_key = excluded.sealed_private_key,
            public_jwk = excluded.public_jwk,
            created_at = excluded.created_at,
            retired_at = excluded.retired_at,
            publish_until = excluded.publish_until,
            node = excluded.node;
        """;

    public static NpgsqlBatchCommand UpsertCommand(StoredKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return PostgresValues.BatchCommand(
            Upsert,
            PostgresValues.Text(key.Kid),
            PostgresValues.Text(key.Purpose),
            PostgresValues.Text(key.Algorithm),
            PostgresValues.Bytea(key.SealedPrivateKey),
            PostgresValues.Text(key.PublicJwk),
            PostgresValues.Time(key.CreatedAt),
            PostgresValues.Time(key.RetiredAt),
            PostgresValues.Time(key.PublishUntil),
            PostgresValues.Text(key.Node));
    }

    public static async Task<IReadOnlyList<StoredKey>> ListAsync(NpgsqlConnection connection, string purpose, CancellationToken cancellationToken)
    {
        await using var command = PostgresValues.Command(
            connection, $"SELECT {Columns} FROM keys WHERE purpose = $1 ORDER BY created_at, kid;", PostgresValues.Text(purpose));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<StoredKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new StoredKey
            {
                Kid = reader.GetString(0),
                Purpose = reader.GetString(1),
                Algorithm = reader.GetString(2),
                SealedPrivateKey = reader.GetFieldValue<byte[]>(3),
                PublicJwk = reader.GetString(4),
                CreatedAt = PostgresValues.ReadTime(reader, 5),
                RetiredAt = PostgresValues.ReadOptionalTime(reader, 6),
                PublishUntil = PostgresValues.ReadOptionalTime(reader, 7),
                Node = reader.GetString(8),
            });
        }

        return keys;
    }
}
