using System.Security.Cryptography.X509Certificates;

namespace Mandate.Core.Configuration;

/// <summary>One entry of <c>x509_trust_bundles:</c>: the CA certificates (PEM) of one SPIFFE trust domain.</summary>
public sealed record X509TrustBundleOptions(string TrustDomain, string BundleFile, X509Certificate2Collection Authorities);
