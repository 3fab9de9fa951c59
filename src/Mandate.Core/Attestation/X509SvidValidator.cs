using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.SenderConstraint;

namespace Mandate.Core.Attestation;

/// <summary>
/// Validates an X.509-SVID presented as a TLS client certificate (SPIFFE X509-SVID spec): exactly one
/// URI SAN holding a SPIFFE ID, a trust domain with a configured bundle, a chain to that bundle only,
/// a leaf that is not a CA, within validity, fit for client authentication. Kestrel's own validation is
/// off, so this is the only check a client certificate passes.
/// </summary>
public sealed class X509SvidValidator
{
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private readonly Dictionary<string, X509Certificate2Collection> _bundles;
    private readonly TimeProvider _time;

    private readonly string? _ownTrustDomain;
    private readonly Func<X509Certificate2Collection>? _ownAuthorities;

    /// <param name="bundles">Configured trust bundles, one per trust domain.</param>
    /// <param name="time">The clock validity is judged by.</param>
    /// <param name="ownTrustDomain">Mandate's trust domain when Mandate is its SPIFFE CA; SVIDs of it chain to <paramref name="ownAuthorities"/>.</param>
    /// <param name="ownAuthorities">The CA certificates of Mandate's current bundle, read per call so CA renewal needs no restart.</param>
    public X509SvidValidator(IEnumerable<X509TrustBundleOptions> bundles, TimeProvider time, string? ownTrustDomain = null, Func<X509Certificate2Collection>? ownAuthorities = null)
    {
        ArgumentNullException.ThrowIfNull(bundles);
        _bundles = bundles.ToDictionary(b => b.TrustDomain, b => b.Authorities, StringComparer.Ordinal);
        _time = time;
        _ownTrustDomain = ownAuthorities is null ? null : ownTrustDomain;
        _ownAuthorities = ownAuthorities;
    }

    /// <summary>True when at least one trust bundle is known (otherwise client certificates are ignored).</summary>
    public bool IsEnabled => _bundles.Count > 0 || _ownAuthorities is not null;

    /// <summary>The workload identity of <paramref name="leaf"/>, or which check refused it (client-safe).</summary>
    public AttestationResult<WorkloadIdentity> Validate(X509Certificate2 leaf, X509Certificate2Collection? presentedIntermediates = null)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        // First, whatever else is wrong: a tool credential authorises one decided action at one tool, and taken as the
        // agent's identity a leaked one would carry the agent's whole authority (token exchange, runs, revocation).
        if (ToolCredentialExtension.IsPresent(leaf))
        {
            return new AttestationResult<WorkloadIdentity>
            {
                Failure = "X.509-SVID refused: the client certificate is a Mandate tool credential (it carries the tool credential extension), "
                    + "not a workload identity; authenticate with the workload's own X.509-SVID from the Workload API, or its JWT-SVID",
                Check = AttestChecks.ToolCredentialNotIdentity,
            };
        }

        if (X509LeafExtensions.Read(leaf, out var extensionError) is not { } extensions)
        {
            return Fail(extensionError!);
        }

        var uris = SubjectAltNames.ReadUris(leaf, out var sanError);
        if (sanError is not null)
        {
            return Fail(sanError);
        }

        // X509-SVID §2: exactly one URI SAN, and it is the SPIFFE ID.
        if (uris.Count != 1)
        {
            return Fail($"the client certificate has {uris.Count} URI SANs; an X.509-SVID carries exactly one, its SPIFFE ID (X509-SVID §2)");
        }

        var spiffeId = uris[0];
        if (!SpiffeId.TryGetTrustDomain(spiffeId, out var domain))
        {
            return Fail("the client certificate's URI SAN is not a SPIFFE ID (spiffe://<trust-domain>/<path>)");
        }

        // X509-SVID §3.1/§5.2: a leaf names a workload, so its SPIFFE ID has a non-root path; the bare domain ID is a CA's.
        if (spiffeId.Length == SpiffeId.Scheme.Length + domain.Length)
        {
            return Fail($"the client certificate's SPIFFE ID has no path; a leaf X.509-SVID names a workload, spiffe://{domain}/<path> (X509-SVID §5.2)");
        }

        // A configured bundle for Mandate's own domain wins; otherwise Mandate's own CA vouches for it.
        if (!_bundles.TryGetValue(domain, out var authorities) && domain == _ownTrustDomain)
        {
            authorities = _ownAuthorities!();
        }

        if (authorities is null)
        {
            return Fail($"the client certificate belongs to trust domain '{domain}', which has no x509_trust_bundles entry here; present an SVID of a configured trust domain");
        }

        // X509-SVID §4.1: a leaf SVID must not be a CA.
        if (extensions.IsCa)
        {
            return Fail("the client certificate has the CA flag set (basicConstraints cA=true); a leaf X.509-SVID must not be a CA (X509-SVID §4.1)");
        }

        var now = _time.GetUtcNow();
        if (now < leaf.NotBefore.ToUniversalTime() || now >= leaf.NotAfter.ToUniversalTime())
        {
            return Fail($"the client certificate is outside its validity ({leaf.NotBefore.ToUniversalTime():u} to {leaf.NotAfter.ToUniversalTime():u}); renew the X.509-SVID");
        }

        // X509-SVID §4.3: digitalSignature is required when key usage is present; keyCertSign/cRLSign are forbidden.
        if (extensions.KeyUsages is { } usage
            && (!usage.HasFlag(X509KeyUsageFlags.DigitalSignature)
                || usage.HasFlag(X509KeyUsageFlags.KeyCertSign) || usage.HasFlag(X509KeyUsageFlags.CrlSign)))
        {
            return Fail("the client certificate's key usage must include digitalSignature and exclude keyCertSign and cRLSign (X509-SVID §4.3)");
        }

        if (extensions.ExtendedKeyUsages is { } purposes && !purposes.Contains(ClientAuthOid, StringComparer.Ordinal))
        {
            return Fail("the client certificate's extended key usage does not allow clientAuth; issue the SVID with id-kp-clientAuth");
        }

        var chainError = CheckChain(leaf, authorities, presentedIntermediates, now);
        if (chainError is not null)
        {
            return Fail(chainError.Value.Failure, chainError.Value.Detail);
        }

        var evidence = new AttestationEvidence(
            "x509-svid",
            leaf.Issuer,
            CertificateThumbprint.X5tS256(leaf),
            leaf.SignatureAlgorithm.FriendlyName ?? leaf.SignatureAlgorithm.Value ?? "unknown",
            leaf.NotAfter.ToUniversalTime(),
            leaf.SerialNumber);
        return new AttestationResult<WorkloadIdentity> { Identity = new WorkloadIdentity(spiffeId, evidence) };
    }

    private static (string Failure, string Detail)? CheckChain(X509Certificate2 leaf, X509Certificate2Collection authorities, X509Certificate2Collection? intermediates, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        // Only this trust domain's bundle: an SVID of domain A signed by domain B's CA is refused.
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        if (intermediates is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        }

        // SPIFFE SVIDs are short-lived and carry no CRL/OCSP pointers; revocation is by expiry and bundle rotation.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (chain.Build(leaf))
        {
            return X509ChainStrength.Weakness(chain.ChainElements) is { } weakness ? (weakness, "weak key or signature") : null;
        }

        var statuses = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        return ("the client certificate does not chain to the trust bundle of its trust domain; present an SVID issued by that domain's CA", statuses);
    }

    private static AttestationResult<WorkloadIdentity> Fail(string failure, string? detail = null) =>
        new() { Failure = "X.509-SVID refused: " + failure, Detail = detail };
}
