using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Attestation.AttestorEnvironment;

namespace Mandate.Core.Tests.Attestation.Profiles;

/// <summary>Projected service-account tokens: mapping to spiffe://td/ns/NS/sa/SA and every reason to refuse one.</summary>
public sealed class KubernetesProfileTests : IDisposable
{
    private const string Sub = "system:serviceaccount:payments:refunder";
    private readonly ProfileFixture _f = new("https://kubernetes.default.svc.cluster.local");

    public void Dispose() => _f.Dispose();

    private TrustedIssuerOptions K8s => _f.Options(IssuerProfile.Kubernetes);

    /// <summary>A token as the TokenRequest API issues it for a pod, then <paramref name="edit"/>.</summary>
    private string Token(Action<TokenParts>? edit = null, string ns = "payments", string sa = "refunder", bool pod = true) =>
        _f.Token(Sub, parts =>
        {
            var claim = new Dictionary<string, object>
            {
                ["namespace"] = ns,
                ["serviceaccount"] = new Dictionary<string, object> { ["name"] = sa, ["uid"] = "7c1b0a3e-sa" },
            };
            if (pod)
            {
                claim["pod"] = new Dictionary<string, object> { ["name"] = "refunder-7d9f", ["uid"] = "0f6e2d1c-pod" };
            }

            parts.Header.Remove("typ");
            parts.Payload["kubernetes.io"] = claim;
            edit?.Invoke(parts);
        });

    [Fact]
    public async Task Attest_PodBoundServiceAccountToken_MapsToNamespaceAndServiceAccount()
    {
        var result = await _f.AttestAsync(K8s, Token());

        Assert.Equal("spiffe://acme.example/ns/payments/sa/refunder", result.Identity?.SpiffeId);
        Assert.Equal("kubernetes", result.Identity!.Evidence.Profile);
        Assert.Equal("test-issuer", result.Identity.Evidence.IssuerName);
    }

    [Fact]
    public async Task Attest_IssuerTrustDomainSet_MapsIntoThatDomain()
    {
        var result = await _f.AttestAsync(K8s with { TrustDomain = "cluster-b.acme.example" }, Token());

        Assert.Equal("spiffe://cluster-b.acme.example/ns/payments/sa/refunder", result.Identity?.SpiffeId);
    }

    [Fact]
    public async Task Invariant7_SubIsJsonNull_RefusedNotThrown()
    {
        // RFC 7519 §4.1.2: sub is a StringOrURI; a JSON null is not one (found by the fuzz harness: it threw).
        var token = Token(p => p.Payload["sub"] = null!);

        AssertRefused(await _f.AttestAsync(K8s, token), token, "'sub' claim that is not a JSON string");
    }

    [Fact]
    public async Task Attest_WrongAudience_IsRefused()
    {
        var token = Token(p => p.Payload["aud"] = "https://kubernetes.default.svc");

        AssertRefused(await _f.AttestAsync(K8s, token), token, "its 'aud' must be");
    }

    [Fact]
    public async Task Attest_NoPodBinding_IsRefused()
    {
        var token = Token(pod: false);

        AssertRefused(await _f.AttestAsync(K8s, token), token, "is not bound to a pod");
    }

    [Fact]
    public async Task Attest_NoPodBindingWhenNotRequired_IsAccepted()
    {
        var result = await _f.AttestAsync(K8s with { RequirePodBinding = false }, Token(pod: false));

        Assert.Equal("spiffe://acme.example/ns/payments/sa/refunder", result.Identity?.SpiffeId);
    }

    [Theory]
    [InlineData("billing", "refunder")]
    [InlineData("payments", "admin")]
    public async Task Attest_KubernetesClaimDisagreesWithSub_IsRefused(string ns, string sa)
    {
        var token = Token(ns: ns, sa: sa);

        AssertRefused(await _f.AttestAsync(K8s, token), token, "do not match its 'sub'");
    }

    [Fact]
    public async Task Attest_LegacyTokenWithoutKubernetesClaim_IsRefused()
    {
        var token = Token(p => p.Payload.Remove("kubernetes.io"));

        AssertRefused(await _f.AttestAsync(K8s, token), token, "has no 'kubernetes.io' claim object");
    }

    [Fact]
    public async Task Attest_KubernetesClaimNotAnObject_IsRefused()
    {
        var token = Token(p => p.Payload["kubernetes.io"] = "payments");

        AssertRefused(await _f.AttestAsync(K8s, token), token, "has no 'kubernetes.io' claim object");
    }

    [Theory]
    [InlineData("spiffe://acme.example/ns/payments/sa/refunder")]
    [InlineData("system:serviceaccount:payments")]
    [InlineData("system:serviceaccount:payments:refunder:extra")]
    [InlineData("system:serviceaccount:../admin:refunder")]
    [InlineData("system:serviceaccount:pay/ments:refunder")]
    public async Task Attest_SubNotAServiceAccount_IsRefused(string sub)
    {
        var token = Token(p => p.Payload["sub"] = sub);

        AssertRefused(await _f.AttestAsync(K8s, token), token, "is not system:serviceaccount:<namespace>:<name>");
    }

    [Fact]
    public async Task Attest_NamespaceNotAllowed_IsRefused()
    {
        var token = Token();

        AssertRefused(await _f.AttestAsync(K8s with { Namespaces = ["billing", "support"] }, token), token, "namespaces: billing, support");
    }

    [Fact]
    public async Task Attest_NamespaceAllowed_IsAccepted()
    {
        var result = await _f.AttestAsync(K8s with { Namespaces = ["billing", "payments"] }, Token());

        Assert.NotNull(result.Identity);
    }

    [Fact]
    public async Task Attest_Expired_IsRefused()
    {
        var token = Token();
        _f.Clock.Advance(TimeSpan.FromMinutes(6));

        AssertRefused(await _f.AttestAsync(K8s, token), token, "has expired");
    }

    [Fact]
    public async Task Attest_AlgorithmNotAllowedForThisIssuer_IsRefused()
    {
        var token = Token();

        AssertRefused(await _f.AttestAsync(K8s with { Algorithms = ["RS256"] }, token), token, "allowed: RS256");
    }

    [Fact]
    public async Task Attest_RequiredClaimMissing_IsRefused()
    {
        var token = Token();
        var options = K8s with { RequiredClaims = new Dictionary<string, IReadOnlyList<string>> { ["cluster"] = ["prod-eu"] } };

        AssertRefused(await _f.AttestAsync(options, token), token, "has no 'cluster' claim");
    }
}
