using System.Globalization;
using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>
/// Applies the embedded migrations in order, each once, each in its own write transaction. The version
/// is re-read inside every transaction, so two processes migrating the same file at once still apply
/// each script exactly once.
/// </summary>
internal static class SqliteMigrator
{
    private const string CreateHistory = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at TEXT NOT NULL
        ) STRICT;
        """;

    public static async Task MigrateAsync(
        SqliteConnection connection, string description, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        foreach (var migration in SqliteMigration.Embedded)
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            await ExecuteAsync(connection, CreateHistory, cancellationToken);
            var current = await CurrentVersionAsync(connection, cancellationToken);
            if (current > SqliteMigration.LatestVersion)
            {
                throw new StoreSchemaException(
                    $"The database {description} has schema version {current}, but this build of Mandate knows versions up to "
                    + $"{SqliteMigration.LatestVersion}. It was migrated by a newer Mandate; run that version, or restore a backup "
                    + "taken before the upgrade.");
            }

            if (current >= migration.Version)
            {
                // Already applied; disposing the transaction releases the write lock without changes.
                continue;
            }

            if (current != migration.Version - 1)
            {
                throw new StoreSchemaException(
                    $"The database {description} is at schema version {current}, which cannot be followed by version {migration.Version}.");
            }

            await ExecuteAsync(connection, migration.Sql, cancellationToken);
            await RecordAsync(connection, migration, timeProvider.GetUtcNow(), cancellationToken);
            transaction.Commit();
        }
    }

    /// <summary>The highest applied version, or 0 for a new database.</summary>
    public static async Task<long> CurrentVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>The highest applied version without creating anything: 0 when the history table is missing.</summary>
    public static async Task<long> ReadVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations';";
        var exists = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0;
        return exists ? await CurrentVersionAsync(connection, cancellationToken) : 0;
    }

    /// <summary>
    /// Read before the writer first opens the file, because that open turns on WAL and owner-only permissions,
    /// which must not happen to another application's database. A file SQLite cannot read is left to the writer,
    /// which reports it as for any store.
    /// </summary>
    public static async Task RefuseForeignDatabaseAsync(
        SqliteConnectionFactory connections, string description, CancellationToken cancellationToken)
    {
        var file = new FileInfo(connections.FullPath);
        if (!file.Exists || file.Length == 0)
        {
            return;
        }

        try
        {
            await using var reader = await connections.OpenReaderAsync(cancellationToken);
            await RefuseForeignDatabaseAsync(reader, description, cancellationToken);
        }
        catch (SqliteException)
        {
            // Not a database, or locked: the writer's open says which, as it did before this check.
        }
    }

    /// <summary>
    /// A file with tables but no Mandate schema is another application's database (<c>store:</c> pointed at the
    /// wrong file): migrating would write Mandate's tables into it. The history table and the first migration commit
    /// together, so a store another process is creating shows either nothing or its version here.
    /// </summary>
    private static async Task RefuseForeignDatabaseAsync(
        SqliteConnection connection, string description, CancellationToken cancellationToken)
    {
        if (await ReadVersionAsync(connection, cancellationToken) > 0)
        {
            return;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_' "
            + "AND name <> 'schema_migrations' ORDER BY name LIMIT 4;";
        var tables = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }

        if (tables.Count > 0)
        {
            throw new StoreSchemaException(
                $"The database {description} holds tables of another application ({string.Join(", ", tables.Take(3))}"
                + $"{(tables.Count > 3 ? ", …" : "")}) and no Mandate store, so Mandate will not write its own tables into it; "
                + "point 'store' at a new file, or remove it to use {data_dir}/mandate.db.");
        }
    }

    /// <summary>Read-only commands read only the schema they were built for; they never migrate.</summary>
    public static void RequireCurrent(long current, string description)
    {
        if (current > SqliteMigration.LatestVersion)
        {
            throw new StoreSchemaException(
                $"The database {description} has schema version {current}, newer than the {SqliteMigration.LatestVersion} this build reads; "
                + "use the mandate CLI of the version that migrated it.");
        }

        if (current == 0)
        {
            // Starting the broker on it, as the message for an older schema says, would write Mandate's tables into
            // another application's database.
            throw new StoreSchemaException(
                $"The database {description} holds no Mandate store (no schema version): it is empty or another application's "
                + "database; check 'store' and 'data_dir' in the configuration.");
        }

        if (current < SqliteMigration.LatestVersion)
        {
            throw new StoreSchemaException(
                $"The database {description} has schema version {current}, older than the {SqliteMigration.LatestVersion} this build reads, "
                + "and read commands never migrate; start 'mandate serve' of this version once (it migrates at start), or use the older CLI.");
        }
    }

    private static async Task RecordAsync(
        SqliteConnection connection, SqliteMigration migration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($version, $name, $appliedAt);";
        command.Parameters.AddWithValue("$version", migration.Version);
        command.Parameters.AddWithValue("$name", migration.Name);
        command.Parameters.AddWithValue("$appliedAt", AuditCanonicalJson.FormatTime(now));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
