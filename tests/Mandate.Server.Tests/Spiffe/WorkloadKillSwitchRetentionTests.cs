using Grpc.Core;
using Mandate.Server.Tests.Harness;
using Mandate.Server.WorkloadApi.SpiffeEndpoint;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>
/// Invariant 6 over time: a lifted kill switch keeps refusing the JWT-SVIDs its agent held before it for as long as they
/// can live, even when runs, credentials and approvals are all shorter than an SVID an entry may ask for.
/// </summary>
[Trait("Invariant", "6")]
public sealed class WorkloadKillSwitchRetentionTests : SpiffeBrokerTest
{
    private const string Agent = TestBroker.SupportAgent;
    private const string Audience = "https://ledger.acme.example";

    protected override string Configuration => SpiffeConfiguration + """

        runs: { max_duration: 1m, token_lifetime: 1m }
        """;

    [Fact]
    public async Task Invariant6_KillSwitchLifted_HourLongJwtSvidFromBefore_StillRefusedAfterThePurge()
    {
        var uid = await ChildProcess.CurrentUidAsync();
        using (var admin = Broker.Admin())
        {
            await admin.CreateEntryAsync(Agent, [$"unix:uid:{uid}"], null, "1h");
        }

        using var client = new SpiffeEndpointClient(Broker.Options.Spiffe.EndpointSocket);
        var before = (await client.FetchJwtSvidAsync(new JWTSVIDRequest { Audience = { Audience } })).Svids[0].Svid;
        using (var admin = Broker.Admin())
        {
            await admin.RevokeAsync("agent", Agent, "incident");
            // iat has whole seconds: the lift comes after the kill switch's own second.
            Broker.Clock.Advance(TimeSpan.FromSeconds(2));
            await admin.EnableAgentAsync(Agent, "fixed");
        }

        // Past runs.max_duration, lifetimes.max (5 minutes) and the policy's longest approval wait (10), inside the SVID's hour.
        Broker.Clock.Advance(TimeSpan.FromMinutes(30));
        Broker.Runtime.Revocations.Purge(Broker.Now);

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.ValidateJwtSvidAsync(Audience, before));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("issued before agent", refused.Status.Detail, StringComparison.Ordinal);
    }
}
