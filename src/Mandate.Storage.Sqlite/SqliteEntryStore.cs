using System.Text.Json;
using Mandate.Core.Spiffe;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>Reads and writes the registration_entries table.</summary>
internal static class SqliteEntryStore
{
    private const string Columns = "id, spiffe_id, selectors, x509_ttl_seconds, jwt_ttl_seconds, created_at, created_by";

    public static async Task InsertAsync(SqliteConnection connection, RegistrationEntry entry, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO registration_entries ({Columns}) VALUES ($id, $spiffeId, $selectors, $x509, $jwt, $createdAt, $createdBy);";
        var p = command.Parameters;
        p.AddWithValue("$id", entry.Id);
        p.AddWithValue("$spiffeId", entry.SpiffeId);
        p.AddWithValue("$selectors", JsonSerializer.Serialize(entry.Selectors));
        p.AddWithValue("$x509", SqliteValues.Nullable(entry.X509Ttl is { } x ? (long)x.TotalSeconds : null));
        p.AddWithValue("$jwt", SqliteValues.Nullable(entry.JwtTtl is { } j ? (long)j.TotalSeconds : null));
        p.AddWithValue("$createdAt", SqliteValues.Time(entry.CreatedAt));
        p.AddWithValue("$createdBy", SqliteValues.Nullable(entry.CreatedBy));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task DeleteAsync(SqliteConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM registration_entries WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<IReadOnlyList<RegistrationEntry>> ListAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM registration_entries ORDER BY created_at, id;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<RegistrationEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new RegistrationEntry
            {
                Id = reader.GetString(0),
                SpiffeId = reader.GetString(1),
                Selectors = JsonSerializer.Deserialize<List<string>>(reader.GetString(2)) ?? [],
                X509Ttl = reader.IsDBNull(3) ? null : TimeSpan.FromSeconds(reader.GetInt64(3)),
                JwtTtl = reader.IsDBNull(4) ? null : TimeSpan.FromSeconds(reader.GetInt64(4)),
                CreatedAt = SqliteValues.ParseTime(reader.GetString(5)),
                CreatedBy = reader.IsDBNull(6) ? null : reader.GetString(6),
            });
        }

        return entries;
    }
}
