using System.Net;
using Mandate.Client;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Client;

/// <summary>
/// The SDK's run side against the real broker, on the broker's manual clock: start, cached and refreshed
/// credentials, delegation, ending on EndAsync and dispose, and the handler that attaches credentials.
/// </summary>
public sealed class MandateRunTests : BrokerTest
{
    private static readonly string[] Write = ["refunds:write"];

    [Fact]
    public async Task GetCredentialAsync_SecondCall_ReturnsTheCachedCredentialWithoutANewIssuance()
    {
        await using var run = await StartAsync();

        var first = await run.GetCredentialAsync("refunds", Write);
        var second = await run.GetCredentialAsync("refunds", Write);

        Assert.Equal(first, second);
        Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
        Assert.Equal(run.Id, IssuedTokens.Read(first).GetPayloadValue<string>("run"));
    }

    [Fact]
    public async Task GetCredentialAsync_ClockReachesExpiryMinus30s_RefreshesTheCredential()
    {
        await using var run = await StartAsync();
        var first = await run.GetCredentialAsync("refunds", Write);
        var refreshAt = IssuedTokens.Lifetime(first) - MandateRun.RefreshMargin;

        Broker.Clock.Advance(refreshAt - TimeSpan.FromSeconds(1));
        var stillCached = await run.GetCredentialAsync("refunds", Write);
        Broker.Clock.Advance(TimeSpan.FromSeconds(1));
        var refreshed = await run.GetCredentialAsync("refunds", Write);

        Assert.Equal(first, stillCached);
        Assert.NotEqual(first, refreshed);
        Assert.Equal(2, (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Count);
        Assert.True(await Broker.ActiveAsync(refreshed));
    }

    [Fact]
    public async Task GetCredentialAsync_RunTokenNearItsExpiry_RenewsTheRunTokenTransparently()
    {
        await using var run = await StartAsync();

        Broker.Clock.Advance(Broker.Options.Runs.TokenLifetime - MandateRun.RefreshMargin);
        var credential = await run.GetCredentialAsync("refunds", Write);

        Assert.True(await Broker.ActiveAsync(credential));
        Assert.Equal(run.Id, IssuedTokens.Read(credential).GetPayloadValue<string>("run"));
        Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Run), e => e.Outcome == "renewed" && e.Run == run.Id);
    }

    [Fact]
    public async Task DelegateAsync_SubAgent_GetsAChildRunWhoseCredentialCarriesTheChain()
    {
        await using var run = await StartAsync();

        await using var child = await run.DelegateAsync(Identity(ExecutorAgent), Write);
        var credential = await child.GetCredentialAsync(Refunds, Write);

        Assert.NotEqual(run.Id, child.Id);
        Assert.Equal("refunds:write", child.Scope);
        Assert.Equal(child.Id, IssuedTokens.Read(credential).GetPayloadValue<string>("run"));
        Assert.Equal([ExecutorAgent, SupportAgent], ActChain(credential));
    }

    [Fact]
    public async Task EndAsync_Run_EndsItAndItsSubAgentsCredentialsAtOnce()
    {
        var run = await StartAsync();
        var child = await run.DelegateAsync(Identity(ExecutorAgent), Write);
        var parentCredential = await run.GetCredentialAsync("refunds", Write);
        var childCredential = await child.GetCredentialAsync("refunds", Write);

        await run.EndAsync();

        Assert.False(await Broker.ActiveAsync(parentCredential));
        Assert.False(await Broker.ActiveAsync(childCredential));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => run.GetCredentialAsync("refunds", Write));
        Assert.NotNull((await Broker.Runtime.Store.GetRunAsync(child.Id, CancellationToken.None))!.EndedAt);
    }

    [Fact]
    public async Task EndAsync_AfterTheSupervisorsRunTokenExpired_StillEndsTheSubAgentsRun()
    {
        // The supervisor waits on its sub-agent, which keeps its own run token fresh by using it.
        var run = await StartAsync();
        await using var child = await run.DelegateAsync(Identity(ExecutorAgent), Write);
        Broker.Clock.Advance(Broker.Options.Runs.TokenLifetime - TimeSpan.FromSeconds(15));
        var childCredential = await child.GetCredentialAsync("refunds", Write);
        Broker.Clock.Advance(TimeSpan.FromSeconds(90));

        await run.EndAsync();

        Assert.False(await Broker.ActiveAsync(childCredential));
        Assert.NotNull((await Broker.Runtime.Store.GetRunAsync(child.Id, CancellationToken.None))!.EndedAt);
    }

    [Fact]
    public async Task DisposeAsync_Run_EndsTheRun()
    {
        string credential;
        string runId;
        await using (var run = await StartAsync())
        {
            credential = await run.GetCredentialAsync("refunds", Write);
            runId = run.Id;
        }

        Assert.False(await Broker.ActiveAsync(credential));
        Assert.Equal(SupportAgent, (await Broker.Runtime.Store.GetRunAsync(runId, CancellationToken.None))!.EndedBy);
    }

    [Fact]
    public async Task CredentialHandler_OutgoingRequest_CarriesTheRunsCredentialForTheTool()
    {
        await using var run = await StartAsync();
        var tool = new RecordingTool();
        using var http = new HttpClient(new MandateCredentialHandler(run, Refunds, Write) { InnerHandler = tool });

        using var first = await http.PostAsync(new Uri(Refunds + "/refunds"), new StringContent("{}"));
        using var second = await http.GetAsync(new Uri(Refunds + "/refunds/1"));

        Assert.Equal(2, tool.Authorizations.Count);
        Assert.All(tool.Authorizations, a => Assert.Equal("Bearer", a!.Scheme));
        Assert.Equal(tool.Authorizations[0]!.Parameter, tool.Authorizations[1]!.Parameter);
        var credential = tool.Authorizations[0]!.Parameter!;
        Assert.True(await Broker.ActiveAsync(credential));
        Assert.Equal([Refunds], IssuedTokens.Read(credential).Audiences);
    }

    [Fact]
    public async Task StartRunAsync_EnvelopeThePolicyDenies_ThrowsWithTheOAuthErrorAndTheRule()
    {
        var client = new MandateClient(Broker.Http, Identity(SupportAgent), Broker.Clock);

        var refusal = await Assert.ThrowsAsync<MandateErrorException>(() => client.StartRunAsync(Broker.UserToken(), ["refunds:read", "refunds:admin"]));

        Assert.Equal("invalid_scope", refusal.Error);
        Assert.Equal(400, refusal.Status);
        Assert.Contains("'support-refunds-own-tenant'", refusal.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCredentialAsync_ToolOutsideTheEnvelope_ThrowsInvalidTarget()
    {
        await using var run = await StartAsync();

        var refusal = await Assert.ThrowsAsync<MandateErrorException>(() => run.GetCredentialAsync("crm", ["crm:read"]));

        Assert.Equal("invalid_target", refusal.Error);
        Assert.Contains($"outside the envelope of run '{run.Id}'", refusal.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCredentialAsync_TwoRunsForTwoUsers_NeverShareACredential()
    {
        var client = new MandateClient(Broker.Http, Identity(SupportAgent), Broker.Clock);
        await using var alice = await client.StartRunAsync(Broker.UserToken(), Write);
        await using var bob = await client.StartRunAsync(Broker.UserToken("bob"), Write);

        var forAlice = await alice.GetCredentialAsync("refunds", Write);
        var forBob = await bob.GetCredentialAsync("refunds", Write);

        Assert.Equal(("alice", alice.Id), (IssuedTokens.Read(forAlice).Subject, IssuedTokens.Read(forAlice).GetPayloadValue<string>("run")));
        Assert.Equal(("bob", bob.Id), (IssuedTokens.Read(forBob).Subject, IssuedTokens.Read(forBob).GetPayloadValue<string>("run")));
    }

    private Task<MandateRun> StartAsync() =>
        new MandateClient(Broker.Http, Identity(SupportAgent), Broker.Clock).StartRunAsync(Broker.UserToken(), ["refunds:read", "refunds:write"]);

    /// <summary>A fresh SVID on every call, as a SPIRE agent's rotating file would give.</summary>
    private IWorkloadIdentitySource Identity(string spiffeId) => WorkloadIdentity.From(_ => ValueTask.FromResult(Broker.Svid(spiffeId)));

    /// <summary>The tool's side of the wire: records the Authorization header of each request and answers 204.</summary>
    private sealed class RecordingTool : HttpMessageHandler
    {
        public List<System.Net.Http.Headers.AuthenticationHeaderValue?> Authorizations { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorizations.Add(request.Headers.Authorization);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));
        }
    }
}
