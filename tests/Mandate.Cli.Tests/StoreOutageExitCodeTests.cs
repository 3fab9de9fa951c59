using Mandate.Core.Audit;
using Mandate.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Mandate.Cli.Tests;

/// <summary>
/// Offline read commands open the store themselves: an outage (the database locked by another connection, a PostgreSQL
/// server that cannot be reached) is exit 3, "nothing done, try again", as a broker answering 503 is; a set-up error (a
/// file that is not a database, refused credentials) stays exit 2.
/// </summary>
public sealed class StoreOutageExitCodeTests
{
    public static TheoryData<string> ReadCommands => new()
    {
        "audit query",
        "audit verify",
        "audit trace --run run_1",
        "runs list",
    };

    [Theory]
    [MemberData(nameof(ReadCommands))]
    public async Task ReadCommand_SqliteLockedByAnotherConnection_OneLineErrorExitThree(string command)
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var db = await TestStore.WriteAsync(dir, new AuditEvent { Kind = AuditKinds.Decision, Time = DateTimeOffset.UtcNow, Outcome = "allow", Run = "run_1" });

        // Exclusive locking mode keeps readers out even of a WAL database, as a long migration or a hand-held lock would.
        await using var holder = new SqliteConnection($"Data Source={db};Pooling=False");
        await holder.OpenAsync();
        await using (var hold = holder.CreateCommand())
        {
            hold.CommandText = "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; DELETE FROM schema_migrations WHERE 0;";
            await hold.ExecuteNonQueryAsync();
        }

        var (exit, output) = await CliRunner.RunAsync([.. command.Split(' '), "-c", config]);

        Assert.True(exit == 3, output);
        Assert.StartsWith("error: ", output.Trim(), StringComparison.Ordinal);
        Assert.Contains("locked", output, StringComparison.Ordinal);
        Assert.Contains("try again", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsList_PostgresOnAClosedPort_OneLineErrorExitThree()
    {
        using var dir = new TempFolder();
        var config = WritePostgres(dir, $"Host=127.0.0.1;Port={LoopbackPort.Refused};Username=mandate;Password=never-shown;Database=mandate;Timeout=2");

        var (exit, output) = await CliRunner.RunAsync("runs", "list", "-c", config);

        Assert.True(exit == 3, output);
        Assert.StartsWith("error: ", output.Trim(), StringComparison.Ordinal);
        Assert.Contains("cannot be reached", output, StringComparison.Ordinal);
        Assert.DoesNotContain("never-shown", output, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task AuditQuery_PostgresRefusesThePassword_OneLineErrorExitTwo()
    {
        using var dir = new TempFolder();
        var wrong = new NpgsqlConnectionStringBuilder(TestPostgresServer.ConnectionString) { Password = "not-the-password" }.ToString();
        var config = WritePostgres(dir, wrong);

        var (exit, output) = await CliRunner.RunAsync("audit", "query", "-c", config);

        Assert.True(exit == 2, output);
        Assert.Contains("refused the credentials", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", output, StringComparison.Ordinal);
    }

    internal static string WritePostgres(TempFolder dir, string connectionString)
    {
        var file = dir.Write("pg.conn", connectionString);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        dir.Write("policy.yaml", "rules: []\n");
        return dir.Write("mandate.yaml", PostgresReadCommandTests.Configuration("mandate", "node-a")
            .Replace("connection_string_env: MANDATE_TEST_PG", "connection_string_file: pg.conn", StringComparison.Ordinal));
    }

}
