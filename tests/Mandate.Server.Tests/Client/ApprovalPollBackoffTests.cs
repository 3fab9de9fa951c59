using System.Net;
using System.Text;
using Mandate.Client;
using Mandate.Testing;

namespace Mandate.Server.Tests.Client;

/// <summary>
/// PollApprovalAsync's timing against scripted broker answers (OpenID CIBA §11): it waits the interval before
/// every poll, slow_down adds 5 seconds for good, expired_token and access_denied end the wait, and it gives up
/// on its own once the approval's lifetime has passed.
/// </summary>
public sealed class ApprovalPollBackoffTests
{
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public async Task PollApprovalAsync_SlowDown_AddsFiveSecondsToEveryLaterInterval()
    {
        var broker = new ScriptedBroker(_clock, Error("slow_down"), Error("authorization_pending"), Issued());
        var start = _clock.GetUtcNow();

        var credential = await ClockDriver.RunAsync(_clock, Client(broker).PollApprovalAsync(Pending(), "svid"), TimeSpan.Zero);

        Assert.Equal("tok", credential.AccessToken);
        Assert.Equal([5, 15, 25], broker.Polls.Select(t => (int)(t - start).TotalSeconds));
        Assert.All(broker.Bodies, b => Assert.Contains("grant_type=urn%3Aopenid%3Aparams%3Agrant-type%3Aciba", b, StringComparison.Ordinal));
        Assert.All(broker.Bodies, b => Assert.Contains("auth_req_id=areq_1", b, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PollApprovalAsync_ExpiredToken_ThrowsWithTheBrokersCheck()
    {
        var broker = new ScriptedBroker(_clock, Error("authorization_pending"), Error("expired_token", "approval.expired"));

        var expired = await Assert.ThrowsAsync<MandateErrorException>(() => ClockDriver.RunAsync(_clock, Client(broker).PollApprovalAsync(Pending(), "svid"), TimeSpan.Zero));

        Assert.Equal(("expired_token", "approval.expired"), (expired.Error, expired.CheckId));
        Assert.Equal(2, broker.Polls.Count);
    }

    [Fact]
    public async Task PollApprovalAsync_AccessDenied_ThrowsAtOnce()
    {
        var broker = new ScriptedBroker(_clock, Error("access_denied"));

        var denied = await Assert.ThrowsAsync<MandateErrorException>(() => ClockDriver.RunAsync(_clock, Client(broker).PollApprovalAsync(Pending(), "svid"), TimeSpan.Zero));

        Assert.Equal("access_denied", denied.Error);
        Assert.Single(broker.Polls);
    }

    [Fact]
    public async Task PollApprovalAsync_PendingPastItsLifetime_ThrowsExpiredTokenWithoutAskingAgain()
    {
        var answers = Enumerable.Repeat(Error("authorization_pending"), 100).ToArray();
        var broker = new ScriptedBroker(_clock, answers);

        var expired = await Assert.ThrowsAsync<MandateErrorException>(() =>
            ClockDriver.RunAsync(_clock, Client(broker).PollApprovalAsync(Pending() with { ExpiresIn = TimeSpan.FromSeconds(20) }, "svid"), TimeSpan.Zero));

        Assert.Equal("expired_token", expired.Error);
        Assert.Equal(4, broker.Polls.Count);
    }

    [Fact]
    public async Task PollApprovalAsync_NextPollWouldComeAfterTheApprovalExpired_ThrowsExpiredTokenWithoutOutlivingIt()
    {
        var broker = new ScriptedBroker(_clock, Error("authorization_pending"));
        var start = _clock.GetUtcNow();

        var expired = await Assert.ThrowsAsync<MandateErrorException>(() =>
            ClockDriver.RunAsync(_clock, Client(broker).PollApprovalAsync(Pending() with { ExpiresIn = TimeSpan.FromSeconds(12) }, "svid"), TimeSpan.Zero));

        Assert.Equal("expired_token", expired.Error);
        Assert.Equal([5, 10], broker.Polls.Select(t => (int)(t - start).TotalSeconds));
        // The poll at 15 s would come after the approval's 12 s: the wait ends at the last poll, not past the expiry.
        Assert.Equal(TimeSpan.FromSeconds(10), _clock.GetUtcNow() - start);
    }

    [Fact]
    public async Task PollApprovalAsync_IntervalBeyondWhatATimerTakes_WaitsUntilCancelledWithoutFailing()
    {
        var broker = new ScriptedBroker(_clock, Error("authorization_pending"));
        using var cancel = new CancellationTokenSource();
        var poll = Client(broker).PollApprovalAsync(new ApprovalPending("areq_1", TimeSpan.FromSeconds(int.MaxValue), TimeSpan.Zero, "waiting"), "svid", cancel.Token);
        await Task.WhenAny(_clock.WhenTimerArmedAsync(), poll);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll);
        Assert.Empty(broker.Polls);
    }

    [Fact]
    public async Task PollApprovalAsync_Cancelled_StopsWaiting()
    {
        var broker = new ScriptedBroker(_clock, Error("authorization_pending"));
        using var cancel = new CancellationTokenSource();
        var poll = Client(broker).PollApprovalAsync(Pending(), "svid", cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll);
        Assert.Empty(broker.Polls);
    }

    private MandateClient Client(ScriptedBroker broker) =>
        new(new HttpClient(broker) { BaseAddress = new Uri("http://broker.test/") }, new MandateClientOptions { Time = _clock });

    private static ApprovalPending Pending() => new("areq_1", TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10), "waiting");

    private static (HttpStatusCode, string) Error(string error, string? checkId = null) =>
        (HttpStatusCode.BadRequest, $$"""{"error":"{{error}}","error_description":"scripted"{{(checkId is null ? "" : $",\"check_id\":\"{checkId}\"")}}}""");

    private static (HttpStatusCode, string) Issued() =>
        (HttpStatusCode.OK, """{"access_token":"tok","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":60,"scope":"refunds:write"}""");

    /// <summary>Answers each token request with the next scripted answer and records when (on the manual clock) it came.</summary>
    private sealed class ScriptedBroker(ManualTimeProvider clock, params (HttpStatusCode Status, string Body)[] answers) : HttpMessageHandler
    {
        private int _next;

        public List<DateTimeOffset> Polls { get; } = [];

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Polls.Add(clock.GetUtcNow());
            Bodies.Add(request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken));
            var (status, body) = answers[Math.Min(_next++, answers.Length - 1)];
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }
}
