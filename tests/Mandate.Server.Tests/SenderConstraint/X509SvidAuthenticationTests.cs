using System.Security.Cryptography.X509Certificates;
using Mandate.Core.Audit;
using Mandate.SenderConstraint;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>X.509-SVIDs over mutual TLS at the token endpoint: who is accepted, who is refused, and what the credential carries.</summary>
public sealed class X509SvidAuthenticationTests : MtlsTest
{
    /// <summary>The refund request with the agent identified by its certificate only (no actor_token).</summary>
    private ExchangeRequest CertificateOnlyRefund() => Broker.RefundRequest() with { ActorToken = null, ActorTokenType = null };

    [Fact]
    public async Task Exchange_ValidSvidWithoutActorToken_IssuesCredentialBoundToTheCertificate()
    {
        var svid = Mtls.Svid(TestBroker.SupportAgent);
        var reply = await Mtls.ExchangeAsync(svid, CertificateOnlyRefund());

        var token = Expect.Issued(reply);
        Assert.Equal("Bearer", reply.Member("token_type"));
        var cnf = ConfirmationClaim.FromToken(IssuedTokens.Read(token));
        Assert.Equal(CertificateThumbprint.X5tS256(svid), cnf?.X5tS256);
        Assert.Null(cnf?.Jkt);
        Assert.Equal(TestBroker.SupportAgent, IssuedTokens.Read(token).GetPayloadValue<string>("client_id"));
        var issuance = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
        Assert.Equal("tls_client_auth", issuance.Evidence["client_auth"]);
        Assert.Equal(CertificateThumbprint.X5tS256(svid), issuance.Evidence["client_cert_x5t_s256"]);
    }

    [Fact]
    public async Task InRun_RunStartedOverMtls_OnlyTheSameCertificateMayUseItsRunToken()
    {
        var svid = Mtls.Svid(TestBroker.SupportAgent);
        var runToken = Expect.Issued(await Mtls.ExchangeAsync(svid, Broker.StartRunRequest() with { ActorToken = null, ActorTokenType = null }));
        var inRun = Broker.InRunRequest(runToken) with { ActorToken = null, ActorTokenType = null };

        var fromAnother = await Mtls.ExchangeAsync(Mtls.Svid(TestBroker.SupportAgent), inRun);
        var fromHolder = await Mtls.ExchangeAsync(svid, inRun);

        Assert.Equal(CertificateThumbprint.X5tS256(svid), ConfirmationClaim.FromToken(IssuedTokens.Read(runToken))?.X5tS256);
        Expect.Refused(fromAnother, "invalid_request", "bound to a client certificate");
        Expect.Issued(fromHolder);
    }

    [Fact]
    public async Task Introspect_CertificateBoundCredential_ReturnsCnf()
    {
        var svid = Mtls.Svid(TestBroker.SupportAgent);
        var token = Expect.Issued(await Mtls.ExchangeAsync(svid, CertificateOnlyRefund()));

        // The refunds tool authenticates with its own X.509-SVID instead of a bearer JWT.
        var tool = Mtls.Svid(TestBroker.RefundsWorkload);
        var reply = await Mtls.PostAsync(tool, "oauth2/introspect", [new("token", token)]);

        Assert.True(reply.Json.GetProperty("active").GetBoolean(), reply.ToString());
        Assert.Equal(CertificateThumbprint.X5tS256(svid), reply.Json.GetProperty("cnf").GetProperty("x5t#S256").GetString());
        Assert.Equal("Bearer", reply.Member("token_type"));
    }

    [Fact]
    public async Task Validate_CertificateBoundCredentialWithoutOrWithOtherCertificate_IsRefused()
    {
        var svid = Mtls.Svid(TestBroker.SupportAgent);
        var cnf = ConfirmationClaim.FromToken(IssuedTokens.Read(Expect.Issued(await Mtls.ExchangeAsync(svid, CertificateOnlyRefund()))));
        var stolenBy = Mtls.Svid(TestBroker.SupportAgent);

        Assert.False(ConfirmationClaim.IsBoundTo(cnf, null, null).Satisfied);
        Assert.False(ConfirmationClaim.IsBoundTo(cnf, stolenBy, null).Satisfied);
        Assert.True(ConfirmationClaim.IsBoundTo(cnf, svid, null).Satisfied);
    }

    [Fact]
    public async Task Exchange_ActorTokenAndCertificateName_DifferentWorkloads_IsInvalidRequest()
    {
        var svid = Mtls.Svid(TestBroker.ResearchAgent);
        var reply = await Mtls.ExchangeAsync(svid, Broker.RefundRequest());

        Expect.Refused(reply, "invalid_request", "client certificate", TestBroker.SupportAgent, TestBroker.ResearchAgent);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_ActorTokenMatchingCertificate_IsIssued()
    {
        var svid = Mtls.Svid(TestBroker.SupportAgent);
        var token = Expect.Issued(await Mtls.ExchangeAsync(svid, Broker.RefundRequest()));
        Assert.NotNull(ConfirmationClaim.FromToken(IssuedTokens.Read(token))?.X5tS256);
    }

    [Fact]
    public async Task Exchange_NoCertificateAndNoActorToken_IsInvalidRequest()
    {
        Expect.Refused(await Mtls.ExchangeAsync(null, CertificateOnlyRefund()), "invalid_request", "actor_token is required");
        await Broker.AssertNothingIssuedAsync();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Invariant7_ActorTokenTypeWithoutActorTokenOverMtls_IsInvalidRequestAndNothingIssued(string? actorToken)
    {
        // RFC 8693 §2.1: actor_token_type MUST NOT be included without actor_token; an empty value is an absent one (RFC 6749 §3.2).
        var request = CertificateOnlyRefund() with { ActorToken = actorToken, ActorTokenType = ExchangeRequest.JwtType };

        var reply = await Mtls.ExchangeAsync(Mtls.Svid(TestBroker.SupportAgent), request);

        Expect.Refused(reply, "invalid_request", "actor_token_type was sent without actor_token");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_JwtSvidWithoutCertificate_StillWorksAndIsBearer()
    {
        var token = Expect.Issued(await Mtls.ExchangeAsync(null, Broker.RefundRequest()));
        Assert.Null(ConfirmationClaim.FromToken(IssuedTokens.Read(token)));
    }

    [Fact]
    public async Task Exchange_SvidOfUnconfiguredTrustDomain_IsInvalidClient() =>
        await AssertRefusedAsync(Mtls.Acme.IssueSvid(Broker.Now.AddMinutes(-5), Broker.Now.AddHours(1), uris: "spiffe://evil.example/agents/support"), "trust domain 'evil.example'");

    [Fact]
    public async Task Exchange_SvidSignedByAnotherTrustDomainsCa_IsInvalidClient() =>
        // partner.example's CA is trusted, but only for partner.example IDs.
        await AssertRefusedAsync(Mtls.Partner.IssueSvid(Broker.Now.AddMinutes(-5), Broker.Now.AddHours(1), uris: TestBroker.SupportAgent), "does not chain");

    [Fact]
    public async Task Exchange_ExpiredSvid_IsInvalidClient() =>
        await AssertRefusedAsync(Mtls.Acme.IssueSvid(Broker.Now.AddHours(-2), Broker.Now.AddHours(-1), uris: TestBroker.SupportAgent), "outside its validity");

    [Fact]
    public async Task Exchange_SvidWithTwoUriSans_IsInvalidClient() =>
        await AssertRefusedAsync(
            Mtls.Acme.IssueSvid(Broker.Now.AddMinutes(-5), Broker.Now.AddHours(1), uris: [TestBroker.SupportAgent, TestBroker.ResearchAgent]), "2 URI SANs");

    [Fact]
    public async Task Exchange_SvidWithCaFlag_IsInvalidClient() =>
        await AssertRefusedAsync(Mtls.Acme.IssueSvid(Broker.Now.AddMinutes(-5), Broker.Now.AddHours(1), isCa: true, uris: TestBroker.SupportAgent), "CA flag");

    [Fact]
    public async Task Exchange_SelfSignedSvid_IsInvalidClient()
    {
        using var selfSigned = TestPki.SelfSignedSvid(TestBroker.SupportAgent, Broker.Now.AddMinutes(-5), Broker.Now.AddHours(1));
        await AssertRefusedAsync(selfSigned, "does not chain");
    }

    [Fact]
    public async Task Exchange_SvidWithoutClientAuthUsage_IsInvalidClient() =>
        await AssertRefusedAsync(Mtls.Acme.IssueSvid(Broker.Now.AddMinutes(-5), Broker.Now.AddHours(1), clientAuth: false, uris: TestBroker.SupportAgent), "clientAuth");

    [Fact]
    public async Task Introspect_WithRefusedSvid_IsInvalidClient()
    {
        var token = Expect.Issued(await Mtls.ExchangeAsync(null, Broker.RefundRequest()));
        var expiredTool = Mtls.Acme.IssueSvid(Broker.Now.AddHours(-2), Broker.Now.AddHours(-1), uris: TestBroker.RefundsWorkload);
        Expect.Refused(await Mtls.PostAsync(expiredTool, "oauth2/introspect", [new("token", token)]), "invalid_client", "outside its validity");
    }

    [Fact]
    public async Task Metadata_WithTlsAndBundles_AdvertisesCertificateBoundTokens()
    {
        using var client = Mtls.Client(null);
        using var document = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(".well-known/oauth-authorization-server"));
        Assert.True(document.RootElement.GetProperty("tls_client_certificate_bound_access_tokens").GetBoolean());
        Assert.Contains("tls_client_auth", document.RootElement.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Metadata_WithTlsAndBundles_AdvertisesCertificateAuthenticationWhereItIsAccepted()
    {
        // RFC 8414 §2: each endpoint lists the client authentication it accepts; introspection and revocation take an X.509-SVID.
        using var client = Mtls.Client(null);
        using var document = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(".well-known/oauth-authorization-server"));
        foreach (var member in new[] { "introspection_endpoint_auth_methods_supported", "revocation_endpoint_auth_methods_supported" })
        {
            Assert.Equal(["bearer", "tls_client_auth"], document.RootElement.GetProperty(member).EnumerateArray().Select(e => e.GetString()));
        }
    }

    /// <summary>Refused with invalid_client naming the check, nothing issued, the refusal audited (even with a valid actor_token).</summary>
    private async Task AssertRefusedAsync(X509Certificate2 certificate, string check)
    {
        var reply = await Mtls.ExchangeAsync(certificate, Broker.RefundRequest());

        Expect.Refused(reply, "invalid_client", "X.509-SVID refused", check);
        await Broker.AssertNothingIssuedAsync();
        var refusal = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.ClientAuthentication));
        Assert.Equal("refused", refusal.Outcome);
        Assert.Contains(check, refusal.Reason, StringComparison.Ordinal);
        Assert.Equal(CertificateThumbprint.X5tS256(certificate), refusal.Evidence["client_cert_x5t_s256"]);
    }
}
