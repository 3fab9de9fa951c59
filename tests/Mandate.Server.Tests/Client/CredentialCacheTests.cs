using Mandate.Client;
using Mandate.Server.Tests.Cluster;
using Mandate.Testing;

namespace Mandate.Server.Tests.Client;

/// <summary>
/// A run's credential cache against a scripted broker on a manual clock: an entry never outlives the credential (the
/// JWT's <c>exp</c> caps <c>expires_in</c>), and concurrent misses share one exchange whose failure is not kept.
/// </summary>
public sealed class CredentialCacheTests
{
    private static readonly string[] Write = ["refunds:write"];
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public async Task GetCredential_JwtExpiresBeforeExpiresIn_IsRefreshedBeforeItsExp()
    {
        var shortLived = ScriptedExchange.Jwt(new { exp = _clock.GetUtcNow().AddSeconds(60).ToUnixTimeSeconds() });
        await using var broker = await ScriptedServer.StartAsync(ScriptedExchange.RunStarted(), ScriptedExchange.Credential(shortLived, expiresIn: 300), ScriptedExchange.Credential("test-value-4"));
        await using var run = await ScriptedExchange.Client(broker, time: _clock).StartRunAsync(null, Write);

        var first = await run.GetCredentialAsync("refunds", Write);
        _clock.Advance(TimeSpan.FromSeconds(60) - MandateRun.RefreshMargin - TimeSpan.FromSeconds(1));
        var stillCached = await run.GetCredentialAsync("refunds", Write);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var refreshed = await run.GetCredentialAsync("refunds", Write);

        Assert.Equal(shortLived, first);
        Assert.Equal(first, stillCached);
        // expires_in said 300 s, but the credential itself dies at exp: refreshed RefreshMargin before it.
        Assert.Equal("test-value-4", refreshed);
        Assert.Equal(3, broker.Received.Count);
    }

    [Fact]
    public async Task GetCredential_JwtWithoutExpOrNotAJwt_IsCachedForExpiresIn()
    {
        await using var broker = await ScriptedServer.StartAsync(ScriptedExchange.RunStarted(), ScriptedExchange.Credential(ScriptedExchange.Jwt(new { sub = "a" }), expiresIn: 300));
        await using var run = await ScriptedExchange.Client(broker, time: _clock).StartRunAsync(null, Write);

        var first = await run.GetCredentialAsync("refunds", Write);
        _clock.Advance(TimeSpan.FromSeconds(300) - MandateRun.RefreshMargin - TimeSpan.FromSeconds(1));

        Assert.Equal(first, await run.GetCredentialAsync("refunds", Write));
        Assert.Equal(2, broker.Received.Count);
    }

    [Fact]
    public async Task GetCredential_ConcurrentMisses_ShareOneExchange()
    {
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var broker = await ScriptedServer.StartAsync(ScriptedExchange.RunStarted(), ScriptedExchange.Credential() with { Gate = answer.Task });
        await using var run = await ScriptedExchange.Client(broker, time: _clock).StartRunAsync(null, Write);

        var calls = Enumerable.Range(0, 16).Select(_ => run.GetCredentialAsync("refunds", Write)).ToList();
        await ReceivedAsync(broker, 2);
        answer.SetResult();
        var credentials = await Task.WhenAll(calls);

        Assert.All(credentials, c => Assert.Equal("test-value-1", c));
        Assert.Equal(2, broker.Received.Count);
    }

    [Fact]
    public async Task GetCredential_SharedExchangeFails_EveryWaiterGetsTheRefusalAndTheNextCallAsksAgain()
    {
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var broker = await ScriptedServer.StartAsync(
            ScriptedExchange.RunStarted(),
            ScriptedAnswer.Json(400, """{"error":"invalid_target","error_description":"no rule","check_id":"decide.no_rule"}""") with { Gate = answer.Task },
            ScriptedExchange.Credential());
        await using var run = await ScriptedExchange.Client(broker, time: _clock).StartRunAsync(null, Write);

        var calls = Enumerable.Range(0, 8).Select(_ => run.GetCredentialAsync("refunds", Write)).ToList();
        await ReceivedAsync(broker, 2);
        answer.SetResult();
        foreach (var call in calls)
        {
            Assert.Equal("decide.no_rule", (await Assert.ThrowsAsync<MandateErrorException>(() => call)).CheckId);
        }

        var after = await run.GetCredentialAsync("refunds", Write);

        Assert.Equal("test-value-1", after);
        Assert.Equal(3, broker.Received.Count);
    }

    [Fact]
    public async Task GetCredential_OneWaiterCancels_TheOthersStillGetTheSharedCredential()
    {
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var broker = await ScriptedServer.StartAsync(ScriptedExchange.RunStarted(), ScriptedExchange.Credential() with { Gate = answer.Task });
        await using var run = await ScriptedExchange.Client(broker, time: _clock).StartRunAsync(null, Write);
        using var impatient = new CancellationTokenSource();

        var first = run.GetCredentialAsync("refunds", Write, impatient.Token);
        var second = run.GetCredentialAsync("refunds", Write);
        await ReceivedAsync(broker, 2);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        answer.SetResult();

        Assert.Equal("test-value-1", await second);
        Assert.Equal("test-value-1", await run.GetCredentialAsync("refunds", Write));
        Assert.Equal(2, broker.Received.Count);
    }

    /// <summary>Bounded polling until the broker has received <paramref name="count"/> requests.</summary>
    internal static Task ReceivedAsync(ScriptedServer broker, int count) =>
        ClusterHarness.EventuallyAsync(() => Task.FromResult(broker.Received.Count >= count), TimeSpan.FromSeconds(10), $"{count} requests at the scripted server");
}
