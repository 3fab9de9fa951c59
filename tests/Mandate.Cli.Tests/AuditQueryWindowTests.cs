using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite;

namespace Mandate.Cli.Tests;

/// <summary>
/// <c>mandate audit query</c>'s window: <c>--since/--until</c> select the records of a time window (one it cannot read is
/// refused), and a reached <c>--limit</c> says the records shown are the oldest.
/// </summary>
public sealed class AuditQueryWindowTests : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _dir = new();
    private string _config = "";
    private DateTimeOffset _now;

    // Three decisions in the store: three hours ago, one hour ago (less a minute) and now, one user each.
    public async Task InitializeAsync()
    {
        _config = TestConfig.Write(_dir);
        var path = Path.Combine(_dir.Path, "data", "mandate.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var store = new SqliteMandateStore(new SqliteStoreOptions { FilePath = path });
        await store.MigrateAsync(CancellationToken.None);
        _now = DateTimeOffset.UtcNow;
        AuditEvent Decision(DateTimeOffset time, string user) =>
            new() { Kind = AuditKinds.Decision, Time = time, Outcome = "allow", Agent = "spiffe://acme.example/agents/a", User = user, Tenant = "acme" };
        await store.CommitAsync(new StoreBatch(Decision(_now.AddHours(-3), "old"), Decision(_now.AddMinutes(-61), "hour-ago"), Decision(_now, "recent")), CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AuditQuery_SinceDuration_ListsOnlyTheRecordsSinceThen()
    {
        var (exit, output) = await QueryAsync("--since", "1h", "--json");

        Assert.True(exit == 0, output);
        var line = Assert.Single(output.Trim().Split('\n'));
        Assert.Contains("\"user\":\"recent\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditQuery_SinceAndUntilTimes_ListTheRecordsInsideTheWindowOnly()
    {
        var since = _now.AddHours(-2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var until = _now.AddMinutes(-30).ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

        var (exit, output) = await QueryAsync("--since", since, "--until", until, "--json");

        Assert.True(exit == 0, output);
        var line = Assert.Single(output.Trim().Split('\n'));
        Assert.Contains("\"user\":\"hour-ago\"", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--since", "yesterday", "--since: 'yesterday' is not an RFC 3339 date-time with an offset")]
    [InlineData("--since", "2026-12-05T14:00:00", "is not an RFC 3339 date-time with an offset")]
    [InlineData("--until", "2026-12-05", "--until: '2026-12-05' is not an RFC 3339 date-time with an offset")]
    public async Task AuditQuery_BoundItCannotRead_IsRefusedNotAnsweredWithNoRecords(string option, string value, string error)
    {
        var (exit, output) = await QueryAsync(option, value);

        Assert.NotEqual(0, exit);
        Assert.Contains(error, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditQuery_UntilNotAfterSince_IsRefused()
    {
        var (exit, output) = await QueryAsync("--since", "1h", "--until", "2h");

        Assert.NotEqual(0, exit);
        Assert.Contains("--until must be later than --since", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditQuery_LimitReached_SaysTheRecordsAreTheOldestAndHowToNarrow()
    {
        var (exit, output) = await QueryAsync("-n", "2");
        var (_, whole) = await QueryAsync("-n", "3");

        Assert.True(exit == 0, output);
        Assert.Contains("user=old", output, StringComparison.Ordinal);
        Assert.DoesNotContain("user=recent", output, StringComparison.Ordinal);
        Assert.Contains("more records match; these are the first 2, oldest first. Add --newest for the latest", output, StringComparison.Ordinal);
        Assert.Contains("user=recent", whole, StringComparison.Ordinal);
        Assert.DoesNotContain("more records match", whole, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditQuery_Newest_ListsTheLatestRecordsOldestFirstAndSaysOlderOnesMatch()
    {
        var (exit, output) = await QueryAsync("--newest", "-n", "2");

        Assert.True(exit == 0, output);
        Assert.DoesNotContain("user=old", output, StringComparison.Ordinal);
        Assert.True(output.IndexOf("user=hour-ago", StringComparison.Ordinal) is var first && first >= 0
            && first < output.IndexOf("user=recent", StringComparison.Ordinal), output);
        Assert.Contains("older records match too; these are the newest 2", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public async Task AuditQuery_LimitBelowOne_IsRefused(string limit)
    {
        var (exit, output) = await QueryAsync("--limit", limit);

        Assert.NotEqual(0, exit);
        Assert.Contains("--limit must be at least 1", output, StringComparison.Ordinal);
    }

    private Task<(int Exit, string Output)> QueryAsync(params string[] options) =>
        CliRunner.RunAsync(["audit", "query", "-c", _config, .. options]);
}
