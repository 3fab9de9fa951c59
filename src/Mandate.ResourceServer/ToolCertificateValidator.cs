using System.Security.Cryptography.X509Certificates;
using Mandate.SenderConstraint;
using Mandate.SenderConstraint.Jose;

namespace Mandate.ResourceServer;

/// <summary>
/// Accepts a Mandate tool credential certificate (kind <c>x509</c>) presented as the TLS client certificate: it chains to
/// the broker's SPIFFE bundle, is within validity, is for TLS clients, names one SPIFFE ID (the agent) and states, in
/// Mandate's tool credential extension, the decision it was issued for, addressed to this tool. Kestrel judges nothing.
/// </summary>
internal static class ToolCertificateValidator
{
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    public static async Task<CredentialClaims> ValidateAsync(X509Certificate2 leaf, MandateTokenOptions options, BrokerDocumentCache<BrokerBundle> bundles, DateTimeOffset now, CancellationToken ct)
    {
        // Before any fetch: a certificate that is no tool credential (the agent's own SVID, any other client certificate) never costs a bundle request.
        if (!ToolCredentialExtension.IsPresent(leaf))
        {
            throw MandateTokenFailure.Token("the client certificate is not a Mandate tool credential (it has no tool credential extension); "
                + $"a workload's own X.509-SVID is no credential for a tool: get one for resource={options.Audience} from the broker's token exchange (tool kind x509)");
        }

        // No skew beyond the broker's own: it backdates notBefore, and the chain is judged at exactly this time.
        if (now < leaf.NotBefore.ToUniversalTime() || now >= leaf.NotAfter.ToUniversalTime())
        {
            throw MandateTokenFailure.Token("the client certificate is outside its validity; get a fresh tool credential from the broker (they live minutes by design)");
        }

        // RFC 5280 §4.2.1.12: a certificate whose extended key usage leaves out clientAuth may not authenticate a TLS client.
        if (leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is not { } eku
            || !eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(o => o.Value == ClientAuthOid))
        {
            throw MandateTokenFailure.Token("the client certificate is not for TLS client authentication (no id-kp-clientAuth); it is not a Mandate tool credential");
        }

        var authorityKey = leaf.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier is { } aki
            ? Convert.ToHexString(aki.Span)
            : null;
        var bundle = await bundles.GetAsync(authorityKey, ct);
        if (!Chains(leaf, bundle.Authorities, now))
        {
            throw MandateTokenFailure.Token("the client certificate does not chain to the broker's SPIFFE trust bundle; it was not issued by this broker");
        }

        // SPIFFE X509-SVID §2: exactly one URI SAN, the agent's SPIFFE ID.
        var uris = SubjectAltNames.ReadUris(leaf, out var sanError);
        if (sanError is not null || uris.Count != 1 || !uris[0].StartsWith("spiffe://", StringComparison.Ordinal) || !IdentityText.IsAllowed(uris[0]))
        {
            throw MandateTokenFailure.Token("the client certificate must name exactly one SPIFFE ID (its only URI SAN, X509-SVID section 2): the agent it was issued to");
        }

        var agent = uris[0];
        var grant = ToolCredentialExtension.Read(leaf, out var error) ?? throw MandateTokenFailure.Token(error!);
        if (!string.Equals(grant.Audience, options.Audience, StringComparison.Ordinal))
        {
            throw MandateTokenFailure.WrongAudience(options.Audience);
        }

        return new CredentialClaims(grant.Jti, agent, grant.User ?? agent, grant.Tenant, grant.Run, grant.Scope, [agent])
        {
            PolicyVersion = grant.PolicyVersion,
            DecisionId = grant.DecisionId,
        };
    }

    private static bool Chains(X509Certificate2 leaf, X509Certificate2Collection authorities, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        // Only the broker's bundle: the machine's roots vouch for nothing here.
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(ClientAuthOid));
        // Tool credentials live minutes and carry no CRL or OCSP pointers: they are revoked by expiry.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain.Build(leaf);
    }
}
