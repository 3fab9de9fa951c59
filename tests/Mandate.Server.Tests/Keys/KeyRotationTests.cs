using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Keys;

/// <summary>
/// Signing-key rotation with keys.rotate_every 10m and lifetimes.max 5m: the new key signs at once, the
/// old one stays published until retired + max lifetime + 1m slack, so no live token loses its key.
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
    public async Task Keys_RetiredKid_LeavesTheJwksOnlyAfterRetirementPlusMaxLifetime()
    {
        var oldKid = Broker.Runtime.Keys.Current.Active.Kid;
        await RotateAsync();

        Broker.Clock.Advance(MaxLifetime + PublishSlack - TimeSpan.FromSeconds(1));
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        var stillPublished = await PublishedKidsAsync();
        Broker.Clock.Advance(TimeSpan.FromSeconds(1));
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        var afterwards = await PublishedKidsAsync();

        Assert.Contains(oldKid, stillPublished);
        Assert.DoesNotContain(oldKid, afterwards);
        Assert.Equal([Broker.Runtime.Keys.Current.Active.Kid], afterwards);
    }

    [Fact]
    public async Task Keys_TokenSignedByRetiredKey_StaysActiveAndVerifiableWithinItsLifetime()
    {
        // Issued one minute before rotation; its 3-minute lifetime outlasts the key's time as the signer.
        Broker.Clock.Advance(RotateEvery - TimeSpan.FromMinutes(1));
        var token = await Broker.IssueAsync();
        var oldKid = IssuedTokens.Read(token).Kid;
        await RotateAsync(TimeSpan.FromMinutes(1));

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

    /// <summary>Moves the clock to the rotation time (or by <paramref name="by"/>) and lets the ring rotate.</summary>
    private async Task RotateAsync(TimeSpan? by = null)
    {
        Broker.Clock.Advance(by ?? RotateEvery);
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
    }

    private async Task<List<string>> PublishedKidsAsync()
    {
        using var jwks = JsonDocument.Parse(await Broker.Http.GetStringAsync(".well-known/jwks.json"));
        return [.. jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }
}
