using Mandate.Core.Secrets;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>Reads and writes the <c>secrets</c> table (the vault). Only sealed bytes ever reach it.</summary>
internal static class SqliteSecretStore
{
    private const string Upsert = """
        INSERT INTO secrets (tool, version, nonce, tag, ciphertext, created_at, created_by)
        VALUES ($tool, $version, $nonce, $tag, $ciphertext, $createdAt, $createdBy)
        ON CONFLICT (tool) DO UPDATE SET
            version = excluded.version, nonce = excluded.nonce, tag = excluded.tag, ciphertext = excluded.ciphertext,
            created_at = excluded.created_at, created_by = excluded.created_by;
        """;

    public static async Task UpsertAsync(SqliteConnection connection, StoredSecret s, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Upsert;
        var p = command.Parameters;
        p.AddWithValue("$tool", s.Tool);
        p.AddWithValue("$version", s.Version);
        p.AddWithValue("$nonce", s.Nonce);
        p.AddWithValue("$tag", s.Tag);
        p.AddWithValue("$ciphertext", s.Ciphertext);
        p.AddWithValue("$createdAt", SqliteValues.Time(s.CreatedAt));
        p.AddWithValue("$createdBy", s.CreatedBy);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task DeleteAsync(SqliteConnection connection, string tool, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM secrets WHERE tool = $tool;";
        command.Parameters.AddWithValue("$tool", tool);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<StoredSecret?> GetAsync(SqliteConnection connection, string tool, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT tool, version, created_at, created_by, nonce, tag, ciphertext FROM secrets WHERE tool = $tool;";
        command.Parameters.AddWithValue("$tool", tool);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredSecret
        {
            Tool = reader.GetString(0),
            Version = reader.GetInt32(1),
            CreatedAt = SqliteValues.ParseTime(reader.GetString(2)),
            CreatedBy = reader.GetString(3),
            Nonce = (byte[])reader.GetValue(4),
            Tag = (byte[])reader.GetValue(5),
            Ciphertext = (byte[])reader.GetValue(6),
        };
    }

    public static async Task<IReadOnlyList<SecretMetadata>> ListAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        // The sealed columns are not even selected: listing never handles secret material.
        command.CommandText = "SELECT tool, version, created_at, created_by FROM secrets ORDER BY tool;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<SecretMetadata>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new SecretMetadata(reader.GetString(0), reader.GetInt32(1), SqliteValues.ParseTime(reader.GetString(2)), reader.GetString(3)));
        }

        return list;
    }
}
