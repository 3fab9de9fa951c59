using Mandate.Core;
using Mandate.Core.Configuration;
using Mandate.Core.Storage;
using Mandate.Storage.Postgres;
using Mandate.Storage.Sqlite;

namespace Mandate.Cli.Commands;

/// <summary>
/// The store as offline commands see it (<c>audit verify|query|trace</c>, <c>runs list|show</c>): opened read-only,
/// its schema checked, never migrated, never written, never locked against the broker (<c>audit archive</c> alone
/// opens it writable, see <see cref="WriteAsync"/>). On <c>store: postgres</c> that
/// is the cluster's one store: <c>audit verify</c> checks the one hash chain every node appends to.
/// </summary>
internal static class OfflineStore
{
    /// <summary>
    /// Opens the configured store read-only and runs <paramref name="read"/>. Read commands never migrate and
    /// never take the write lock, so they work beside a running broker; a missing or unreadable store, or a schema
    /// this build does not read, is one line and exit code 2; a store locked by another connection past the busy
    /// timeout, or a PostgreSQL server that cannot be reached now, is one line and exit code 3 (try again).
    /// </summary>
    internal static Task<int> ReadAsync(MandateOptions? options, Func<IMandateStore, Task<int>> read, CancellationToken ct) =>
        OpenAsync(options, readOnly: true, read, ct);

    /// <summary>
    /// Like <see cref="ReadAsync"/> but writable (<c>audit archive</c>): still never migrated, and every write is one
    /// transaction under the store's own write lock, the one a running broker's commits take too.
    /// </summary>
    internal static Task<int> WriteAsync(MandateOptions? options, Func<IMandateStore, Task<int>> write, CancellationToken ct) =>
        OpenAsync(options, readOnly: false, write, ct);

    private static async Task<int> OpenAsync(MandateOptions? options, bool readOnly, Func<IMandateStore, Task<int>> use, CancellationToken ct)
    {
        if (options is null)
        {
            return ExitCodes.Usage;
        }

        PostgresDatabase? database = null;
        try
        {
            database = options.Postgres is null ? null : OpenDatabase(options);
            await using var store = database is null
                ? await OpenSqliteAsync(options, readOnly, ct)
                : await CheckedAsync(new PostgresMandateStore(database, readOnly), s => ((PostgresMandateStore)s).CheckSchemaAsync(ct));
            return store is null ? ExitCodes.Usage : await use(store);
        }
        catch (MandateConfigException e)
        {
            CommonOptions.Report(e);
            return ExitCodes.Usage;
        }
        catch (StoreUnavailableException e) when (e.IsOutage)
        {
            // The database locked by another connection or its server unreachable: nothing was read, and the same command
            // works once it passes, as with a broker answering 503.
            Output.Error($"{e.Message} Nothing was read; try again.");
            return ExitCodes.Unavailable;
        }
        catch (StoreException e)
        {
            // A set-up error (a file that is not a database, refused credentials, a schema this build does not read): one line.
            Output.Error(e.Message);
            return ExitCodes.Usage;
        }
        finally
        {
            if (database is not null)
            {
                await database.DisposeAsync();
            }
        }
    }

    /// <summary>The PostgreSQL connection pool for <c>store: postgres</c>, the connection string read from its variable or file.</summary>
    private static PostgresDatabase OpenDatabase(MandateOptions options)
    {
        var config = options.Postgres!;
        var connectionString = config.ConnectionString.Read(Environment.GetEnvironmentVariable, out var warning);
        if (warning is not null)
        {
            Output.ErrorLine("warning: " + warning);
        }

        try
        {
            return new PostgresDatabase(new PostgresStoreOptions
            {
                ConnectionString = connectionString,
                Schema = config.Schema,
                Node = options.Node + "-cli",
                StatementTimeout = config.StatementTimeout,
                ConnectTimeout = config.ConnectTimeout,
                MaxPoolSize = 2,
            });
        }
        catch (ArgumentException)
        {
            throw new MandateConfigException("the PostgreSQL connection string is not valid; check its keywords (Host, Port, Database, Username, Password, SSL Mode, ...)");
        }
    }

    /// <summary>The SQLite store after checking its schema is the one this build reads; null (reported) when there is none.</summary>
    private static async Task<IMandateStore?> OpenSqliteAsync(MandateOptions options, bool readOnly, CancellationToken ct)
    {
        if (!File.Exists(options.StorePath))
        {
            Output.Error($"no store at {options.StorePath}; has the broker run with this configuration?");
            return null;
        }

        return await CheckedAsync(new SqliteMandateStore(new SqliteStoreOptions { FilePath = options.StorePath, ReadOnly = readOnly }), s => ((SqliteMandateStore)s).CheckSchemaAsync(ct));
    }

    /// <summary><paramref name="store"/> once its schema is the one this build reads (never migrated); closed when it is not.</summary>
    private static async Task<IMandateStore> CheckedAsync(IMandateStore store, Func<IMandateStore, Task> checkSchema)
    {
        try
        {
            await checkSchema(store);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }
}
