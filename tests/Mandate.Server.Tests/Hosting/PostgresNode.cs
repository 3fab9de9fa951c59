using System.Security.Cryptography;
using Mandate.Core.Configuration;
using Mandate.Server.Hosting;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Mandate.Server.Tests.Hosting;

/// <summary>
/// Broker nodes on one private schema of the test PostgreSQL (MANDATE_TEST_PG), each with its own data folder and
/// node name, all with one key-encryption key; the schema is dropped with the last node.
/// </summary>
internal sealed class PostgresNode : IAsyncDisposable
{
    public const string ConnectionVariable = "MANDATE_TEST_NODE_PG";

    private PostgresNode(string directory, MandateOptions options, MandateApp app, CapturedLogs logs)
    {
        Directory = directory;
        Options = options;
        App = app;
        Logs = logs;
        Http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Directory { get; }
    public MandateOptions Options { get; }
    public MandateApp App { get; }
    public MandateRuntime Runtime => App.Runtime;
    public HttpClient Http { get; }
    public CapturedLogs Logs { get; }

    /// <summary>A fresh schema name for one test's nodes.</summary>
    public static string NewSchema() => "mn" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant();

    /// <summary>The environment a node sees: the test server's connection string and <paramref name="kek"/> (none when null).</summary>
    public static Func<string, string?> Environment(string? kek, string? connectionString = null) => name => name switch
    {
        ConnectionVariable => connectionString ?? TestPostgresServer.ConnectionString,
        "MANDATE_KEK" => kek,
        _ => null,
    };

    public static string Configuration(string node, string schema) =>
        TestBroker.Configuration.Replace("node: node-a", "node: " + node, StringComparison.Ordinal)
        + $"\nstore: postgres\npostgres:\n  connection_string_env: {ConnectionVariable}\n  schema: {schema}\n";

    /// <summary>Starts node <paramref name="node"/> on <paramref name="schema"/>.</summary>
    public static async Task<PostgresNode> StartAsync(string node, string schema, string kek)
    {
        var directory = Path.Combine(Path.GetTempPath(), "mdn-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            var options = await WriteConfigurationAsync(directory, Configuration(node, schema));
            var logs = new CapturedLogs();
            var app = await MandateServer.CreateAsync(options, HostOptions(Environment(kek), logs));
            try
            {
                await app.StartAsync();
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }

            return new PostgresNode(directory, options, app, logs);
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public static async Task<MandateOptions> WriteConfigurationAsync(string directory, string configuration)
    {
        await File.WriteAllTextAsync(Path.Combine(directory, "policy.yaml"), TestBroker.Policy);
        await File.WriteAllTextAsync(Path.Combine(directory, "mandate.yaml"), configuration);
        return ConfigLoader.LoadFile(Path.Combine(directory, "mandate.yaml"));
    }

    public static MandateHostOptions HostOptions(Func<string, string?> environment, CapturedLogs logs) => new()
    {
        ConfigureLogging = builder =>
        {
            builder.AddProvider(logs);
            builder.AddFilter<CapturedLogs>(null, LogLevel.Trace);
        },
        ListenUrl = "http://127.0.0.1:0",
        GetEnvironment = environment,
        WatchPolicy = false,
        LogLevel = LogLevel.Warning,
    };

    /// <summary>Drops <paramref name="schema"/> and everything in it.</summary>
    public static async Task DropSchemaAsync(string schema)
    {
        if (TestPostgresServer.ConnectionStringOrNull is not { } server)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
