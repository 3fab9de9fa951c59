using System.Net;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>
/// Introspection and revocation over mutual TLS with an Authorization header too. RFC 8705 §2 makes the client
/// certificate a client authentication method and RFC 6749 §2.3 allows one client per request: a refused certificate
/// fails the request even beside a valid bearer token, and a certificate and a bearer token naming two workloads are
/// refused; either way with invalid_client (401) and nothing changed. A bearer token in the body beside the certificate
/// is a second method too: invalid_request (400), as beside an Authorization header.
/// </summary>
[Trait("Invariant", "7")]
public sealed class CertificateBesideBearerTests : MtlsTest
{
    [Theory]
    [InlineData("oauth2/introspect", TestBroker.RefundsWorkload)]
    [InlineData("oauth2/revoke", TestBroker.SupportAgent)]
    public async Task Invariant7_RefusedCertificateBesideValidBearer_Returns401InvalidClientAndChangesNothing(string path, string caller)
    {
        var token = Expect.Issued(await Mtls.ExchangeAsync(null, Broker.RefundRequest()));
        var expired = Mtls.Acme.IssueSvid(Broker.Now.AddHours(-2), Broker.Now.AddHours(-1), uris: caller);

        var reply = await Mtls.PostAsync(expired, path, [new("token", token)], bearer: Broker.Svid(caller));

        Expect.Refused(reply, "invalid_client", "outside its validity");
        Assert.Equal("client.certificate_invalid", reply.Member("check_id"));
        Assert.Equal("Bearer", reply.Header("WWW-Authenticate"));
        Assert.True(await ActiveAsync(token));
    }

    [Theory]
    [InlineData("oauth2/introspect", TestBroker.RefundsWorkload, TestBroker.CrmWorkload)]
    [InlineData("oauth2/revoke", TestBroker.SupportAgent, TestBroker.RefundsWorkload)]
    public async Task Invariant7_CertificateAndBearerOfDifferentWorkloads_Returns401InvalidClientAndChangesNothing(string path, string bearer, string certified)
    {
        var token = Expect.Issued(await Mtls.ExchangeAsync(null, Broker.RefundRequest()));

        var reply = await Mtls.PostAsync(Mtls.Svid(certified), path, [new("token", token)], bearer: Broker.Svid(bearer));

        Expect.Refused(reply, "invalid_client", bearer, certified);
        Assert.Equal("client.identities_differ", reply.Member("check_id"));
        Assert.True(await ActiveAsync(token));
    }

    [Theory]
    [InlineData("oauth2/introspect", TestBroker.RefundsWorkload)]
    [InlineData("oauth2/revoke", TestBroker.SupportAgent)]
    public async Task Invariant7_CertificateWithABearerTokenInTheBody_Returns400InvalidRequestAndChangesNothing(string path, string caller)
    {
        // RFC 6749 §2.3: one authentication method per request; RFC 6750 §2.2's access_token in the body would be a second.
        var token = Expect.Issued(await Mtls.ExchangeAsync(null, Broker.RefundRequest()));

        var reply = await Broker.AssertAuditUnchangedAsync(() =>
            Mtls.PostAsync(Mtls.Svid(caller), path, [new("token", token), new("access_token", Broker.Svid(caller))]));

        Expect.Refused(reply, "invalid_request", "access_token");
        Assert.Equal("request.access_token_in_body", reply.Member("check_id"));
        Assert.True(await ActiveAsync(token));
    }

    [Fact]
    public async Task Revoke_CertificateAndBearerOfTheSameWorkload_Revokes()
    {
        var token = Expect.Issued(await Mtls.ExchangeAsync(null, Broker.RefundRequest()));

        var reply = await Mtls.PostAsync(Mtls.Svid(TestBroker.SupportAgent), "oauth2/revoke", [new("token", token)], bearer: Broker.Svid(TestBroker.SupportAgent));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.False(await ActiveAsync(token));
    }

    /// <summary>Introspected by the refunds tool with its X.509-SVID alone.</summary>
    private async Task<bool> ActiveAsync(string token) =>
        IntrospectionReply.Active(await Mtls.PostAsync(Mtls.Svid(TestBroker.RefundsWorkload), "oauth2/introspect", [new("token", token)]));
}
