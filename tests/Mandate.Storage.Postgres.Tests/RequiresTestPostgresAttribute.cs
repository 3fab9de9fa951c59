using Mandate.Storage.ContractTests;
using Mandate.Testing;

namespace Mandate.Storage.Postgres.Tests;

/// <summary>
/// The contract suite's equivalent of <see cref="PostgresFactAttribute"/> for a whole class: skipped on a developer
/// machine without MANDATE_TEST_PG; run (and so failed) under CI=true, where a missing server is an error.
/// </summary>
public sealed class RequiresTestPostgresAttribute : StoreAvailabilityAttribute
{
    public override string? SkipReason =>
        TestPostgresServer.ConnectionStringOrNull is null && !TestPostgresServer.InCi
            ? "MANDATE_TEST_PG is not set: start PostgreSQL as .ci/postgres.sh does (source it, run start_test_postgres) to run this test"
            : null;
}
