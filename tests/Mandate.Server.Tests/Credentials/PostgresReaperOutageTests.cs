using Mandate.Core.Credentials;
using Mandate.Core.Storage;
using Mandate.Credentials.Postgres;
using Mandate.Server.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Tests.Credentials;

/// <summary>
/// The reaper while a tool's database is down: the lease stays due and is retried on the documented schedule (5 s, doubling
/// to the 15 s pass interval, never longer), and the admin connection string never reaches a log.
/// </summary>
public sealed class PostgresReaperOutageTests : CredentialKindTest
{
    protected override bool UsesPostgres => false;

    [Fact]
    public async Task ExpiredLeaseWhileDatabaseDown_StaysDue_RetriedAfter5sThen10s_AdminSecretNeverLogged()
    {
        var lease = await DueLeaseAsync("mandate_00112233445566ff");
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

    [Fact]
    public async Task ExpiredLeaseInALongOutage_RetriedAtLeastEveryPass_NeverBackedOffBeyond15s()
    {
        // credential-kinds.md: an expired login is dropped within 15 s of expiry; a long outage must not stretch that to minutes.
        var lease = await DueLeaseAsync("mandate_0011223344556677");
        var reaper = Broker.App.App.Services.GetRequiredService<DatabaseLeaseReaper>();
        var delays = new List<TimeSpan>();

        for (var attempt = 1; attempt <= 8; attempt++)
        {
            var result = await reaper.RunOnceAsync(CancellationToken.None);
            Assert.Equal((0, 1), (result.Dropped, result.Failed));
            var delay = LastRetryDelay(attempt);
            delays.Add(delay);
            Broker.Clock.Advance(delay);
        }

        Assert.Equal([5, 10, 15, 15, 15, 15, 15, 15], delays.Select(d => (int)d.TotalSeconds));
        Assert.Equal(DatabaseLeaseReaper.PassInterval, delays.Max());
        Assert.Equal(lease.Role, Assert.Single(await Broker.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: true, CancellationToken.None)).Role);
    }

    private TimeSpan LastRetryDelay(int attempt)
    {
        var line = Broker.Logs.Text.Split('\n').Last(l => l.Contains($"(attempt {attempt})", StringComparison.Ordinal));
        var at = line.IndexOf("retrying in ", StringComparison.Ordinal) + "retrying in ".Length;
        return TimeSpan.Parse(line.AsSpan(at, 8), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<DatabaseLease> DueLeaseAsync(string role)
    {
        var now = Broker.Now;
        var lease = new DatabaseLease
        {
            Role = role,
            Tool = "warehouse-down",
            Jti = "jti_" + role,
            Run = "run_outage",
            Tenant = "acme",
            Agent = TestBroker.SupportAgent,
            IssuedAt = now - TimeSpan.FromMinutes(2),
            ExpiresAt = now - TimeSpan.FromSeconds(1),
        };
        await Broker.Runtime.Store.CommitAsync(new StoreBatch(lease), CancellationToken.None);
        return lease;
    }
}
