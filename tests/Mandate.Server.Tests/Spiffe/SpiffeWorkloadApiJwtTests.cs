using System.Security.Cryptography;
using Grpc.Core;
using Mandate.Core.Spiffe;
using Mandate.Server.Tests.Harness;
using Mandate.Server.WorkloadApi.SpiffeEndpoint;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>
/// The SPIFFE Workload API's JWT profile (SPIFFE Workload API §6): JWT-SVIDs for the attested caller, the JWT bundle,
/// and validation on a workload's behalf by the JWT-SVID spec; every bad request is InvalidArgument or PermissionDenied
/// and issues nothing.
/// </summary>
public sealed class SpiffeWorkloadApiJwtTests : SpiffeBrokerTest
{
    private const string Agent = TestBroker.SupportAgent;
    private const string Audience = "https://refunds.acme.example";

    private string EndpointSocket => Broker.Options.Spiffe.EndpointSocket;

    [Fact]
    public async Task FetchJwtSvid_TwoAudiences_OneSvidAddressedToBoth_VerifyingWithTheJwtBundle()
    {
        await RegisterThisProcessAsync(Agent);
        using var client = new SpiffeEndpointClient(EndpointSocket);

        var answer = await client.FetchJwtSvidAsync(new JWTSVIDRequest { Audience = { Audience, "billing" } });
        using var bundles = client.FetchJwtBundles();
        var jwks = (await SpiffeEndpointClient.FirstAsync(bundles)).Bundles["spiffe://" + TestBroker.TrustDomain].ToStringUtf8();

        var svid = Assert.Single(answer.Svids);
        Assert.Equal(Agent, svid.SpiffeId);
        // §6.2.2: the JWT bundle holds JWT-SVID keys only, never the CA's.
        var keys = new JsonWebKeySet(jwks).Keys;
        Assert.All(keys, k => Assert.Equal(SpiffeBundle.JwtUse, k.Use));
        Assert.DoesNotContain("x5c", jwks, StringComparison.Ordinal);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(svid.Svid, new TokenValidationParameters
        {
            IssuerSigningKeys = keys,
            ValidateIssuer = false,
            ValidAudiences = [Audience],
            ValidateLifetime = false,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal([Audience, "billing"], token.Audiences);
        Assert.Equal(Agent, token.Subject);
        var issued = Assert.Single(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
        Assert.Equal((token.Id, "[\"https://refunds.acme.example\",\"billing\"]"), (issued.Jti, issued.Evidence["audience"]));
    }

    [Fact]
    public async Task FetchJwtSvid_AddressedToMandate_IsAcceptedAsActorTokenAtTheTokenEndpoint()
    {
        await RegisterThisProcessAsync(Agent);
        using var client = new SpiffeEndpointClient(EndpointSocket);

        var svid = (await client.FetchJwtSvidAsync(new JWTSVIDRequest { Audience = { Broker.Options.Issuer }, SpiffeId = Agent })).Svids[0].Svid;
        var credential = await Broker.IssueAsync(Broker.RefundRequest() with { ActorToken = svid });

        Assert.False(string.IsNullOrEmpty(credential));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("https://ok.example|   ")]
    [InlineData("not a uri:really")]
    [InlineData("line\nbreak")]
    public async Task Invariant7_FetchJwtSvid_AudienceMissingOrNotAStringOrUri_IsInvalidArgumentAndIssuesNothing(string? joined)
    {
        // The audiences, '|' between them; null for none at all.
        var audiences = joined?.Split('|') ?? [];
        await RegisterThisProcessAsync(Agent);
        using var client = new SpiffeEndpointClient(EndpointSocket);

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.FetchJwtSvidAsync(new JWTSVIDRequest { Audience = { audiences } }));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("audience", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
    }

    [Fact]
    public async Task Invariant1_FetchJwtSvid_ForAnotherSpiffeId_IsPermissionDeniedAndTheRefusalRecorded()
    {
        await RegisterThisProcessAsync(Agent);
        using var client = new SpiffeEndpointClient(EndpointSocket);

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.FetchJwtSvidAsync(new JWTSVIDRequest { Audience = { Audience }, SpiffeId = TestBroker.ResearchAgent }));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        var refusal = Assert.Single(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
        Assert.Equal(("refused", "jwt"), (refusal.Outcome, refusal.Evidence["svid_type"]));
        Assert.Null(refusal.Jti);
    }

    [Fact]
    public async Task Invariant7_FetchJwtSvid_WithoutTheSecurityHeader_IsInvalidArgumentAndIssuesNothing()
    {
        await RegisterThisProcessAsync(Agent);
        using var client = new SpiffeEndpointClient(EndpointSocket, securityHeader: false);

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.FetchJwtSvidAsync(new JWTSVIDRequest { Audience = { Audience } }));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Empty(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
    }

    [Fact]
    public async Task ValidateJwtSvid_ItsOwnSvidForItsAudience_ReturnsTheSpiffeIdAndClaims()
    {
        await RegisterThisProcessAsync(Agent);
        using var client = new SpiffeEndpointClient(EndpointSocket);
        var svid = (await client.FetchJwtSvidAsync(new JWTSVIDRequest { Audience = { Audience } })).Svids[0].Svid;

        var valid = await client.ValidateJwtSvidAsync(Audience, svid);

        Assert.Equal(Agent, valid.SpiffeId);
        Assert.Equal(Agent, valid.Claims.Fields["sub"].StringValue);
        Assert.Equal(Audience, valid.Claims.Fields["aud"].StringValue);
        Assert.True(valid.Claims.Fields["exp"].NumberValue > 0);
    }

    [Fact]
    public async Task Invariant7_ValidateJwtSvid_WrongAudienceExpiredTamperedForeignOrMissing_IsInvalidArgument()
    {
        await RegisterThisProcessAsync(Agent);
        using var client = new SpiffeEndpointClient(EndpointSocket);
        var svid = (await client.FetchJwtSvidAsync(new JWTSVIDRequest { Audience = { Audience } })).Svids[0].Svid;
        var parts = svid.Split('.');
        var tampered = parts[0] + "." + Base64UrlEncoder.Encode(Base64UrlEncoder.Decode(parts[1]).Replace("support", "billing", StringComparison.Ordinal)) + "." + parts[2];

        var cases = new (string Audience, string Svid, string Expect)[]
        {
            ("https://elsewhere.example", svid, "aud"),
            (Audience, tampered, "signature"),
            (Audience, ForeignSvid(), "trust domain"),
            (Audience, "not-a-jwt", "compact"),
            ("", svid, "audience must be specified"),
            (Audience, "", "svid must be specified"),
        };
        foreach (var (audience, token, expect) in cases)
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => client.ValidateJwtSvidAsync(audience, token));
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.Contains(expect, refused.Status.Detail, StringComparison.Ordinal);
        }

        // JWT-SVID §3: an expired SVID is invalid (the broker's JWT-SVIDs live 5 minutes).
        Broker.Clock.Advance(TimeSpan.FromMinutes(6));
        var expired = await Assert.ThrowsAsync<RpcException>(() => client.ValidateJwtSvidAsync(Audience, svid));
        Assert.Equal((StatusCode.InvalidArgument, true), (expired.StatusCode, expired.Status.Detail.Contains("expired", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task FetchJwtBundles_AcrossAKeyRotation_EveryChangeOfTheKeysIsSentIncludingTheRetiredKeyLeaving()
    {
        // Workload API §4.3: a message on each change, carrying the full set; §4.4: a key absent from it is redacted, so
        // the stream must also speak when a retired JWT-SVID key leaves the bundle, or clients keep trusting it.
        var spiffe = Broker.Runtime.Spiffe!;
        using var client = new SpiffeEndpointClient(EndpointSocket);
        using var call = client.FetchJwtBundles();
        var sent = Kids(await SpiffeEndpointClient.FirstAsync(call));
        var removals = 0;

        // A day and a half of the test broker's key schedule: keys are rotated in, retired, and dropped once the last
        // JWT-SVID they signed has expired.
        for (var step = 0; step < 36 * 4; step++)
        {
            Broker.Clock.Advance(TimeSpan.FromMinutes(15));
            await spiffe.RefreshAsync(CancellationToken.None);

            // While the clock moves for the stream's next look, the broker's own minute-by-minute refresh may rotate
            // again: read until the stream carries what the broker publishes now, counting keys that left on the way.
            for (var reads = 0; !JwtPublished(spiffe).SequenceEqual(sent); reads++)
            {
                Assert.True(reads < 10, $"the stream never caught up with the published keys: sent {string.Join(',', sent)}, published {string.Join(',', JwtPublished(spiffe))}");
                Assert.True(await Client.ClockDriver.RunAsync(Broker.Clock, call.ResponseStream.MoveNext(CancellationToken.None), TimeSpan.Zero), "the stream ended");
                var next = Kids(call.ResponseStream.Current);
                removals += sent.Except(next).Any() ? 1 : 0;
                sent = next;
            }
        }

        Assert.True(removals > 0, "no JWT-SVID key left the bundle in a day and a half");
    }

    private static List<string> JwtPublished(SpiffeAuthority spiffe) => spiffe.Current.JwtPublished.Select(k => k.KeyId).ToList();

    private static List<string> Kids(JWTBundlesResponse response) =>
        new JsonWebKeySet(response.Bundles["spiffe://" + TestBroker.TrustDomain].ToStringUtf8()).Keys.Select(k => k.KeyId).ToList();

    /// <summary>A well-formed JWT-SVID of another trust domain, signed by a key this broker never published.</summary>
    private string ForeignSvid()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = Broker.Clock.GetUtcNow();
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "JWT",
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = "foreign" }, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = "spiffe://other.example/agents/support",
                ["aud"] = Audience,
                ["exp"] = (now + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds(),
                ["iat"] = now.ToUnixTimeSeconds(),
            },
        });
    }
}
