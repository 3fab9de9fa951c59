using System.Net;
using System.Text;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// POST /evidence authenticates its poster with a bearer token, so its refusals follow RFC 6750 §3: every 401 and 403
/// carries a Bearer challenge, with an error code only when a token was sent (§3.1), and the scheme is matched
/// case-insensitively (RFC 9110 §11.1). Nothing is recorded.
/// </summary>
[Trait("Invariant", "7")]
public sealed class EvidenceChallengeTests : BrokerTest
{
    private static readonly byte[] Fact = Encoding.UTF8.GetBytes("""{"kind":"eval","subject":"acme/shop@4f2a9c1","result":"pass"}""");

    [Fact]
    public async Task Evidence_NoBearerToken_Returns401WithChallengeWithoutErrorCode()
    {
        var reply = await PostAsync(authorization: null);

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("evidence.token_missing", reply.Member("check_id"));
        Assert.Equal("Bearer realm=\"mandate\"", reply.Header("WWW-Authenticate"));
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("bearer")]
    [InlineData("BEARER")]
    public async Task Evidence_TokenOfAnIssuerNotTrustedForEvidence_Returns403WithInsufficientScopeChallenge(string scheme)
    {
        var reply = await PostAsync($"{scheme} {Broker.Svid(TestBroker.SupportAgent)}");

        Assert.Equal(HttpStatusCode.Forbidden, reply.Status);
        Assert.Equal(("insufficient_scope", "evidence.issuer_not_trusted"), (reply.Error, reply.Member("check_id")));
        Assert.Equal("Bearer error=\"insufficient_scope\"", reply.Header("WWW-Authenticate"));
    }

    private Task<OAuthReply> PostAsync(string? authorization) =>
        Broker.AssertAuditUnchangedAsync(() => RawRequests.SendAsync(Broker, HttpMethod.Post, "evidence", Fact, "application/json", authorization: authorization));
}
