using Mandate.Core.Configuration;
using Mandate.Core.Spiffe;

namespace Mandate.Core.Keys;

/// <summary>The profile of every key purpose, from the configuration: one place to read how each kind of key rotates and where it is published.</summary>
public static class KeyProfiles
{
    /// <summary>Access and run tokens: ES256, a key per node, rotated every <c>keys.rotate_every</c>; a retired key stays published while a run token or credential it signed may live.</summary>
    public static KeyProfile TokenSigning(MandateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new KeyProfile
        {
            Purpose = KeyPurposes.TokenSigning,
            Algorithm = "ES256",
            PerNode = true,
            RotateEvery = options.Keys.RotateEvery,
            PublishAhead = options.Keys.PublishAheadOrDefault,
            // Run tokens are signed with the same key and may outlive every credential.
            Overlap = options.Lifetimes.Max > options.Runs.TokenLifetime ? options.Lifetimes.Max : options.Runs.TokenLifetime,
            Publication = KeyPublication.BrokerJwks,
        };
    }

    /// <summary>
    /// Access tokens of tools with <c>signing_alg: RS256</c> (RFC 9068 §2.1): RS256 (RSA-2048), a key per node on the ES256
    /// token keys' schedule and with their overlap, published beside them in the broker's JWKS.
    /// </summary>
    public static KeyProfile RsaTokenSigning(MandateOptions options) => TokenSigning(options) with
    {
        Purpose = KeyPurposes.TokenSigningRs256,
        Algorithm = TokenSigningAlgorithms.RS256,
        RecordsCreation = true,
    };

    /// <summary>
    /// Federation ID tokens: RS256 (every cloud accepts it, Azure only RSA), a key per node on the token keys'
    /// schedule; federation tokens never outlive <c>lifetimes.max</c>.
    /// </summary>
    public static KeyProfile FederationSigning(MandateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new KeyProfile
        {
            Purpose = KeyPurposes.FederationSigning,
            Algorithm = Credentials.Federation.FederationKeyRing.Algorithm,
            PerNode = true,
            RotateEvery = options.Keys.RotateEvery,
            PublishAhead = options.Keys.PublishAheadOrDefault,
            Overlap = options.Lifetimes.Max,
            Publication = KeyPublication.FederationJwks,
            RecordsCreation = true,
        };
    }

    /// <summary>
    /// The SPIFFE CA: one shared ES256 key with a self-signed CA certificate of <c>spiffe.ca_ttl</c>, renewed when
    /// less than a tenth of it (at least 48 hours) remains; the old CA stays in the bundle until its certificate expires.
    /// </summary>
    public static KeyProfile SpiffeCa(MandateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var lifetime = options.Spiffe.CaTtl;
        var renewBefore = TimeSpan.FromTicks(Math.Max(lifetime.Ticks / 10, TimeSpan.FromHours(48).Ticks));
        var trustDomain = options.TrustDomain;
        return new KeyProfile
        {
            Purpose = KeyPurposes.SpiffeCa,
            Algorithm = "ES256",
            Use = SpiffeBundle.X509Use,
            PerNode = false,
            RotateEvery = lifetime - renewBefore,
            Publication = KeyPublication.SpiffeBundle,
            Certificate = new KeyCertificateProfile
            {
                Lifetime = lifetime,
                RenewBefore = renewBefore,
                Create = (key, now) => SpiffeCertificates.CreateCa(key, trustDomain, now, lifetime),
                PublicJwk = SpiffeBundle.X509Entry,
            },
            Evidence = new Dictionary<string, string>(StringComparer.Ordinal) { ["trust_domain"] = trustDomain },
        };
    }

    /// <summary>JWT-SVIDs: one shared ES256 key rotated every <c>keys.rotate_every</c>; a retired key stays in the bundle while a JWT-SVID (at most 1 hour) it signed may live.</summary>
    public static KeyProfile SpiffeJwt(MandateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new KeyProfile
        {
            Purpose = KeyPurposes.SpiffeJwt,
            Algorithm = "ES256",
            Use = SpiffeBundle.JwtUse,
            PerNode = false,
            RotateEvery = options.Keys.RotateEvery,
            PublishAhead = options.Keys.PublishAheadOrDefault,
            Overlap = SpiffeOptions.MaxJwtSvidTtl,
            Publication = KeyPublication.SpiffeBundle,
        };
    }

    /// <summary>
    /// Audit checkpoints: ES256, a key per node on the token keys' schedule, published at <c>/audit/jwks</c> (not in the
    /// token JWKS) with kids prefixed <c>audit-checkpoint-</c>. A checkpoint is evidence for years, so a retired key stays
    /// published that long.
    /// </summary>
    public static KeyProfile AuditCheckpoint(MandateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new KeyProfile
        {
            Purpose = KeyPurposes.AuditCheckpoint,
            Algorithm = "ES256",
            PerNode = true,
            RotateEvery = options.Keys.RotateEvery,
            PublishAhead = options.Keys.PublishAheadOrDefault,
            Overlap = Audit.Checkpoints.AuditCheckpoint.KeyPublishedFor,
            Publication = KeyPublication.AuditJwks,
            KidPrefix = Audit.Checkpoints.AuditCheckpoint.KidPrefix,
            RecordsCreation = true,
        };
    }
}
