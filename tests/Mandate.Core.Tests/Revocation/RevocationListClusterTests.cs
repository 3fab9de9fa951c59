using Mandate.Core.Cluster;
using Mandate.Core.Revocation;
using Mandate.Core.Storage;

namespace Mandate.Core.Tests.Revocations;

/// <summary>The revocation list on a node that follows other nodes: fail closed while not current, lifts that stick.</summary>
public sealed class RevocationListClusterTests
{
    private static readonly DateTimeOffset RevokedAt = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly CredentialFacts Credential = new("at_1", "spiffe://acme.example/agents/support", "acme", "run_1", null, RevokedAt - TimeSpan.FromMinutes(1));

    [Fact]
    public void Find_FeedNotCurrent_ThrowsStoreUnavailableSayingWhy()
    {
        var list = new RevocationList(new SwitchFeed { IsCurrent = false });

        var e = Assert.Throws<StoreUnavailableException>(() => list.Find(Credential));

        Assert.Contains("cannot confirm it has every revocation", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DisabledBy_FeedNotCurrent_Throws()
    {
        var list = new RevocationList(new SwitchFeed { IsCurrent = false });

        Assert.Throws<StoreUnavailableException>(() => list.DisabledBy(Credential.Agent));
    }

    [Fact]
    public void ForRun_FeedNotCurrent_Throws()
    {
        var list = new RevocationList(new SwitchFeed { IsCurrent = false });

        Assert.Throws<StoreUnavailableException>(() => list.ForRun(Credential.Run));
    }

    [Fact]
    public void Find_FeedCurrentAgain_AnswersWithWhatWasAddedMeanwhile()
    {
        var feed = new SwitchFeed { IsCurrent = false };
        var list = new RevocationList(feed);
        list.Add(Revoke(RevocationTarget.Token, Credential.Jti));

        feed.IsCurrent = true;

        Assert.NotNull(list.Find(Credential));
    }

    [Fact]
    public void Add_LiftWithSameRevokedAt_ReEnablesTheAgent()
    {
        var list = new RevocationList(new SwitchFeed());
        var kill = Revoke(RevocationTarget.Agent, Credential.Agent);
        list.Add(kill);

        list.Add(kill with { LiftedAt = RevokedAt + TimeSpan.FromMinutes(5) });

        Assert.Null(list.DisabledBy(Credential.Agent));
        // Credentials issued up to the kill switch stay revoked after the lift.
        Assert.NotNull(list.Find(Credential));
    }

    [Fact]
    public void Add_StaleUnliftedStateAfterTheLift_DoesNotDisableTheAgentAgain()
    {
        var list = new RevocationList();
        var kill = Revoke(RevocationTarget.Agent, Credential.Agent);
        list.Add(kill with { LiftedAt = RevokedAt + TimeSpan.FromMinutes(5) });

        list.Add(kill);

        Assert.Null(list.DisabledBy(Credential.Agent));
    }

    [Fact]
    public void Add_NewKillAfterALift_DisablesTheAgentAgain()
    {
        var list = new RevocationList();
        list.Add(Revoke(RevocationTarget.Agent, Credential.Agent) with { LiftedAt = RevokedAt + TimeSpan.FromMinutes(5) });

        list.Add(Revoke(RevocationTarget.Agent, Credential.Agent, RevokedAt + TimeSpan.FromMinutes(10)));

        Assert.NotNull(list.DisabledBy(Credential.Agent));
    }

    private static Core.Revocation.Revocation Revoke(RevocationTarget target, string value, DateTimeOffset? at = null) => new()
    {
        Id = "rev_" + target + (at ?? RevokedAt).Ticks,
        Target = target,
        Value = value,
        RevokedAt = at ?? RevokedAt,
        KeepUntil = (at ?? RevokedAt) + TimeSpan.FromMinutes(16),
        RevokedBy = "admin",
    };

    private sealed class SwitchFeed : IChangeFeed
    {
        public bool IsCurrent { get; set; } = true;

        public Task RunAsync(Func<ChangeTopic, CancellationToken, Task> onChange, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
