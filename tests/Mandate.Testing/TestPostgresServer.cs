namespace Mandate.Testing;

/// <summary>The PostgreSQL server tests run against: MANDATE_TEST_PG, a superuser connection string (.ci/postgres.sh starts one).</summary>
public static class TestPostgresServer
{
    public static string? ConnectionStringOrNull => Environment.GetEnvironmentVariable("MANDATE_TEST_PG") is { Length: > 0 } cs ? cs : null;

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The connection string; fails the test when it is missing under CI=true.</summary>
    public static string ConnectionString => ConnectionStringOrNull
        ?? throw new Xunit.Sdk.XunitException("MANDATE_TEST_PG is not set, but CI=true: PostgreSQL must be tested against a real server (.ci/run starts one)");
}
