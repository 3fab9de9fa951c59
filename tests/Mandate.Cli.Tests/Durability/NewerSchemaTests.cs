using Microsoft.Data.Sqlite;

namespace Mandate.Cli.Tests.Durability;

/// <summary><c>mandate serve</c> over a store that a newer Mandate migrated: refused, never used.</summary>
public sealed class NewerSchemaTests
{
    [Fact]
    public async Task Serve_StoreMigratedByANewerMandate_ExitsTwoWithOneLineAndLeavesTheStoreAlone()
    {
        using var dir = new TempFolder();
        var config = DurabilityConfig.Write(dir);
        var database = await TestStore.WriteAsync(dir);
        await ExecuteAsync(database, "INSERT INTO schema_migrations (version, name, applied_at) SELECT MAX(version) + 1, 'from_a_newer_mandate', '2031-01-01T00:00:00.0000000Z' FROM schema_migrations;");
        var before = await ExecuteAsync(database, "SELECT (SELECT COUNT(*) FROM schema_migrations) || '/' || (SELECT COUNT(*) FROM sqlite_master);");

        var (exit, output) = await BrokerProcess.RefusedAsync(config, TimeSpan.FromSeconds(60));

        Assert.True(exit == 2, output);
        // Start-up logs (the policy loaded) come first; the refusal is one error line, without a stack trace.
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains("newer Mandate", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.Equal(before, await ExecuteAsync(database, "SELECT (SELECT COUNT(*) FROM schema_migrations) || '/' || (SELECT COUNT(*) FROM sqlite_master);"));
    }

    private static async Task<string?> ExecuteAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}
