using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;

namespace Mandate.ResourceServer.Tests;

/// <summary>Keys come from the broker's JWKS (found through RFC 8414 metadata), follow rotation, and failures refuse rather than accept.</summary>
public sealed class KeyDiscoveryTests : ToolTest
{
    protected override void ConfigureRefunds(MandateTokenOptions options) => options.KeyCacheDuration = TimeSpan.FromHours(1);

    [Fact]
    public async Task KeyRotation_JwksCachedWhileTheNextKeyWasPublished_AcceptsItsCredentialsWithoutFetching()
    {
        // keys.rotate_every 10m, so keys.publish_ahead 5m: the next key is in the JWKS from minute 10, signs from minute 15.
        Harness.Clock.Advance(TimeSpan.FromMinutes(10));
        await Harness.Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        Harness.Clock.Advance(TimeSpan.FromMinutes(4));
        var before = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        Assert.Equal(201, (await Refunds.PostAsync("/refunds", before, RefundBody)).Status);
        var fetches = Refunds.State!.Keys.FetchCount;

        Harness.Clock.Advance(TimeSpan.FromMinutes(1));
        await Harness.Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        var after = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        var accepted = await Refunds.PostAsync("/refunds", after, RefundBody);

        Assert.NotEqual(Kid(before), Kid(after));
        Assert.True(accepted.Status == 201, accepted.Description);
        Assert.Equal(fetches, Refunds.State!.Keys.FetchCount);
        Assert.Equal(201, (await Refunds.PostAsync("/refunds", before, RefundBody)).Status);
    }

    [Fact]
    public async Task KeyRotation_JwksCachedBeforeTheNextKeyWasPublished_NewKidIsPickedUpOnFirstSight_AndOldCredentialsKeepWorking()
    {
        Harness.Clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(201, (await Refunds.PostAsync("/refunds", await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write"), RefundBody)).Status);
        var fetches = Refunds.State!.Keys.FetchCount;
        Harness.Clock.Advance(TimeSpan.FromMinutes(1));
        await Harness.Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        Harness.Clock.Advance(TimeSpan.FromMinutes(4));
        var before = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        Harness.Clock.Advance(TimeSpan.FromMinutes(1));
        await Harness.Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        var after = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        var accepted = await Refunds.PostAsync("/refunds", after, RefundBody);

        Assert.NotEqual(Kid(before), Kid(after));
        Assert.True(accepted.Status == 201, accepted.Description);
        Assert.Equal(fetches + 1, Refunds.State!.Keys.FetchCount);
        Assert.Equal(201, (await Refunds.PostAsync("/refunds", before, RefundBody)).Status);
    }

    [Fact]
    public async Task KeysAreCached_OneJwksFetchServesManyRequests()
    {
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(201, (await Refunds.PostAsync("/refunds", credential, RefundBody)).Status);
        }

        Assert.Equal(1, Refunds.State!.Keys.FetchCount);
    }

    [Fact]
    public async Task BrokerUnreachableBeforeAnyKeysWereFetched_Refuses503_NeverAccepts_Never500()
    {
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, o => o.BrokerAddress = new Uri("http://127.0.0.1:1"));

        var reply = await tool.PostAsync("/refunds", credential, RefundBody);

        Assert.Equal(503, reply.Status);
        Assert.Equal("temporarily_unavailable", reply.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task BrokerUnreachableAfterKeysWereFetched_KeepsTheLastGoodKeys()
    {
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        var port = Harness.Broker.BaseAddress.Port;
        var unreachable = false;
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, o =>
        {
            o.KeyCacheDuration = TimeSpan.FromMinutes(1);
            o.Backchannel = new HttpClient(new SwitchableHandler(() => unreachable));
        });
        Assert.Equal(201, (await tool.PostAsync("/refunds", credential, RefundBody)).Status);

        unreachable = true;
        Harness.Clock.Advance(TimeSpan.FromMinutes(2));
        var reply = await tool.PostAsync("/refunds", credential, RefundBody);

        Assert.True(port > 0);
        Assert.Equal(201, reply.Status);
        Assert.Equal(2, tool.State!.Keys.FetchCount);
    }

    [Fact]
    public async Task MetadataNamingAnotherIssuer_IsNotTrusted()
    {
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, o => o.Issuer = "https://another-broker.example");

        var reply = await tool.PostAsync("/refunds", credential, RefundBody);

        Assert.Equal(503, reply.Status);
    }

    [Fact]
    public async Task ConfiguredJwksUri_IsUsedWithoutMetadata_AndIssuerIsStillChecked()
    {
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        var jwks = new Uri(Harness.Broker.BaseAddress, ".well-known/jwks.json");
        var right = await Harness.StartToolAsync(ToolKind.Refunds, o => o.JwksUri = jwks);
        var wrongIssuer = await Harness.StartToolAsync(ToolKind.Refunds, o =>
        {
            o.JwksUri = jwks;
            o.Issuer = "https://another-broker.example";
        });

        Assert.Equal(201, (await right.PostAsync("/refunds", credential, RefundBody)).Status);
        CredentialValidationTests.AssertInvalidToken(await wrongIssuer.PostAsync("/refunds", credential, RefundBody), "not issued by");
    }

    private static string Kid(string token) => new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).Kid;

    /// <summary>Forwards to the network until told the broker is gone, then fails like a refused connection.</summary>
    private sealed class SwitchableHandler(Func<bool> unreachable) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            unreachable() ? throw new HttpRequestException("connection refused") : base.SendAsync(request, cancellationToken);
    }
}
