using Mandate.Core.Attestation;
using Mandate.Core.Grants;
using Mandate.Core.Protocol;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;
using T = Mandate.Core.Protocol.OAuthConstants.TokenTypes;

namespace Mandate.Core.Tests.Grants;

/// <summary>Runs <see cref="ExchangeParameters"/> on a well-formed request edited by a test.</summary>
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

    public static Task<OAuthError?> RunAsync(Action<Dictionary<string, string>> edit, bool certificate = false)
    {
        var parameters = WellFormed();
        edit(parameters);
        var request = new TokenRequest(parameters, certificate ? CertificateBinding() : SenderBinding.None);
        return Task.FromResult(ExchangeParameters.Check(request));
    }

    public static async Task AssertRejectedAsync(Action<Dictionary<string, string>> edit, string error, string description, bool certificate = false)
    {
        var actual = await RunAsync(edit, certificate);

        Assert.NotNull(actual);
        Assert.Equal(error, actual.Error);
        Assert.StartsWith("request.", actual.CheckId, StringComparison.Ordinal);
        Assert.Contains(description, actual.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(SubjectToken, actual.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(ActorToken, actual.Description, StringComparison.Ordinal);
    }
}
