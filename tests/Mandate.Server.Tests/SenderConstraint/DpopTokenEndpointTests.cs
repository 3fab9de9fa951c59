using System.Security.Cryptography;
using Mandate.Core.Audit;
using Mandate.SenderConstraint;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>DPoP (RFC 9449) at the token endpoint: proofs checked, credentials bound with cnf.jkt, refusals exact.</summary>
public sealed class DpopTokenEndpointTests : BrokerTest, IDisposable
{
    private readonly DpopProofs _key = new();

    public void Dispose() => _key.Dispose();

    private string TokenUrl => Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token";

    private Task<OAuthReply> ExchangeWithProofAsync(string proof, ExchangeRequest? request = null) =>
        DpopRequests.ExchangeAsync(Broker, request ?? Broker.RefundRequest(), proof);

    [Fact]
    public async Task Exchange_ValidProof_IssuesDpopTokenBoundToTheKey()
    {
        var reply = await ExchangeWithProofAsync(_key.Create("POST", TokenUrl, Broker.Now));

        var token = Expect.Issued(reply);
        Assert.Equal("DPoP", reply.Member("token_type"));
        Assert.Equal(_key.Thumbprint, ConfirmationClaim.FromToken(IssuedTokens.Read(token))?.Jkt);
        Assert.Equal(_key.Thumbprint, Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance)).Evidence["dpop_jkt"]);
    }

    [Fact]
    public async Task Introspect_DpopToken_ReturnsJktAndTokenType()
    {
        var token = Expect.Issued(await ExchangeWithProofAsync(_key.Create("POST", TokenUrl, Broker.Now)));
        var reply = await Broker.IntrospectAsync(token, Broker.Svid(TestBroker.RefundsWorkload));

        Assert.True(reply.Json.GetProperty("active").GetBoolean(), reply.ToString());
        Assert.Equal("DPoP", reply.Member("token_type"));
        Assert.Equal(_key.Thumbprint, reply.Json.GetProperty("cnf").GetProperty("jkt").GetString());
    }

    [Fact]
    public async Task Exchange_ReplayedProof_IsRefused()
    {
        var proof = _key.Create("POST", TokenUrl, Broker.Now);
        Expect.Issued(await ExchangeWithProofAsync(proof));

        var replayed = await ExchangeWithProofAsync(proof);
        Expect.Refused(replayed, "invalid_dpop_proof", "jti replay");
        Assert.Equal("binding.dpop_proof_replayed", replayed.Member("check_id"));
        Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
    }

    [Fact]
    public async Task Invariant7_StartRun_ReplayedProof_IsRefusedAndNoSecondRunStarts()
    {
        // RFC 9449 §11.1: every grant refuses a proof it has accepted before, the run token grant as the exchange.
        var proof = _key.Create("POST", TokenUrl, Broker.Now);
        Expect.Issued(await ExchangeWithProofAsync(proof, Broker.StartRunRequest()));

        var replayed = await ExchangeWithProofAsync(proof, Broker.StartRunRequest());

        Expect.Refused(replayed, "invalid_dpop_proof", "jti replay");
        Assert.Equal("binding.dpop_proof_replayed", replayed.Member("check_id"));
        Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Run));
    }

    [Fact]
    public async Task Invariant7_ProofBesideAnActorTokenThatIsRefused_IsNotRemembered_ThenServesItsHolderOnce()
    {
        // The jti is remembered only once the caller proved who it is: a caller with no identity cannot fill the replay
        // cache, and RFC 9449 §11.1 still holds for the proof's one accepted use.
        var proof = _key.Create("POST", TokenUrl, Broker.Now);
        Expect.Refused(await ExchangeWithProofAsync(proof, Broker.RefundRequest() with { ActorToken = "not-a-jwt" }), "invalid_request");

        Expect.Issued(await ExchangeWithProofAsync(proof));
        Expect.Refused(await ExchangeWithProofAsync(proof), "invalid_dpop_proof", "jti replay");
        Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
    }

    [Fact]
    public async Task Exchange_ProofSignedWithAnotherKeyThanItsJwk_IsRefused()
    {
        using var attacker = new DpopProofs();
        var proof = _key.Create("POST", TokenUrl, Broker.Now, signWith: new SigningCredentials(attacker.Key, SecurityAlgorithms.EcdsaSha256));
        await AssertRefusedAsync(proof, "signature");
    }

    [Fact]
    public async Task Exchange_ProofForAnotherMethod_IsRefused() =>
        await AssertRefusedAsync(_key.Create("GET", TokenUrl, Broker.Now), "htm");

    [Fact]
    public async Task Exchange_ProofForAnotherUri_IsRefused() =>
        await AssertRefusedAsync(_key.Create("POST", "https://elsewhere.example/oauth2/token", Broker.Now), "htu");

    [Fact]
    public async Task Exchange_ProofIssuedTooLongAgo_IsRefused() =>
        await AssertRefusedAsync(_key.Create("POST", TokenUrl, Broker.Now.AddMinutes(-5)), "iat");

    [Fact]
    public async Task Exchange_UnsignedProof_IsRefused() =>
        await AssertRefusedAsync(_key.CreateUnsigned("POST", TokenUrl, Broker.Now), "alg");

    [Fact]
    public async Task Exchange_Hs256Proof_IsRefused()
    {
        var secret = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));
        await AssertRefusedAsync(_key.Create("POST", TokenUrl, Broker.Now, signWith: new SigningCredentials(secret, SecurityAlgorithms.HmacSha256)), "alg");
    }

    [Fact]
    public async Task Exchange_ProofCarryingPrivateKey_IsRefused() =>
        await AssertRefusedAsync(_key.Create("POST", TokenUrl, Broker.Now, jwk: _key.PrivateJwkMembers()), "private");

    [Fact]
    public async Task Exchange_TwoDpopHeaders_IsRefused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token") { Content = new FormUrlEncodedContent(Broker.RefundRequest().ToForm()) };
        request.Headers.TryAddWithoutValidation("DPoP", [_key.Create("POST", TokenUrl, Broker.Now), _key.Create("POST", TokenUrl, Broker.Now)]);
        var reply = await Broker.SendAsync(request);
        Expect.Refused(reply, "invalid_dpop_proof", "exactly one DPoP header");
        Assert.Equal("binding.dpop_header_repeated", reply.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Metadata_AdvertisesDpopAlgorithms()
    {
        using var document = System.Text.Json.JsonDocument.Parse(await Broker.Http.GetStringAsync(".well-known/oauth-authorization-server"));
        var algorithms = document.RootElement.GetProperty("dpop_signing_alg_values_supported").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["ES256", "PS256", "RS256"], algorithms);
        Assert.False(document.RootElement.GetProperty("tls_client_certificate_bound_access_tokens").GetBoolean());
    }

    [Fact]
    public async Task Resource_DpopTokenWithoutProofReplayedOrOtherKey_IsRefused()
    {
        var token = Expect.Issued(await ExchangeWithProofAsync(_key.Create("POST", TokenUrl, Broker.Now)));
        var cnf = ConfirmationClaim.FromToken(IssuedTokens.Read(token));
        var resource = new DpopProofValidator(new DpopValidationOptions(), Broker.Clock);
        var url = new Uri(TestBroker.Refunds + "/refunds");
        Task<DpopValidationResult> AtResource(string proof) => resource.ValidateAsync(new DpopProofRequest(proof, "POST", url) { AccessToken = token });

        // No proof at all.
        Assert.False(ConfirmationClaim.IsBoundTo(cnf, null, null).Satisfied);

        // A valid proof by the holder, then the same proof replayed.
        var proof = _key.Create("POST", url.ToString(), Broker.Now, accessToken: token);
        var first = await AtResource(proof);
        Assert.True(first.IsValid, first.FailureReason);
        Assert.True(ConfirmationClaim.IsBoundTo(cnf, null, first.JwkThumbprint).Satisfied);
        Assert.False((await AtResource(proof)).IsValid);

        // A thief's own, valid proof: signed by another key.
        using var thief = new DpopProofs();
        var stolen = await AtResource(thief.Create("POST", url.ToString(), Broker.Now, accessToken: token));
        Assert.True(stolen.IsValid, stolen.FailureReason);
        var check = ConfirmationClaim.IsBoundTo(cnf, null, stolen.JwkThumbprint);
        Assert.False(check.Satisfied);
        Assert.Contains("another key", check.FailureReason, StringComparison.Ordinal);
    }

    private async Task AssertRefusedAsync(string proof, string check)
    {
        Expect.Refused(await ExchangeWithProofAsync(proof), "invalid_dpop_proof", check);
        await Broker.AssertNothingIssuedAsync();
    }
}
