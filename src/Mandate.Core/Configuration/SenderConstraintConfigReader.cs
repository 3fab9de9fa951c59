using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mandate.Core.Protocol;
using YamlDotNet.RepresentationModel;

namespace Mandate.Core.Configuration;

/// <summary>Reads <c>tls:</c>, <c>x509_trust_bundles:</c> and <c>dpop:</c> from the root of mandate.yaml.</summary>
internal static class SenderConstraintConfigReader
{
    public static SenderConstraintOptions Read(YamlMapping root, string baseDir, string listen)
    {
        var present = (YamlMappingNode)root.Node;
        var hasTls = present.Children.ContainsKey(new YamlScalarNode("tls"));
        var tls = hasTls ? root.Map("tls", m => ReadTls(m, baseDir)) : null;
        var bundles = root.List("x509_trust_bundles", m => ReadBundle(m, baseDir));
        var dpop = root.Map("dpop", ReadDpop);

        var https = listen.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        if (https && !hasTls)
        {
            root.Problem("listen", "an https:// listener needs tls: { certificate_file, key_file }");
        }
        else if (!https && hasTls)
        {
            root.Problem("tls", "tls is configured but listen is not an https:// URL; write listen: https://address:port");
        }

        if (present.Children.ContainsKey(new YamlScalarNode("x509_trust_bundles")) && !hasTls)
        {
            root.Problem("x509_trust_bundles", "X.509-SVIDs are presented over mutual TLS; configure tls: and an https:// listener");
        }

        foreach (var group in bundles.GroupBy(b => b.TrustDomain, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            root.Problem("x509_trust_bundles", $"trust domain '{group.Key}' has more than one bundle; put all of its CA certificates in one PEM file");
        }

        return new SenderConstraintOptions { Tls = hasTls ? tls : null, X509TrustBundles = bundles, Dpop = dpop };
    }

    private static TlsOptions? ReadTls(YamlMapping m, string baseDir)
    {
        var cert = m.String("certificate_file", required: true);
        var key = m.String("key_file", required: true);
        if (cert is null || key is null)
        {
            return null;
        }

        var certPath = ConfigLoader.Resolve(baseDir, cert);
        var keyPath = ConfigLoader.Resolve(baseDir, key);
        try
        {
            using var loaded = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            m.Problem("certificate_file", $"cannot load the certificate and key as PEM ({e.Message}); give a PEM certificate and its PEM private key");
        }

        return new TlsOptions(certPath, keyPath);
    }

    private static X509TrustBundleOptions? ReadBundle(YamlMapping m, string baseDir)
    {
        var domain = m.String("trust_domain", required: true);
        var file = m.String("bundle_file", required: true);
        if (domain is not null && !SpiffeId.IsValidTrustDomain(domain))
        {
            m.Problem("trust_domain", "must be a lowercase DNS-like name such as acme.example");
            return null;
        }

        if (domain is null || file is null)
        {
            return null;
        }

        var path = ConfigLoader.Resolve(baseDir, file);
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            m.Problem("bundle_file", $"cannot read CA certificates from '{file}' ({e.Message})");
            return null;
        }

        if (authorities.Count == 0)
        {
            m.Problem("bundle_file", $"'{file}' holds no PEM CERTIFICATE blocks");
            return null;
        }

        var refused = false;
        foreach (var certificate in authorities)
        {
            if (NotACertificateAuthority(certificate) is { } reason)
            {
                // X509-SVID §3.2/§6: a bundle holds signing certificates; a leaf there would be a trust anchor that vouches for itself.
                m.Problem("bundle_file", $"'{file}' holds '{certificate.Subject}', which is not a CA certificate ({reason}); a trust bundle holds only the CA certificates that sign the domain's SVIDs");
                refused = true;
            }
            else if (Attestation.X509ChainStrength.KeyWeakness(certificate) is { } weakness)
            {
                // Every SVID chaining to it would be refused at each request; say so once, at start-up.
                m.Problem("bundle_file", $"'{file}' holds '{certificate.Subject}' with {weakness}; {Attestation.X509ChainStrength.KeyRule}");
                refused = true;
            }
        }

        return refused ? null : new X509TrustBundleOptions(domain, path, authorities);
    }

    /// <summary>Why <paramref name="certificate"/> says it is no CA, or null; a v1 root without extensions stays acceptable.</summary>
    private static string? NotACertificateAuthority(X509Certificate2 certificate)
    {
        try
        {
            if (certificate.Extensions["2.5.29.19"] is X509BasicConstraintsExtension { CertificateAuthority: false })
            {
                return "basicConstraints cA=false";
            }

            return certificate.Extensions["2.5.29.15"] is X509KeyUsageExtension usage && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign)
                ? "keyUsage without keyCertSign"
                : null;
        }
        catch (CryptographicException)
        {
            return "its basicConstraints or keyUsage does not decode";
        }
    }

    private static DpopOptions ReadDpop(YamlMapping m)
    {
        var defaults = new DpopOptions();
        var algorithms = m.StringList("allowed_algorithms");
        foreach (var alg in (algorithms ?? []).Where(a => !ConfigRules.AsymmetricAlgorithms.Contains(a)))
        {
            // RFC 9449 §4.3: asymmetric signatures only; none and MAC algorithms would prove nothing.
            m.Problem("allowed_algorithms", $"'{alg}' is not allowed; use asymmetric algorithms ({string.Join(", ", ConfigRules.AsymmetricAlgorithms)})");
        }

        var window = m.Duration("iat_window") ?? defaults.IatWindow;
        if (window < TimeSpan.FromSeconds(5) || window > TimeSpan.FromMinutes(10))
        {
            m.Problem("iat_window", "must be from 5s to 10m");
        }

        var nonceLifetime = m.Duration("nonce_lifetime") ?? defaults.NonceLifetime;
        if (nonceLifetime < TimeSpan.FromSeconds(10) || nonceLifetime > TimeSpan.FromHours(1))
        {
            m.Problem("nonce_lifetime", "must be from 10s to 1h");
        }

        return new DpopOptions
        {
            RequireNonce = m.Bool("require_nonce") ?? false,
            AllowedAlgorithms = algorithms is { Count: > 0 } ? algorithms : defaults.AllowedAlgorithms,
            IatWindow = window,
            NonceLifetime = nonceLifetime,
        };
    }
}
