using System.Net;
using Mandate.Client;
using Mandate.Core.Audit;
using Mandate.SenderConstraint;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Client;

/// <summary>The SDK with a DpopKey against the real broker: credentials bound to the key (RFC 9449), proofs per call.</summary>
public sealed class DpopClientTests : BrokerTest, IDisposable
{
    private static readonly string[] Write = ["refunds:write"];
    private readonly DpopKey _key = DpopKey.Create();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Exchange_WithDpopKey_IssuesADpopCredentialWhoseJktIsTheKeysThumbprint()
    {
        using var http = BrokerWireLog.Connect(Broker.Http.BaseAddress!, out var wire);
        var client = new MandateClient(http, new MandateClientOptions { DpopKey = _key, Time = Broker.Clock });

        var credential = await client.ExchangeAsync(RefundRequest());

        Assert.Equal("DPoP", credential.TokenType);
        Assert.True(credential.IsDpopBound);
        Assert.Equal(_key.Thumbprint, ConfirmationClaim.FromToken(IssuedTokens.Read(credential.AccessToken))?.Jkt);
        Assert.Equal(_key.Thumbprint, Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance)).Evidence["dpop_jkt"]);
        // The proof carries the public key only and names the advertised token endpoint.
        var proof = new JsonWebToken(Assert.Single(wire.TokenRequests).Proof);
        Assert.Equal("dpop+jwt", proof.Typ);
        Assert.Equal("ES256", proof.Alg);
        Assert.False(proof.TryGetHeaderValue<Dictionary<string, object>>("jwk", out var jwk) && jwk.ContainsKey("d"));
        Assert.Equal(Issuer + "/oauth2/token", proof.GetPayloadValue<string>("htu"));
        Assert.Equal(Broker.Now.ToUnixTimeSeconds(), proof.GetPayloadValue<long>("iat"));
    }

    [Fact]
    public async Task Exchange_WithoutDpopKey_StaysBearerAndSendsNoProof()
    {
        using var http = BrokerWireLog.Connect(Broker.Http.BaseAddress!, out var wire);

        var credential = await new MandateClient(http).ExchangeAsync(RefundRequest());

        Assert.Equal("Bearer", credential.TokenType);
        Assert.False(credential.IsDpopBound);
        Assert.Null(ConfirmationClaim.FromToken(IssuedTokens.Read(credential.AccessToken)));
        Assert.Null(Assert.Single(wire.TokenRequests).Proof);
    }

    [Fact]
    public async Task Exchange_ProofNamingAnotherTokenEndpoint_IsRefusedByTheBroker()
    {
        var client = new MandateClient(Broker.Http, new MandateClientOptions
        {
            DpopKey = _key,
            Time = Broker.Clock,
            TokenEndpoint = new Uri("https://elsewhere.example/oauth2/token"),
        });

        var refusal = await Assert.ThrowsAsync<MandateErrorException>(() => client.ExchangeAsync(RefundRequest()));

        Assert.Equal("invalid_dpop_proof", refusal.Error);
        Assert.Contains("htu", refusal.Description, StringComparison.Ordinal);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_AfterTheKeyIsDisposed_Throws()
    {
        var client = new MandateClient(Broker.Http, new MandateClientOptions { DpopKey = _key, Time = Broker.Clock });
        _key.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ExchangeAsync(RefundRequest()));
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Run_WithDpopKey_StartRenewDelegateAndCredentialRequestsAllCarryProofs_AndCredentialsAreBound()
    {
        using var http = BrokerWireLog.Connect(Broker.Http.BaseAddress!, out var wire);
        var client = new MandateClient(http, new MandateClientOptions { Identity = Identity(SupportAgent), Time = Broker.Clock, DpopKey = _key });
        await using var run = await client.StartRunAsync(Broker.UserToken(), ["refunds:read", "refunds:write"]);
        Broker.Clock.Advance(Broker.Options.Runs.TokenLifetime - MandateRun.RefreshMargin);

        var credential = await run.GetIssuedCredentialAsync(Refunds, Write);
        await using var child = await run.DelegateAsync(Identity(ExecutorAgent), Write);
        var childCredential = await child.GetIssuedCredentialAsync(Refunds, Write);

        Assert.True(credential.IsDpopBound);
        Assert.True(childCredential.IsDpopBound);
        Assert.Equal(_key.Thumbprint, ConfirmationClaim.FromToken(IssuedTokens.Read(credential.AccessToken))?.Jkt);
        Assert.Equal(_key.Thumbprint, ConfirmationClaim.FromToken(IssuedTokens.Read(childCredential.AccessToken))?.Jkt);
        Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Run), e => e.Outcome == "renewed" && e.Run == run.Id);
        // start, renew, credential, delegate, child credential: five token requests, each with its own proof.
        var proofs = wire.TokenRequests.Select(r => r.Proof).ToList();
        Assert.Equal(5, proofs.Count);
        Assert.All(proofs, p => Assert.NotNull(p));
        Assert.Equal(5, proofs.Select(p => new JsonWebToken(p).GetPayloadValue<string>("jti")).Distinct().Count());
    }

    [Fact]
    public async Task CredentialHandler_DpopBoundCredential_SendsTheDpopSchemeAndAFreshProofPerRequestThatAValidatorAccepts()
    {
        var client = new MandateClient(Broker.Http, new MandateClientOptions { Identity = Identity(SupportAgent), Time = Broker.Clock, DpopKey = _key });
        await using var run = await client.StartRunAsync(Broker.UserToken(), ["refunds:read", "refunds:write"]);
        var tool = new RecordingTool();
        using var http = new HttpClient(new MandateCredentialHandler(run, Refunds, Write) { InnerHandler = tool });

        using var first = await http.PostAsync(new Uri(Refunds + "/refunds"), new StringContent("{}"));
        using var second = await http.GetAsync(new Uri(Refunds + "/refunds/1?expand=all#top"));

        Assert.Equal(2, tool.Requests.Count);
        Assert.All(tool.Requests, r => Assert.Equal("DPoP", r.Authorization!.Scheme));
        var credential = tool.Requests[0].Authorization!.Parameter!;
        Assert.Equal(credential, tool.Requests[1].Authorization!.Parameter);
        Assert.NotEqual(tool.Requests[0].Proof, tool.Requests[1].Proof);
        // What a tool does (RFC 9449 §7.1): the proof verifies for this method, URL and token, by the bound key.
        var validator = new DpopProofValidator(new DpopValidationOptions(), Broker.Clock);
        foreach (var (request, method, url) in new[] { (tool.Requests[0], "POST", Refunds + "/refunds"), (tool.Requests[1], "GET", Refunds + "/refunds/1?expand=all") })
        {
            var result = await validator.ValidateAsync(new DpopProofRequest(request.Proof!, method, new Uri(url)) { AccessToken = credential });
            Assert.True(result.Failure == DpopFailure.None, result.FailureReason);
            Assert.Equal(_key.Thumbprint, result.JwkThumbprint);
        }

        Assert.Equal(Refunds + "/refunds/1", new JsonWebToken(tool.Requests[1].Proof).GetPayloadValue<string>("htu"));
    }

    private CredentialRequest RefundRequest() => new()
    {
        ActorToken = Broker.Svid(SupportAgent),
        SubjectToken = Broker.UserToken(),
        Tool = Refunds,
        Scopes = Write,
    };

    private IWorkloadIdentitySource Identity(string spiffeId) => WorkloadIdentity.From(_ => ValueTask.FromResult(Broker.Svid(spiffeId)));

    /// <summary>The tool's side of the wire: records Authorization and DPoP of each request and answers 204.</summary>
    private sealed class RecordingTool : HttpMessageHandler
    {
        public List<(System.Net.Http.Headers.AuthenticationHeaderValue? Authorization, string? Proof)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.Headers.Authorization, request.Headers.TryGetValues("DPoP", out var proofs) ? proofs.Single() : null));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));
        }
    }
}
