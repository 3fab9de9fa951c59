using System.Collections.Concurrent;
using Mandate.Core.Configuration;
using Npgsql;

namespace Mandate.Credentials.Postgres;

/// <summary>
/// One pooled admin data source per postgres tool, built on first use from the tool's
/// <c>admin_connection_env</c> or <c>admin_connection_file</c>. The connection string stays in this
/// process: it is never logged, audited or handed to an agent.
/// </summary>
public sealed class PostgresAdminConnections : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, NpgsqlDataSource> _sources = new(StringComparer.Ordinal);
    private readonly Func<string, string?> _getEnvironment;

    public PostgresAdminConnections()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    public PostgresAdminConnections(Func<string, string?> getEnvironment)
    {
        _getEnvironment = getEnvironment;
    }

    /// <summary>The admin data source of <paramref name="tool"/>; throws <see cref="PostgresAdminUnavailableException"/> when it has none.</summary>
    public NpgsqlDataSource For(ToolOptions tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        if (_sources.TryGetValue(tool.Name, out var existing))
        {
            return existing;
        }

        var pg = tool.Postgres ?? throw new PostgresAdminUnavailableException($"tool '{tool.Name}' has no postgres settings");
        var connectionString = Resolve(tool.Name, pg);
        NpgsqlDataSource created;
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "mandate-broker" };
            created = NpgsqlDataSource.Create(builder);
        }
        catch (ArgumentException e)
        {
            // ArgumentException messages name the bad keyword, not its value.
            throw new PostgresAdminUnavailableException($"the admin connection string of tool '{tool.Name}' is not valid: {e.Message}");
        }

        var winner = _sources.GetOrAdd(tool.Name, created);
        if (!ReferenceEquals(winner, created))
        {
            created.Dispose();
        }

        return winner;
    }

    private string Resolve(string tool, PostgresToolOptions pg)
    {
        try
        {
            return pg.AdminConnection.Read(_getEnvironment, out _);
        }
        catch (MandateConfigException e)
        {
            // The message reaches the agent, so it names the variable but never a server path.
            var where = pg.AdminConnection.EnvironmentVariable is { } variable ? $"environment variable {variable}" : "its file";
            throw new PostgresAdminUnavailableException($"the admin connection of tool '{tool}' cannot be read from {where}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources.Values)
        {
            await source.DisposeAsync();
        }

        _sources.Clear();
    }
}
