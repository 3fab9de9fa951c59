using System.Text.Json;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Core.Attestation.Profiles;

/// <summary>
/// Kubernetes projected service-account tokens (TokenRequest API): <c>sub</c> is
/// <c>system:serviceaccount:NS:SA</c> and the <c>kubernetes.io</c> claim repeats namespace and service
/// account and binds the token to its pod. Both must agree; the workload is <c>spiffe://TD/ns/NS/sa/SA</c>.
/// </summary>
internal sealed class KubernetesProfile : IIdentityProfile
{
    private const string SubjectPrefix = "system:serviceaccount:";
    private const string ClaimName = "kubernetes.io";

    public string Name => IssuerProfileNames.NameOf(IssuerProfile.Kubernetes);

    public ProfileMapping Map(JsonWebToken jwt, TrustedIssuer issuer, string parameter)
    {
        var name = issuer.Options.Name;
        if (issuer.TrustDomain is not { } domain)
        {
            return ProfileMapping.Refuse($"issuer '{name}' has no trust domain to map service accounts into; an operator must set trust_domain");
        }

        if (!jwt.TryGetPayloadValue<string>("sub", out var sub) || sub is null || !sub.StartsWith(SubjectPrefix, StringComparison.Ordinal)
            || sub[SubjectPrefix.Length..].Split(':') is not [var ns, var sa]
            || !SpiffeIdTemplate.IsSafeSegment(ns) || !SpiffeIdTemplate.IsSafeSegment(sa))
        {
            return ProfileMapping.Refuse($"{parameter} 'sub' is not system:serviceaccount:<namespace>:<name> (issuer '{name}', profile kubernetes); present a projected service-account token");
        }

        // Presence first: a kubernetes.io claim of another JSON type cannot be read as an object and must refuse, not be skipped.
        if (!jwt.TryGetClaim(ClaimName, out _) || !jwt.TryGetPayloadValue<JsonElement>(ClaimName, out var k8s) || k8s.ValueKind != JsonValueKind.Object)
        {
            return ProfileMapping.Refuse($"{parameter} has no '{ClaimName}' claim object (issuer '{name}', profile kubernetes); use a projected service-account token (serviceAccountToken volume), not a legacy secret token");
        }

        if (Text(k8s, "namespace") != ns || Text(k8s, "serviceaccount", "name") != sa || Text(k8s, "serviceaccount", "uid") is null)
        {
            return ProfileMapping.Refuse($"{parameter} '{ClaimName}' namespace and serviceaccount do not match its 'sub' (issuer '{name}', profile kubernetes); the token was not issued by the Kubernetes API for this service account");
        }

        if (issuer.Options.RequirePodBinding && (Text(k8s, "pod", "name") is null || Text(k8s, "pod", "uid") is null))
        {
            return ProfileMapping.Refuse($"{parameter} is not bound to a pod ('{ClaimName}.pod' name and uid), which issuer '{name}' requires; mount a projected serviceAccountToken volume in the pod, or set require_pod_binding: false");
        }

        var allowed = issuer.Options.Namespaces;
        if (allowed.Count > 0 && !allowed.Contains(ns, StringComparer.Ordinal))
        {
            return ProfileMapping.Refuse($"{parameter} comes from a namespace issuer '{name}' does not allow (namespaces: {string.Join(", ", allowed)}); run the workload in an allowed namespace or add it to issuers[].namespaces");
        }

        return ProfileMapping.To($"{SpiffeId.Scheme}{domain}/ns/{ns}/sa/{sa}");
    }

    private static string? Text(JsonElement element, params string[] path)
    {
        foreach (var step in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(step, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 } s ? s : null;
    }
}
