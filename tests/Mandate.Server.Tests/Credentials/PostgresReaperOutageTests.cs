using Mandate.Core.Credentials;
using Mandate.Core.Storage;
using Mandate.Credentials.Postgres;
using Mandate.Server.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Tests.Credentials;

/// <summary>
/// The reaper while a tool's database is down: the lease stays due and is retried on the documented schedule (5 s, doubling),
/// and the admin connection string never reaches a log.
/// </summary>
public sealed class PostgresReaperOutageTests : CredentialKindTest
{
    protected override bool UsesPostgres => false;

    [Fact]
    public async Task ExpiredLeaseWhileDatabaseDown_StaysDue_RetriedAfter5sThen10s_AdminSecretNeverLogged()
    {
        var now = Broker.Now;
        var lease = new DatabaseLease
        {
            Role = "mandate_00112233445566ff",
            Tool = "warehouse-down",
            Jti = "jti_outage",
            Run = "run_outage",
            Tenant = "acme",
            Agent = TestBroker.SupportAgent,
            IssuedAt = now - TimeSpan.FromMinutes(2),
            ExpiresAt = now - TimeSpan.FromSeconds(1),
        };
        await Broker.Runtime.Store.CommitAsync(new StoreBatch(lease), CancellationToken.None);
        var reaper = Broker.App.App.Services.GetRequiredService<DatabaseLeaseReaper>();

        var first = await reaper.RunOnceAsync(CancellationToken.None);

        Assert.Equal((0, 1, 0), (first.Dropped, first.Failed, first.Live));
        Broker.Clock.Advance(TimeSpan.FromSeconds(4));
        await reaper.RunOnceAsync(CancellationToken.None);
        Assert.Contains("(attempt 1)", Broker.Logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("(attempt 2)", Broker.Logs.Text, StringComparison.Ordinal);

        Broker.Clock.Advance(TimeSpan.FromSeconds(1));
        await reaper.RunOnceAsync(CancellationToken.None);

        Assert.Contains("(attempt 2)", Broker.Logs.Text, StringComparison.Ordinal);
        Assert.Contains("retrying in 00:00:10", Broker.Logs.Text, StringComparison.Ordinal);
        Assert.Equal(lease.Role, Assert.Single(await Broker.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: true, CancellationToken.None)).Role);
        Assert.DoesNotContain("admin-secret-never-shown", Broker.Logs.Text, StringComparison.Ordinal);
    }
}
