using Xunit;

namespace Mandate.Testing;

/// <summary>
/// A test that needs the real PostgreSQL server named by MANDATE_TEST_PG. On a developer machine without
/// one it is skipped with the reason; in CI (CI=true) it runs and fails, because a missing server there
/// means the boundary went untested.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        Skip = SkipReason;
    }

    /// <summary>Why a PostgreSQL test is skipped here, or null when it runs.</summary>
    internal static string? SkipReason =>
        TestPostgresServer.ConnectionStringOrNull is null && !TestPostgresServer.InCi
            ? "MANDATE_TEST_PG is not set: start PostgreSQL as .ci/postgres.sh does (source it, run start_test_postgres) to run this test"
            : null;
}
