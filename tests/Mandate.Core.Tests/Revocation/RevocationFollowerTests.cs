using Mandate.Core.Revocation;
using Mandate.Core.Telemetry;
using Mandate.Testing;

namespace Mandate.Core.Tests.Revocations;

/// <summary>Following the store's revocation changes by cursor: paged, in order, expired ones left out, the delay measured.</summary>
public sealed class RevocationFollowerTests
{
    // ManualTimeProvider's start.
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public async Task CatchUpAsync_MoreThanOnePage_AppliesEveryChangeAndAdvancesTheCursor()
    {
        var store = new ChangeLog();
        for (var i = 1; i <= RevocationFollower.PageSize + 5; i++)
        {
            store.Record(Revoke("at_" + i));
        }

        var list = new RevocationList();
        using var follower = new RevocationFollower(store, list, _clock);

        var read = await follower.CatchUpAsync(CancellationToken.None);

        Assert.Equal(RevocationFollower.PageSize + 5, read);
        Assert.Equal(RevocationFollower.PageSize + 5, list.Count);
        Assert.Equal(store.LastCursor, follower.Cursor);
        Assert.Equal(2, store.Reads.Count);
    }

    [Fact]
    public async Task CatchUpAsync_Again_ReadsOnlyWhatCameAfterTheCursor()
    {
        var store = new ChangeLog();
        store.Record(Revoke("at_1"));
        var list = new RevocationList();
        using var follower = new RevocationFollower(store, list, _clock);
        await follower.CatchUpAsync(CancellationToken.None);

        store.Record(Revoke("at_2"));
        var read = await follower.CatchUpAsync(CancellationToken.None);

        Assert.Equal(1, read);
        Assert.Equal(1, store.Reads[^1]);
        Assert.NotNull(list.Find(new CredentialFacts("at_2", "a", "t", "r", null, Now)));
    }

    [Fact]
    public async Task CatchUpAsync_ExpiredRevocation_StaysOutButTheCursorPassesIt()
    {
        var store = new ChangeLog();
        store.Record(Revoke("at_old") with { KeepUntil = Now - TimeSpan.FromSeconds(1) });
        var list = new RevocationList();
        using var follower = new RevocationFollower(store, list, _clock);

        await follower.CatchUpAsync(CancellationToken.None);

        Assert.Equal(0, list.Count);
        Assert.Equal(1, follower.Cursor);
    }

    [Fact]
    public async Task CatchUpAsync_LiftRecordedLater_ReEnablesTheAgent()
    {
        var store = new ChangeLog();
        var kill = Revoke("spiffe://acme.example/agents/a") with { Target = RevocationTarget.Agent };
        store.Record(kill);
        var list = new RevocationList();
        using var follower = new RevocationFollower(store, list, _clock);
        await follower.CatchUpAsync(CancellationToken.None);
        Assert.NotNull(list.DisabledBy(kill.Value));

        store.Record(kill with { LiftedAt = Now });
        await follower.CatchUpAsync(CancellationToken.None);

        Assert.Null(list.DisabledBy(kill.Value));
    }

    [Fact]
    public async Task CatchUpAsync_ChangeMadeElsewhere_RecordsTheDelayFromItsTimeToNow()
    {
        var store = new ChangeLog();
        var list = new RevocationList();
        using var follower = new RevocationFollower(store, list, _clock);
        await follower.CatchUpAsync(CancellationToken.None);
        using var delays = new DelayRecorder();

        store.Record(Revoke("at_far"));
        _clock.Advance(TimeSpan.FromMilliseconds(1375));
        await follower.CatchUpAsync(CancellationToken.None);

        var delay = Assert.Single(delays.Values, d => d.Seconds == 1.375);
        Assert.Equal(("token", "revoked"), (delay.Target, delay.Change));
    }

    [Fact]
    public async Task CatchUpAsync_Lift_IsMeasuredFromTheLift()
    {
        var store = new ChangeLog();
        var kill = Revoke("spiffe://acme.example/agents/b") with { Target = RevocationTarget.Agent, RevokedAt = Now - TimeSpan.FromHours(1) };
        store.Record(kill);
        var list = new RevocationList();
        using var follower = new RevocationFollower(store, list, _clock);
        await follower.CatchUpAsync(CancellationToken.None);
        using var delays = new DelayRecorder();

        store.Record(kill with { LiftedAt = Now });
        _clock.Advance(TimeSpan.FromMilliseconds(2125));
        await follower.CatchUpAsync(CancellationToken.None);

        var delay = Assert.Single(delays.Values, d => d.Seconds == 2.125);
        Assert.Equal(("agent", "lifted"), (delay.Target, delay.Change));
    }

    [Fact]
    public async Task CatchUpAsync_StartUpLoadAndChangesThisNodeHolds_RecordNoDelay()
    {
        var store = new ChangeLog();
        store.Record(Revoke("at_loaded") with { RevokedAt = Now - TimeSpan.FromSeconds(4242) });
        var list = new RevocationList();
        using var follower = new RevocationFollower(store, list, _clock);
        using var delays = new DelayRecorder();

        await follower.CatchUpAsync(CancellationToken.None);
        var own = Revoke("at_own") with { RevokedAt = Now - TimeSpan.FromSeconds(4343) };
        list.Add(own);
        store.Record(own);
        await follower.CatchUpAsync(CancellationToken.None);

        Assert.DoesNotContain(delays.Values, d => d.Seconds is 4242 or 4343);
        Assert.Equal(2, list.Count);
    }

    /// <summary>The propagation delays recorded while it lives.</summary>
    private sealed class DelayRecorder : IDisposable
    {
        private readonly MeasurementRecorder<double> _recorder = new(MandateTelemetry.RevocationPropagationDelay);

        public IEnumerable<(double Seconds, string? Target, string? Change)> Values =>
            _recorder.Values.Select(v => (v.Value, v.Tags["mandate.revocation.target"] as string, v.Tags["mandate.revocation.change"] as string));

        public void Dispose() => _recorder.Dispose();
    }

    private static Core.Revocation.Revocation Revoke(string jti) => new()
    {
        Id = "rev_" + jti,
        Target = RevocationTarget.Token,
        Value = jti,
        RevokedAt = Now,
        KeepUntil = Now + TimeSpan.FromMinutes(16),
        RevokedBy = "admin",
    };

    /// <summary>A store's revocation change log: every record or lift gets the next cursor.</summary>
    private sealed class ChangeLog : IRevocationStore
    {
        private readonly List<RevocationChange> _changes = [];

        public List<long> Reads { get; } = [];

        public long LastCursor => _changes.Count == 0 ? 0 : _changes[^1].Cursor;

        public void Record(Core.Revocation.Revocation revocation) => _changes.Add(new RevocationChange(LastCursor + 1, revocation));

        public Task<IReadOnlyList<Core.Revocation.Revocation>> ListRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Core.Revocation.Revocation>>([.. _changes.Select(c => c.Revocation).Where(r => r.KeepUntil > now)]);

        public Task<IReadOnlyList<RevocationChange>> ReadRevocationChangesAsync(long after, int limit, CancellationToken cancellationToken)
        {
            Reads.Add(after);
            return Task.FromResult<IReadOnlyList<RevocationChange>>([.. _changes.Where(c => c.Cursor > after).Take(limit)]);
        }
    }
}
