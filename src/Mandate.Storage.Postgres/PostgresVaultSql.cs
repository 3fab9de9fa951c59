using Mandate.Core.Secrets;
using Npgsql;

namespace Mandate.Storage.Postgres;

/// <summary>The secrets table (the vault). Only sealed bytes ever reach it.</summary>
internal static class PostgresVaultSql
{
    private const string Upsert = """
        INSERT INTO secrets (tool, version, nonce, tag, ciphertext, created_at, created_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (tool) DO UPDATE SET
            version = excluded.version, nonce = excluded.nonce, tag = excluded.tag, ciphertext = excluded.ciphertext,
            created_at = excluded.created_at, created_by = excluded.created_by;
        """;

    public static NpgsqlBatchCommand UpsertCommand(StoredSecret s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return PostgresValues.BatchCommand(
            Upsert,
            PostgresValues.Text(s.Tool),
            PostgresValues.Integer(s.Version),
            PostgresValues.Bytea(s.Nonce),
            PostgresValues.Bytea(s.Tag),
            PostgresValues.Bytea(s.Ciphertext),
            PostgresValues.Time(s.CreatedAt),
            PostgresValues.Text(s.CreatedBy));
    }

    public static NpgsqlBatchCommand DeleteCommand(SecretDeletion deletion)
    {
        ArgumentNullException.ThrowIfNull(deletion);
        return PostgresValues.BatchCommand("DELETE FROM secrets WHERE tool = $1;", PostgresValues.Text(deletion.Tool));
    }

    public static async Task<StoredSecret?> GetAsync(NpgsqlConnection connection, string tool, CancellationToken cancellationToken)
    {
        await using var command = PostgresValues.Command(
            connection, "SELECT tool, version, created_at, created_by, nonce, tag, ciphertext FROM secrets WHERE tool = $1;", PostgresValues.Text(tool));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredSecret
        {
            Tool = reader.GetString(0),
            Version = reader.GetInt32(1),
            CreatedAt = PostgresValues.ReadTime(reader, 2),
            CreatedBy = reader.GetString(3),
            Nonce = reader.GetFieldValue<byte[]>(4),
            Tag = reader.GetFieldValue<byte[]>(5),
            Ciphertext = reader.GetFieldValue<byte[]>(6),
        };
    }

    public static async Task<IReadOnlyList<SecretMetadata>> ListAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // The sealed columns are not even selected: listing never handles secret material.
        await using var command = PostgresValues.Command(connection, "SELECT tool, version, created_at, created_by FROM secrets ORDER BY tool;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<SecretMetadata>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new SecretMetadata(reader.GetString(0), reader.GetInt32(1), PostgresValues.ReadTime(reader, 2), reader.GetString(3)));
        }

        return list;
    }
}
