using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// Run tokens are signed with the broker's rotating key and live longer than credentials here
/// (runs.token_lifetime 15m, lifetimes.max 5m): a rotation must not cut a live run token off.
/// </summary>
public sealed class RunTokenKeyRotationTests : BrokerTest
{
    [Fact]
    public async Task RunToken_SignedByARetiredKey_StaysUsableUntilItExpires()
    {
        Broker.Clock.Advance(RotateEvery);
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        Broker.Clock.Advance(PublishAhead - TimeSpan.FromMinutes(1));
        var runToken = await Broker.StartRunAsync();
        var oldKid = IssuedTokens.Read(runToken).Kid;
        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);

        // Past retirement + lifetimes.max + slack, still inside the run token's own lifetime.
        Broker.Clock.Advance(MaxLifetime + TimeSpan.FromMinutes(2));
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(runToken));
        var verified = await IssuedTokens.ValidateWithJwksAsync(Broker, runToken, "spiffe://" + TrustDomain, "txntoken+jwt");

        Assert.NotEqual(oldKid, Broker.Runtime.Keys.Current.Active.Kid);
        Assert.True(await Broker.ActiveAsync(Expect.Issued(reply)));
        Assert.True(verified.IsValid, verified.Exception?.Message);
    }
}
