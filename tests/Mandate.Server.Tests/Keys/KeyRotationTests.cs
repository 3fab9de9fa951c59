using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Keys;

/// <summary>
/// Signing-key rotation with keys.rotate_every 10m (so keys.publish_ahead 5m), lifetimes.max 5m and
/// runs.token_lifetime 15m: the next key is published 5m before it signs, so a verifier's cached JWKS already holds
/// it; the old one stays published until retired + the longest token lifetime (here the run token's) + 1m slack, so
/// no live token, credential or run token, loses its key.
/// </summary>
public sealed class KeyRotationTests : BrokerTest
{
    private static readonly TimeSpan PublishSlack = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Keys_RotationDue_NewKidSignsAndBothKidsArePublished()
    {
        var oldKid = Broker.Runtime.Keys.Current.Active.Kid;

        await RotateAsync();
        var token = await Broker.IssueAsync();

        var newKid = Broker.Runtime.Keys.Current.Active.Kid;
        Assert.NotEqual(oldKid, newKid);
        Assert.Equal(newKid, IssuedTokens.Read(token).Kid);
        Assert.Equal([oldKid, newKid], await PublishedKidsAsync());
        var rotation = (await Broker.AuditEventsAsync(AuditKinds.KeyRotation))[^1];
        Assert.Equal((newKid, oldKid), (rotation.Evidence["kid"], rotation.Evidence["retired_kid"]));
    }

    [Fact]
    public async Task Keys_RotationNotYetDue_SameKidKeepsSigning()
    {
        var kid = Broker.Runtime.Keys.Current.Active.Kid;

        Broker.Clock.Advance(RotateEvery - TimeSpan.FromSeconds(1));
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);

        Assert.Equal(kid, Broker.Runtime.Keys.Current.Active.Kid);
        Assert.Equal([kid], await PublishedKidsAsync());
    }

    [Fact]
    public async Task Keys_NextKeyIsInTheJwksForPublishAheadBeforeItSigns_TheOldKidSignsUntilThen()
    {
        var kid = Broker.Runtime.Keys.Current.Active.Kid;
        Broker.Clock.Advance(RotateEvery);
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        var cachedByAVerifier = await PublishedKidsAsync();

        Broker.Clock.Advance(PublishAhead - TimeSpan.FromSeconds(1));
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        var lastOldToken = await Broker.IssueAsync();
        Broker.Clock.Advance(TimeSpan.FromSeconds(1));
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        var firstNewToken = await Broker.IssueAsync();

        Assert.Equal(2, cachedByAVerifier.Count);
        Assert.Equal((kid, cachedByAVerifier[1]), (IssuedTokens.Read(lastOldToken).Kid, IssuedTokens.Read(firstNewToken).Kid));
        var published = (await Broker.AuditEventsAsync(AuditKinds.KeyRotation))[^2];
        Assert.Equal(("published", cachedByAVerifier[1]), (published.Outcome, published.Evidence["kid"]));
    }

    [Fact]
    public async Task Keys_RetiredKid_LeavesTheJwksOnlyAfterRetirementPlusTheLongestTokenLifetime()
    {
        var oldKid = Broker.Runtime.Keys.Current.Active.Kid;
        await RotateAsync();

        Assert.True(Broker.Options.Runs.TokenLifetime > MaxLifetime);
        Broker.Clock.Advance(Broker.Options.Runs.TokenLifetime + PublishSlack - TimeSpan.FromSeconds(1));
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        var stillPublished = await PublishedKidsAsync();
        Broker.Clock.Advance(TimeSpan.FromSeconds(1));
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        var afterwards = await PublishedKidsAsync();

        Assert.Contains(oldKid, stillPublished);
        Assert.DoesNotContain(oldKid, afterwards);
        // The window is longer than rotate_every: the key that followed signs, and its own successor is already published.
        Assert.Contains(Broker.Runtime.Keys.Current.Active.Kid, afterwards);
        Assert.Equal(2, afterwards.Count);
    }

    [Fact]
    public async Task Keys_TokenSignedByRetiredKey_StaysActiveAndVerifiableWithinItsLifetime()
    {
        // Issued one minute before the next key takes over; its 3-minute lifetime outlasts the key's time as the signer.
        Broker.Clock.Advance(RotateEvery);
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        Broker.Clock.Advance(PublishAhead - TimeSpan.FromMinutes(1));
        var token = await Broker.IssueAsync();
        var oldKid = IssuedTokens.Read(token).Kid;
        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);

        var introspected = await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload));
        var verified = await IssuedTokens.ValidateWithJwksAsync(Broker, token, Refunds);

        Assert.NotEqual(oldKid, Broker.Runtime.Keys.Current.Active.Kid);
        Assert.True(IntrospectionReply.Active(introspected));
        Assert.True(verified.IsValid, verified.Exception?.Message);
    }

    [Fact]
    public async Task Keys_BrokerRestarted_KeysUnsealFromTheStoreAndOldTokensStayActive()
    {
        var token = await Broker.IssueAsync();
        var kid = Broker.Runtime.Keys.Current.Active.Kid;

        await Broker.RestartAsync();

        Assert.Equal(kid, Broker.Runtime.Keys.Current.Active.Kid);
        Assert.True(IntrospectionReply.Active(await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload))));
        Assert.Single(await Broker.AuditEventsAsync(AuditKinds.KeyRotation));
    }

    /// <summary>Moves the clock to the rotation time, lets the ring publish the next key, then on until it signs.</summary>
    private async Task RotateAsync()
    {
        Broker.Clock.Advance(RotateEvery);
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        Broker.Clock.Advance(PublishAhead);
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
    }

    private async Task<List<string>> PublishedKidsAsync()
    {
        using var jwks = JsonDocument.Parse(await Broker.Http.GetStringAsync(".well-known/jwks.json"));
        return [.. jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }
}
