using System.Globalization;
using Mandate.Core.Storage;
using Npgsql;

namespace Mandate.Storage.Postgres;

/// <summary>
/// Creates the schema and applies the embedded migrations in order, each once, all in one transaction that first
/// takes an advisory lock derived from the schema name: nodes starting together wait for one another, and each
/// sees the history the previous one committed. DDL is transactional in PostgreSQL, so a failure leaves nothing.
/// </summary>
internal static class PostgresMigrator
{
    private const int MigrationTimeoutSeconds = 600;
    private const string MigrationTimeoutMilliseconds = "600000";

    private const string CreateHistory = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    integer PRIMARY KEY,
            name       text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        """;

    /// <summary>Applies what is missing; returns the versions this call applied.</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string description, CancellationToken cancellationToken)
    {
        // A migration may build indexes over large tables, and a node starting beside a migrating one waits for it:
        // both take longer than a request's statement timeout, so this transaction gets its own (server and client).
        await using (var timeout = PostgresValues.Command(
            connection, "SELECT set_config('statement_timeout', $1, true);", PostgresValues.Text(MigrationTimeoutMilliseconds)))
        {
            timeout.Transaction = transaction;
            await timeout.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = PostgresValues.Command(
            connection, "SELECT pg_advisory_xact_lock($1);", PostgresValues.Bigint(PostgresLockKeys.For(schema, PostgresLockKeys.Migrate))))
        {
            command.Transaction = transaction;
            command.CommandTimeout = MigrationTimeoutSeconds;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // An identifier cannot be a parameter; it is quoted (quotes doubled) so any name is taken literally.
        await ExecuteAsync(connection, transaction, $"CREATE SCHEMA IF NOT EXISTS {QuoteIdentifier(schema)};", cancellationToken);
        await ExecuteAsync(connection, transaction, CreateHistory, cancellationToken);
        var applied = await AppliedVersionsAsync(connection, transaction, cancellationToken);
        var current = applied.Count == 0 ? 0 : applied.Max();
        if (current > PostgresMigration.LatestVersion)
        {
            throw new StoreSchemaException(
                $"The database {description} has schema version {current}, but this build of Mandate knows versions up to "
                + $"{PostgresMigration.LatestVersion}. It was migrated by a newer Mandate; run that version, or restore a backup "
                + "taken before the upgrade.");
        }

        var done = new List<int>();
        foreach (var migration in PostgresMigration.Embedded)
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }

            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            await using var record = PostgresValues.Command(
                connection,
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2);",
                PostgresValues.Integer(migration.Version),
                PostgresValues.Text(migration.Name));
            record.Transaction = transaction;
            await record.ExecuteNonQueryAsync(cancellationToken);
            done.Add(migration.Version);
        }

        return done;
    }

    /// <summary>The highest applied version without creating anything: 0 when the schema or its history is missing.</summary>
    public static async Task<long> ReadVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // to_regclass resolves through the search path (the store's schema) and is null, not an error, when absent.
        await using var exists = PostgresValues.Command(connection, "SELECT to_regclass('schema_migrations') IS NOT NULL;");
        if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
        {
            return 0;
        }

        await using var command = PostgresValues.Command(connection, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>A read-only store reads only the schema it was built for; it never migrates.</summary>
    public static void RequireCurrent(long current, string description)
    {
        if (current == 0)
        {
            throw new StoreSchemaException(
                $"The database {description} has no Mandate schema (no schema_migrations table); start 'mandate serve' "
                + "once against it (it migrates at start), and check the schema name in the configuration.");
        }

        if (current > PostgresMigration.LatestVersion)
        {
            throw new StoreSchemaException(
                $"The database {description} has schema version {current}, newer than the {PostgresMigration.LatestVersion} this build reads; "
                + "use the Mandate version that migrated it.");
        }

        if (current < PostgresMigration.LatestVersion)
        {
            throw new StoreSchemaException(
                $"The database {description} has schema version {current}, older than the {PostgresMigration.LatestVersion} this build reads, "
                + "and a read-only store never migrates; start 'mandate serve' of this version once (it migrates at start), or use the older version.");
        }
    }

    internal static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<HashSet<int>> AppliedVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = PostgresValues.Command(connection, "SELECT version FROM schema_migrations;");
        command.Transaction = transaction;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new HashSet<int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = MigrationTimeoutSeconds };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
