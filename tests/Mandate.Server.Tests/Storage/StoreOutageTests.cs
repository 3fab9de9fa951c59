using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Storage;

/// <summary>
/// Invariant 2 when the store's file goes away under a running broker, and how an outage is logged: once
/// per transition with its cause (error, then information), the refused requests at debug level only.
/// </summary>
[Trait("Invariant", "2")]
public sealed class StoreOutageTests : BrokerTest
{
    private const string HealthLog = "Mandate.Server.Hosting.StoreHealthLog";
    private const string Dispatcher = "Mandate.Core.Grants.GrantDispatcher";

    [Fact]
    public async Task Invariant2_StoreFileDeletedUnderRunningBroker_Returns503IssuesNothingAndLogsOneError()
    {
        await Broker.IssueAsync();

        File.Delete(Broker.Options.StorePath);
        var first = await Broker.ExchangeAsync(Broker.RefundRequest());
        var second = await Broker.ExchangeAsync(Broker.RefundRequest());

        Expect.Refused(first, "temporarily_unavailable");
        Expect.Refused(second, "temporarily_unavailable");
        Assert.False(File.Exists(Broker.Options.StorePath));
        var errors = LinesAt("Error", HealthLog);
        var error = Assert.Single(errors);
        Assert.Contains("store file deleted or replaced", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invariant2_StoreLockedThenReleased_OutageLoggedOnceWithItsCauseAndRecoveryOnce()
    {
        await Broker.IssueAsync();

        await Broker.WhileStoreLockedAsync(async () =>
        {
            Expect.Refused(await Broker.ExchangeAsync(Broker.RefundRequest()), "temporarily_unavailable");
            Expect.Refused(await Broker.ExchangeAsync(Broker.RefundRequest()), "temporarily_unavailable");
            return 0;
        });
        await Broker.IssueAsync();

        var failing = Assert.Single(LinesAt("Error", HealthLog));
        Assert.Contains("(locked by another process)", failing, StringComparison.Ordinal);
        Assert.Contains("healthy again", Assert.Single(LinesAt("Information", HealthLog)), StringComparison.Ordinal);
        Assert.Equal(2, LinesAt("Debug", Dispatcher).Count(l => l.Contains("Refused temporarily_unavailable", StringComparison.Ordinal)));
        Assert.DoesNotContain(Broker.Logs.Lines, l => l.StartsWith("Information", StringComparison.Ordinal) && l.Contains("Refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exchange_HostileRefusals_LoggedAtDebugNotInformation()
    {
        for (var i = 0; i < 5; i++)
        {
            Expect.Refused(await Broker.ExchangeAsync(Broker.RefundRequest() with { Tenant = "globex" }), "invalid_target");
        }

        Assert.Equal(5, LinesAt("Debug", Dispatcher).Count);
        Assert.DoesNotContain(Broker.Logs.Lines, l => (l.StartsWith("Information", StringComparison.Ordinal) || l.StartsWith("Warning", StringComparison.Ordinal)) && l.Contains("Refused", StringComparison.Ordinal));
    }

    private List<string> LinesAt(string level, string category) =>
        [.. Broker.Logs.Lines.Where(l => l.StartsWith($"{level} {category}:", StringComparison.Ordinal))];
}
