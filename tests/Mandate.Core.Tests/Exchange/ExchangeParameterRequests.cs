using Mandate.Core.Attestation;
using Mandate.Core.Exchange;
using Mandate.Core.Exchange.Steps;
using Mandate.Core.Protocol;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;
using T = Mandate.Core.Protocol.OAuthConstants.TokenTypes;

namespace Mandate.Core.Tests.Exchange;

/// <summary>Runs <see cref="ValidateExchangeParameters"/> on a well-formed request edited by a test.</summary>
internal static class ExchangeParameterRequests
{
    public const string SubjectToken = "eyJzdWJqZWN0LXRva2VuLXRleHQ.eyJzdWJqZWN0LXBheWxvYWQ.c3ViamVjdC1zaWduYXR1cmU";
    public const string ActorToken = "eyJhY3Rvci10b2tlbi10ZXh0.eyJhY3Rvci1wYXlsb2Fk.YWN0b3Itc2lnbmF0dXJl";

    /// <summary>What the host hands over after a valid X.509-SVID on mutual TLS (RFC 8705 §2).</summary>
    public static SenderBinding CertificateBinding() => new(
        new WorkloadIdentity("spiffe://acme.example/agents/support", new AttestationEvidence("x509-svid", "spiffe://acme.example", null, "ES256", new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.Zero), null)),
        "x5t-of-the-client-certificate",
        null);

    /// <summary>A well-formed token exchange: user token as subject, workload identity as actor, one tool, one scope.</summary>
    public static Dictionary<string, string> WellFormed() => new()
    {
        [P.GrantType] = OAuthConstants.GrantTypes.TokenExchange,
        [P.SubjectToken] = SubjectToken,
        [P.SubjectTokenType] = T.Jwt,
        [P.ActorToken] = ActorToken,
        [P.ActorTokenType] = T.Jwt,
        [P.Resource] = "https://refunds.acme.example",
        [P.Scope] = "refunds:read",
    };

    public static async Task<ExchangeContext> RunAsync(Action<Dictionary<string, string>> edit, bool certificate = false)
    {
        var parameters = WellFormed();
        edit(parameters);
        var request = new TokenExchangeRequest(parameters) { Binding = certificate ? CertificateBinding() : SenderBinding.None };
        var context = new ExchangeContext(request, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await new ValidateExchangeParameters().ExecuteAsync(context, CancellationToken.None);
        return context;
    }

    public static async Task AssertRejectedAsync(Action<Dictionary<string, string>> edit, string error, string description, bool certificate = false)
    {
        var context = await RunAsync(edit, certificate);

        Assert.True(context.IsDone);
        var actual = Assert.IsType<OAuthError>(context.Error);
        Assert.Equal(error, actual.Error);
        Assert.Contains(description, actual.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(SubjectToken, actual.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(ActorToken, actual.Description, StringComparison.Ordinal);
        Assert.Null(context.Response);
    }
}
