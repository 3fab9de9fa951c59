using System.Net;
using Mandate.Core.Attestation;
using Mandate.SenderConstraint;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// What a caller without valid credentials can make the broker hold or do: values it chooses (a proof's <c>jti</c>, a
/// token's issuer and <c>kid</c>) are not remembered, nothing is written to the store, and a client that sends its
/// request slowly or never finishes it is cut off by the listener's timeouts.
/// </summary>
public sealed class UnauthenticatedFloodTests : BrokerTest, IDisposable
{
    private const int Flood = 200;

    private readonly DpopProofs _key = new();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Invariant7_ActorTokensOfUnknownIssuersAndKeys_ChangeNothingAndAreNotRemembered()
    {
        var cache = Broker.App.App.Services.GetRequiredService<ValidatedTokenCache>();
        var before = await Broker.ReadAuditAsync();

        for (var i = 0; i < Flood; i++)
        {
            using var attacker = IssuerKey.Attacker($"https://issuer-{i}.attacker.example");
            var claims = Broker.WorkloadClaims(TestBroker.SupportAgent);
            claims["iss"] = attacker.Issuer;
            var token = RawJwt.Encode(new Dictionary<string, object> { ["alg"] = "ES256", ["kid"] = $"kid-{i}" }, claims, RawJwt.Es256(attacker.Key));
            var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = token });
            Assert.True(reply.Status is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, reply.ToString());
        }

        Assert.Equal(0, cache.Count);
        Assert.Equal(before.Select(r => r.Hash), (await Broker.ReadAuditAsync()).Select(r => r.Hash));
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_DpopProofsBesideAnInvalidActorToken_AreNotRemembered()
    {
        var guard = Assert.IsType<DpopReplayCache>(Broker.Runtime.ReplayGuard);
        var tokenUrl = Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token";
        var forged = Broker.RefundRequest() with { ActorToken = "not-a-jwt" };

        for (var i = 0; i < Flood; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token") { Content = new FormUrlEncodedContent(forged.ToForm()) };
            request.Headers.Add("DPoP", _key.Create("POST", tokenUrl, Broker.Now));
            var reply = await Broker.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        }

        // A proof's jti is the caller's choice: remembered before the caller is known, a flood of self-signed proofs
        // fills the replay cache (then every DPoP client is refused) or, on PostgreSQL, the dpop_proofs table.
        Assert.Equal(0, guard.Count);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Token_HeadersThatNeverEnd_AreCutByTheListener()
    {
        using var socket = await RawSockets.ConnectAsync(Broker.Http.BaseAddress!);
        await RawSockets.SendAsync(socket, "POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Trickle: a");

        // Kestrel's RequestHeadersTimeout (30 s) answers 408 and closes the connection.
        var answer = await RawSockets.ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(45));

        Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal);
        await Broker.AssertNothingIssuedAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Invariant7_TokenBodyThatStalls_IsCutByTheMinimumDataRateAndChangesNothing(bool chunked)
    {
        var before = await Broker.ReadAuditAsync();
        using var socket = await RawSockets.ConnectAsync(Broker.Http.BaseAddress!);
        var framing = chunked ? "Transfer-Encoding: chunked\r\n\r\n10\r\ngrant_type=urn:i" : "Content-Length: 1000\r\n\r\ngrant_type=urn:i";
        await RawSockets.SendAsync(socket, $"POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n{framing}");

        // Kestrel's MinRequestBodyDataRate (240 bytes/s after a 5 s grace period) ends the read; the refusal is 408.
        var answer = await RawSockets.ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal);
        Assert.Contains("request.body_timeout", answer, StringComparison.Ordinal);
        Assert.Equal(before.Select(r => r.Hash), (await Broker.ReadAuditAsync()).Select(r => r.Hash));
    }
}
