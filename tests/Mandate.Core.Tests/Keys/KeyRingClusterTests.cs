using Mandate.Core.Cluster;
using Mandate.Core.Keys;

namespace Mandate.Core.Tests.Keys;

/// <summary>Key rings of several nodes over one store: one rotator per shared key, other nodes' keys found when needed.</summary>
public sealed class KeyRingClusterTests : IAsyncLifetime
{
    private KeyRingEnvironment _env = null!;

    public async Task InitializeAsync() => _env = await KeyRingEnvironment.StartAsync();

    public async Task DisposeAsync() => await _env.DisposeAsync();

    [Fact]
    public async Task RefreshAsync_TwoNodesCreateTheSharedKeyAtOnce_OneKeyIsCreated()
    {
        var locks = new LocalClusterLocks();
        var profile = KeyProfiles.SpiffeJwt(_env.Options with { TrustDomain = "acme.example" });
        var a = NewRing(profile, "node-a", locks);
        var b = NewRing(profile, "node-b", locks);

        var sets = await Task.WhenAll(a.RefreshAsync(_env.Ct), b.RefreshAsync(_env.Ct));

        var stored = await _env.StoredKeysAsync(profile.Purpose);
        Assert.Single(stored);
        Assert.Equal(sets[0].Active.Kid, sets[1].Active.Kid);
    }

    [Fact]
    public async Task RefreshAsync_SharedKeyDueOnTwoNodes_OnlyOneRotates()
    {
        var locks = new LocalClusterLocks();
        var profile = KeyProfiles.SpiffeJwt(_env.Options with { TrustDomain = "acme.example" });
        var a = NewRing(profile, "node-a", locks);
        var b = NewRing(profile, "node-b", locks);
        await a.RefreshAsync(_env.Ct);
        await b.RefreshAsync(_env.Ct);

        _env.Clock.Advance(profile.RotateEvery + TimeSpan.FromMinutes(1));
        var published = await Task.WhenAll(a.RefreshAsync(_env.Ct), b.RefreshAsync(_env.Ct));
        var publishedKeys = (await _env.StoredKeysAsync(profile.Purpose)).Count;
        _env.Clock.Advance(profile.PublishAhead);
        var sets = await Task.WhenAll(a.RefreshAsync(_env.Ct), b.RefreshAsync(_env.Ct));

        Assert.Equal((2, published[0].Active.Kid), (publishedKeys, published[1].Active.Kid));
        var stored = await _env.StoredKeysAsync(profile.Purpose);
        Assert.Equal(2, stored.Count);
        Assert.Single(stored, k => k.RetiredAt is null);
        Assert.Equal(sets[0].Active.Kid, sets[1].Active.Kid);
        Assert.NotEqual(published[0].Active.Kid, sets[0].Active.Kid);
        Assert.Equal(["rotated", "published", "rotated"], (await _env.RotationEventsAsync()).Select(e => e.Outcome));
    }

    [Fact]
    public async Task ReloadAsync_AnotherNodeRotatedTheSharedKey_FollowsWithoutRotatingAgain()
    {
        var profile = KeyProfiles.SpiffeJwt(_env.Options with { TrustDomain = "acme.example" });
        var a = NewRing(profile, "node-a", null);
        var b = NewRing(profile, "node-b", null);
        await a.RefreshAsync(_env.Ct);
        await b.RefreshAsync(_env.Ct);
        var rotated = await _env.RotateAsync(a, _env.Clock.Advance);

        var followed = await b.ReloadAsync(_env.Ct);

        Assert.Equal(rotated.Active.Kid, followed.Active.Kid);
        Assert.Equal(2, (await _env.StoredKeysAsync(profile.Purpose)).Count);
    }

    [Fact]
    public async Task FindPublicKeyAsync_KeyOfANodeStartedLater_FoundAfterOneRefresh()
    {
        var a = _env.NewRing(node: "node-a");
        await a.RefreshAsync(_env.Ct);
        var b = _env.NewRing(node: "node-b");
        var bKid = (await b.RefreshAsync(_env.Ct)).Active.Kid;
        Assert.False(a.Current.ByKid.ContainsKey(bKid));

        var key = await a.FindPublicKeyAsync(bKid, _env.Ct);

        Assert.NotNull(key);
        Assert.Contains(a.Current.Published, k => k.KeyId == bKid);
        Assert.Contains(bKid, a.Current.JwksJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindPublicKeyAsync_UnknownKidsInOneSecond_ReadTheStoreOnce()
    {
        var a = _env.NewRing(node: "node-a");
        await a.RefreshAsync(_env.Ct);
        Assert.Null(await a.FindPublicKeyAsync("made-up-1", _env.Ct));
        var b = _env.NewRing(node: "node-b");
        var bKid = (await b.RefreshAsync(_env.Ct)).Active.Kid;

        // Within the interval the store is not read again, so the new node's key is not seen yet.
        Assert.Null(await a.FindPublicKeyAsync(bKid, _env.Ct));

        _env.Clock.Advance(KeyRing.UnknownKidRefreshInterval);
        Assert.NotNull(await a.FindPublicKeyAsync(bKid, _env.Ct));
    }

    [Fact]
    public async Task FindPublicKeyAsync_EmptyKid_Null()
    {
        var a = _env.NewRing(node: "node-a");
        await a.RefreshAsync(_env.Ct);

        Assert.Null(await a.FindPublicKeyAsync("", _env.Ct));
    }

    private KeyRing NewRing(KeyProfile profile, string node, IClusterLocks? locks) => _env.NewRing(profile, _env.Clock, node, locks);
}
