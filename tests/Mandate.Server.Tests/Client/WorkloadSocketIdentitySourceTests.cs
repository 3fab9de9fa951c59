using Mandate.Client;
using Mandate.Core.Spiffe;
using Mandate.Server.Tests.Harness;
using Mandate.Server.Tests.Spiffe;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Client;

/// <summary>The SDK's identity from Mandate's own workload endpoint: the test process is the attested caller.</summary>
public sealed class WorkloadSocketIdentitySourceTests : SpiffeBrokerTest
{
    [Fact]
    public async Task RegisteredProcess_GetsAJwtSvid_AndTheSdkExchangesAndRunsWithIt()
    {
        await RegisterThisProcessAsync(SupportAgent);
        using var source = new WorkloadSocketIdentitySource(WorkloadSocket, Broker.Options.Issuer, Broker.Clock);
        var client = new MandateClient(Broker.Http, source, Broker.Clock);

        var credential = await client.ExchangeAsync(new CredentialRequest
        {
            ActorToken = await source.GetTokenAsync(CancellationToken.None),
            SubjectToken = Broker.UserToken(),
            Tool = Refunds,
            Scopes = ["refunds:write"],
        });
        await using var run = await client.StartRunAsync(Broker.UserToken(), ["refunds:write"]);
        var runCredential = await run.GetCredentialAsync(Refunds, ["refunds:write"]);

        Assert.Equal(SupportAgent, source.SpiffeId);
        Assert.True(await Broker.ActiveAsync(credential.AccessToken));
        Assert.True(await Broker.ActiveAsync(runCredential));
        var issuance = (await Broker.AuditEventsAsync("issuance")).First(e => e.Agent == SupportAgent);
        Assert.Equal(Broker.Runtime.Spiffe!.JwtIssuer, issuance.Evidence["actor_issuer"]);
    }

    [Fact]
    public async Task JwtSvid_IsCachedUntil30sBeforeItExpires_ThenReplaced()
    {
        await RegisterThisProcessAsync(SupportAgent);
        using var source = new WorkloadSocketIdentitySource(WorkloadSocket, Broker.Options.Issuer, Broker.Clock);
        var first = await source.GetTokenAsync(CancellationToken.None);
        var lifetime = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(first).ValidTo - Broker.Now.UtcDateTime;

        Broker.Clock.Advance(lifetime - WorkloadSocketIdentitySource.RefreshMargin - TimeSpan.FromSeconds(1));
        var cached = await source.GetTokenAsync(CancellationToken.None);
        var svidsBefore = (await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid)).Count;
        Broker.Clock.Advance(TimeSpan.FromSeconds(1));
        var replaced = await source.GetTokenAsync(CancellationToken.None);

        Assert.Equal(first, cached);
        Assert.Equal(1, svidsBefore);
        Assert.NotEqual(first, replaced);
        Assert.Equal(2, (await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid)).Count);
    }

    [Fact]
    public async Task ProcessWithoutARegistrationEntry_ThrowsSayingToCreateOneWithMandateEntriesCreate()
    {
        using var source = new WorkloadSocketIdentitySource(WorkloadSocket, Broker.Options.Issuer, Broker.Clock);

        var failure = await Assert.ThrowsAsync<WorkloadIdentityException>(() => source.GetTokenAsync(CancellationToken.None).AsTask());

        Assert.Equal(403, failure.Status);
        Assert.Contains("mandate entries create", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"unix:uid:{await ChildProcess.CurrentUidAsync()}", failure.Message, StringComparison.Ordinal);
        Assert.Null(source.SpiffeId);
    }

    [Fact]
    public async Task MissingSocket_ThrowsNamingThePathAndHowToEnableTheEndpoint()
    {
        var missing = Path.Combine(Broker.Directory, "no-such.sock");
        using var source = new WorkloadSocketIdentitySource(missing, Broker.Options.Issuer, Broker.Clock);

        var failure = await Assert.ThrowsAsync<WorkloadIdentityException>(() => source.GetTokenAsync(CancellationToken.None).AsTask());

        Assert.Equal(0, failure.Status);
        Assert.Contains(missing, failure.Message, StringComparison.Ordinal);
        Assert.Contains("spiffe", failure.Message, StringComparison.Ordinal);
    }
}
