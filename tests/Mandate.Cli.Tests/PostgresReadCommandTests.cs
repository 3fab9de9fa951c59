using System.Security.Cryptography;
using Mandate.Core.Configuration;
using Mandate.Server.Hosting;
using Mandate.Testing;
using Npgsql;

namespace Mandate.Cli.Tests;

/// <summary>Offline read commands on <c>store: postgres</c>: the cluster's one store, read-only, never migrated.</summary>
public sealed class PostgresReadCommandTests
{
    // The test runner's own variable: the CLI reads the connection string from the environment like a node does.
    private const string ConnectionVariable = "MANDATE_TEST_PG";

    [PostgresFact]
    public async Task AuditVerify_TwoNodesAppended_VerifiesTheWholeClusterChain()
    {
        var schema = NewSchema();
        using var dirA = new TempFolder();
        using var dirB = new TempFolder();
        var kek = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        try
        {
            var configA = Write(dirA, schema, "node-a");
            await using (var a = await StartAsync(configA, kek))
            await using (var b = await StartAsync(Write(dirB, schema, "node-b"), kek))
            {
                var (verified, output) = await CliRunner.RunAsync("audit", "verify", "-c", configA);

                Assert.True(verified == 0, output);
                Assert.Contains("audit chain intact", output, StringComparison.Ordinal);
            }

            var (queried, queryOutput) = await CliRunner.RunAsync("audit", "query", "--json", "-c", configA);
            Assert.True(queried == 0, queryOutput);
            Assert.Contains("node-a", queryOutput, StringComparison.Ordinal);
            Assert.Contains("node-b", queryOutput, StringComparison.Ordinal);
        }
        finally
        {
            await DropSchemaAsync(schema);
        }
    }

    [PostgresFact]
    public async Task Invariant5_AuditVerify_RecordEditedWithTheTriggersOff_ExitsOneNamingTheRecord()
    {
        var schema = NewSchema();
        using var dir = new TempFolder();
        try
        {
            var config = Write(dir, schema, "node-a");
            await (await StartAsync(config, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)))).DisposeAsync();
            await using (var connection = new NpgsqlConnection(TestPostgresServer.ConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    $"SET search_path TO \"{schema}\"; ALTER TABLE audit DISABLE TRIGGER USER; UPDATE audit SET time = time + 1 WHERE seq = 1; ALTER TABLE audit ENABLE TRIGGER USER;",
                    connection);
                await command.ExecuteNonQueryAsync();
            }

            var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config);

            Assert.True(exit == 1, output);
            Assert.Contains("audit chain broken at record #1", output, StringComparison.Ordinal);
        }
        finally
        {
            await DropSchemaAsync(schema);
        }
    }

    [PostgresFact]
    public async Task AuditVerify_SchemaNeverMigrated_RefusesInOneLineAndCreatesNothing()
    {
        var schema = NewSchema();
        using var dir = new TempFolder();
        try
        {
            var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", Write(dir, schema, "node-a"));

            Assert.Equal(2, exit);
            Assert.StartsWith("error: ", output.Trim(), StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
            Assert.False(await SchemaExistsAsync(schema), "a read command created the schema");
        }
        finally
        {
            await DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task RunsList_ConnectionVariableUnset_OneLineNamingTheVariable()
    {
        using var dir = new TempFolder();
        dir.Write("policy.yaml", "rules: []\n");
        var config = dir.Write("mandate.yaml", Configuration("mandate", "node-a").Replace(ConnectionVariable, "MANDATE_CLI_TEST_UNSET_PG", StringComparison.Ordinal));

        var (exit, output) = await CliRunner.RunAsync("runs", "list", "-c", config);

        Assert.Equal(2, exit);
        Assert.Equal(
            "error: postgres.connection_string_env names the environment variable MANDATE_CLI_TEST_UNSET_PG, which is not set or empty; export it, or name a file with postgres.connection_string_file",
            Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Trim());
    }

    private static string NewSchema() => "mc" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant();

    internal static string Configuration(string schema, string node) => $$"""
        trust_domain: acme.example
        node: {{node}}
        data_dir: data
        policy: policy.yaml
        store: postgres
        postgres:
          connection_string_env: {{ConnectionVariable}}
          schema: {{schema}}
        issuers:
          - { name: workloads, kind: workload, issuer: https://spire.acme.example, jwks_file: data/workloads.jwks.json, dev_signer: true }
        tools:
          - { name: crm, resource: https://crm.acme.example, scopes: [crm:read] }
        agents:
          - { id: spiffe://acme.example/agents/a, tenants: [acme], tools: [crm] }
        """;

    private static string Write(TempFolder dir, string schema, string node)
    {
        dir.Write("policy.yaml", "rules: []\n");
        return dir.Write("mandate.yaml", Configuration(schema, node));
    }

    private static async Task<MandateApp> StartAsync(string config, string kek)
    {
        var server = TestPostgresServer.ConnectionString;
        var app = await MandateServer.CreateAsync(ConfigLoader.LoadFile(config), TestBroker.Options() with
        {
            GetEnvironment = name => name switch { ConnectionVariable => server, "MANDATE_KEK" => kek, _ => null },
        });
        await app.StartAsync();
        return app;
    }

    private static async Task<bool> SchemaExistsAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(TestPostgresServer.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_namespace WHERE nspname = $1", connection) { Parameters = { new() { Value = schema } } };
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    private static async Task DropSchemaAsync(string schema)
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
}
