using Mandate.Core.Configuration;

namespace Mandate.Core.Tests.Configuration;

/// <summary><c>store: postgres</c> and its <c>postgres:</c> section: what is read, and every refusal.</summary>
public sealed class PostgresConfigTests
{
    private static string WithPostgres(string section) => ConfigTestData.Minimal + "\nstore: postgres\npostgres:\n" + section;

    [Fact]
    public void Parse_NoStore_IsSqliteInTheDataDirectory()
    {
        var options = ConfigTestData.Parse(ConfigTestData.Minimal);

        Assert.Null(options.Postgres);
        Assert.Equal(Path.Combine(ConfigTestData.Folder, ".mandate", "mandate.db"), options.StorePath);
    }

    [Fact]
    public void Parse_StoreIsAPath_IsSqliteAtThatPath()
    {
        var options = ConfigTestData.Parse(ConfigTestData.Minimal + "\nstore: data/broker.db");

        Assert.Null(options.Postgres);
        Assert.Equal(Path.Combine(ConfigTestData.Folder, "data", "broker.db"), options.StorePath);
    }

    [Fact]
    public void Parse_StorePostgresWithEnvironmentVariable_ReadsEveryKey()
    {
        var postgres = ConfigTestData.Parse(WithPostgres("""
              connection_string_env: MANDATE_PG
              schema: broker_prod
              statement_timeout: 3s
              connect_timeout: 2s
              max_pool_size: 20
            """)).Postgres;

        Assert.NotNull(postgres);
        Assert.Equal("MANDATE_PG", postgres.ConnectionString.EnvironmentVariable);
        Assert.Null(postgres.ConnectionString.File);
        Assert.Equal("broker_prod", postgres.Schema);
        Assert.Equal(TimeSpan.FromSeconds(3), postgres.StatementTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), postgres.ConnectTimeout);
        Assert.Equal(20, postgres.MaxPoolSize);
        Assert.Equal("env:MANDATE_PG", postgres.ConnectionString.Source);
    }

    [Fact]
    public void Parse_StorePostgresWithFile_ResolvesTheFileAndKeepsDefaults()
    {
        var postgres = ConfigTestData.Parse(WithPostgres("  connection_string_file: secrets/pg.conn")).Postgres;

        Assert.NotNull(postgres);
        Assert.Equal(Path.Combine(ConfigTestData.Folder, "secrets", "pg.conn"), postgres.ConnectionString.File);
        Assert.Equal("mandate", postgres.Schema);
        Assert.Equal(TimeSpan.FromSeconds(5), postgres.StatementTimeout);
        Assert.Equal(50, postgres.MaxPoolSize);
    }

    [Fact]
    public void Parse_InlineConnectionString_RefusedNamingTheEnvironmentVariableAndFileKeys()
    {
        var problem = ConfigTestData.SingleProblem(WithPostgres("""
              connection_string_env: MANDATE_PG
              connection_string: Host=db;Password=hunter2
            """));

        Assert.Equal("postgres.connection_string", problem.Path);
        Assert.Contains("connection_string_env", problem.Message, StringComparison.Ordinal);
        Assert.Contains("connection_string_file", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StorePostgresWithoutSection_RefusedSayingWhatToSet()
    {
        var problem = ConfigTestData.SingleProblem(ConfigTestData.Minimal + "\nstore: postgres");

        Assert.Equal("postgres.connection_string_env", problem.Path);
        Assert.Contains("connection_string_file", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BothEnvironmentVariableAndFile_Refused()
    {
        var problem = ConfigTestData.SingleProblem(WithPostgres("""
              connection_string_env: MANDATE_PG
              connection_string_file: pg.conn
            """));

        Assert.Equal("postgres.connection_string_file", problem.Path);
        Assert.Contains("not both", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PostgresSectionWithSqliteStore_Refused()
    {
        var problem = ConfigTestData.SingleProblem(ConfigTestData.Minimal + "\npostgres:\n  connection_string_env: MANDATE_PG");

        Assert.Equal("postgres", problem.Path);
        Assert.Contains("store: postgres", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("schema: Mandate-Prod", "postgres.schema", "schema name")]
    [InlineData("schema: 1mandate", "postgres.schema", "schema name")]
    [InlineData("max_pool_size: 0", "postgres.max_pool_size", "whole number")]
    [InlineData("max_pool_size: 5000", "postgres.max_pool_size", "whole number")]
    [InlineData("statement_timeout: 10m", "postgres.statement_timeout", "at most 5m")]
    [InlineData("connect_timeout: soon", "postgres.connect_timeout", "not a duration")]
    [InlineData("conection_string_env: X", "postgres.conection_string_env", "unknown key")]
    public void Parse_BadPostgresValue_ReportsItsKey(string line, string path, string message)
    {
        var problems = ConfigTestData.Problems(WithPostgres("  connection_string_env: MANDATE_PG\n  " + line));

        Assert.Contains(problems, p => p.Path == path && p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("node: \"broker a\"")]
    [InlineData("node: broker/a")]
    public void Parse_BadNodeName_Refused(string line)
    {
        var problem = ConfigTestData.SingleProblem(ConfigTestData.Minimal + "\n" + line);

        Assert.Equal("node", problem.Path);
    }
}
