using Mandate.Core.Audit;
using Mandate.SenderConstraint;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>Policy rules with sender_constraint: a tool that requires bound credentials refuses bearer requests, naming the rule and the fix.</summary>
public sealed class SenderConstraintPolicyTests : IDisposable
{
    private const string RulePrefix = """
        rules:
          - id: refunds-need-binding
            reason: Refund credentials must be useless if stolen.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            tenant: same_as_user
        """;

    private readonly DpopProofs _key = new();

    public void Dispose() => _key.Dispose();

    private static string PolicyRequiring(string requirement) => RulePrefix + $"\n    sender_constraint: {requirement}\n";

    private static string TokenUrl(BrokerHarness broker) => broker.Options.Issuer.TrimEnd('/') + "/oauth2/token";

    [Fact]
    public async Task Exchange_BearerRequestForDpopTool_IsRefusedNamingTheRule()
    {
        await using var broker = await BrokerHarness.StartAsync(PolicyRequiring("dpop"));

        var reply = await broker.ExchangeAsync(broker.RefundRequest());

        Expect.Refused(reply, "invalid_target", "rule 'refunds-need-binding' requires a DPoP-bound credential", "present a DPoP proof");
        await broker.AssertNothingIssuedAsync();
        Assert.Equal("deny", Assert.Single(await broker.AuditEventsAsync(AuditKinds.Decision)).Outcome);
    }

    [Fact]
    public async Task Exchange_DpopRequestForDpopTool_IsAllowed()
    {
        await using var broker = await BrokerHarness.StartAsync(PolicyRequiring("dpop"));

        var reply = await DpopRequests.ExchangeAsync(broker, broker.RefundRequest(), _key.Create("POST", TokenUrl(broker), broker.Now));

        Assert.Equal(_key.Thumbprint, ConfirmationClaim.FromToken(IssuedTokens.Read(Expect.Issued(reply)))?.Jkt);
    }

    [Fact]
    public async Task Exchange_MtlsTool_RefusesBearerAndDpopAndAllowsTheCertificate()
    {
        await using var mtls = await MtlsBroker.StartAsync(PolicyRequiring("mtls"));
        var broker = mtls.Broker;
        var svid = mtls.Svid(TestBroker.SupportAgent);

        Expect.Refused(await mtls.ExchangeAsync(null, broker.RefundRequest()), "invalid_target", "rule 'refunds-need-binding' requires an mTLS-bound credential", "call over mTLS with your X.509-SVID");
        // DPoP decides the binding when both are present, so a DPoP proof over mTLS is not mTLS-bound.
        Expect.Refused(
            await mtls.ExchangeAsync(svid, broker.RefundRequest(), _key.Create("POST", TokenUrl(broker), broker.Now)),
            "invalid_target",
            "requires an mTLS-bound credential");
        await broker.AssertNothingIssuedAsync();

        var token = Expect.Issued(await mtls.ExchangeAsync(svid, broker.RefundRequest()));
        Assert.Equal(CertificateThumbprint.X5tS256(svid), ConfirmationClaim.FromToken(IssuedTokens.Read(token))?.X5tS256);
    }

    [Fact]
    public async Task Exchange_AnyBindingTool_AcceptsDpopOrCertificateButNotBearer()
    {
        await using var mtls = await MtlsBroker.StartAsync(PolicyRequiring("any"));
        var broker = mtls.Broker;

        Expect.Refused(await mtls.ExchangeAsync(null, broker.RefundRequest()), "invalid_target", "present a DPoP proof, or call over mTLS");
        Expect.Issued(await mtls.ExchangeAsync(mtls.Svid(TestBroker.SupportAgent), broker.RefundRequest()));
        Expect.Issued(await mtls.ExchangeAsync(null, broker.RefundRequest(), _key.Create("POST", TokenUrl(broker), broker.Now)));
    }
}
