using Mandate.Core.Keys;

namespace Mandate.Core.Tests.Keys;

/// <summary><see cref="KeyRing.RotateNowAsync"/> over a real SQLite store and a manual clock, for per-node and shared keys.</summary>
public sealed class KeyRingOnDemandTests : IAsyncLifetime
{
    private KeyRingEnvironment _env = null!;

    public async Task InitializeAsync() => _env = await KeyRingEnvironment.StartAsync();

    public async Task DisposeAsync() => await _env.DisposeAsync();

    [Fact]
    public async Task RotateNow_Compromised_OtherNodesKeyDistrustedToo_AndThatNodeMakesItsOwnNewKeyWhenItReloads()
    {
        var a = _env.NewRing();
        var b = _env.NewRing(node: "node-b");
        await a.RefreshAsync(_env.Ct);
        await b.RefreshAsync(_env.Ct);
        var (oldA, oldB) = (a.Current.Active.Kid, b.Current.Active.Kid);
        _env.Clock.Advance(TimeSpan.FromMinutes(1));

        var result = await a.RotateNowAsync(compromised: true, "admin:alice", "leak", _env.Ct);
        await b.ReloadAsync(_env.Ct);

        Assert.Equal(new[] { oldA, oldB }.Order(), result.Distrusted.Order());
        Assert.DoesNotContain(oldA, b.Current.ByKid.Keys);
        Assert.DoesNotContain(oldB, b.Current.ByKid.Keys);
        Assert.NotEqual(oldB, b.Current.Active.Kid);
        Assert.Contains(b.Current.Active.Kid, (await a.ReloadAsync(_env.Ct)).ByKid.Keys);
        Assert.Equal(result.Kid, a.Current.Active.Kid);
    }

    [Fact]
    public async Task RotateNow_CompromisedSharedKey_NewKeySignsAtOnceOnEveryNode()
    {
        var profile = KeyProfiles.SpiffeJwt(_env.Options with { TrustDomain = "acme.example" });
        var a = _env.NewRing(profile, _env.Clock, "node-a");
        var b = _env.NewRing(profile, _env.Clock, "node-b");
        await a.RefreshAsync(_env.Ct);
        await b.RefreshAsync(_env.Ct);
        var old = a.Current.Active.Kid;
        _env.Clock.Advance(TimeSpan.FromMinutes(1));

        var result = await a.RotateNowAsync(compromised: true, "admin", null, _env.Ct);
        await b.ReloadAsync(_env.Ct);

        Assert.Equal((result.Kid, result.Kid), (a.Current.Active.Kid, b.Current.Active.Kid));
        Assert.Equal([result.Kid], b.Current.ByKid.Keys);
        Assert.Equal([old], result.Distrusted);
        Assert.Single(await _env.StoredKeysAsync(profile.Purpose), k => k.RetiredAt is null);
    }

    [Fact]
    public async Task RotateNow_Routine_OnlyThisNodesKeyAndNothingDistrusted()
    {
        var a = _env.NewRing();
        var b = _env.NewRing(node: "node-b");
        await a.RefreshAsync(_env.Ct);
        await b.RefreshAsync(_env.Ct);
        var oldB = b.Current.Active.Kid;
        _env.Clock.Advance(TimeSpan.FromMinutes(1));

        var result = await a.RotateNowAsync(compromised: false, "admin", "drill", _env.Ct);
        await b.ReloadAsync(_env.Ct);

        Assert.Equal(KeyRotationResult.Published, result.Outcome);
        Assert.Empty(result.Distrusted);
        Assert.Equal(oldB, b.Current.Active.Kid);
        Assert.Contains(result.Kid, b.Current.ByKid.Keys);
        Assert.Equal(_env.Clock.GetUtcNow() + KeyRingEnvironment.PublishAhead, result.SignsFrom);
    }

    [Fact]
    public async Task KeyListing_AfterCompromisedRotation_OldKeyRetiredAndUnpublished_NewKeyActiveSigningSinceItsCreation()
    {
        var a = _env.NewRing();
        await a.RefreshAsync(_env.Ct);
        var old = a.Current.Active.Kid;
        _env.Clock.Advance(TimeSpan.FromMinutes(1));
        var result = await a.RotateNowAsync(compromised: true, "admin", null, _env.Ct);

        var listing = KeyListing.Of(a.Profile, await _env.StoredKeysAsync(), _env.Clock.GetUtcNow());

        Assert.Equal([(old, "retired", false), (result.Kid, "active", true)], listing.Select(k => (k.Kid, k.State, k.Published)));
        Assert.Equal(_env.Clock.GetUtcNow(), listing[1].SignsFrom);
    }
}
