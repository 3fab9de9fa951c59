using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Protocol;
using Mandate.Core.Storage;
using Mandate.SenderConstraint;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Spiffe;

/// <summary>
/// Mandate as the SPIFFE issuer of its trust domain: issues X.509-SVIDs (for a key it generates, a public
/// key or a PKCS#10 CSR) and JWT-SVIDs, and publishes the trust bundle. Keys are sealed in the store and
/// renewed on <see cref="RefreshAsync"/>. Issuing does not audit: callers record what they hand out.
/// </summary>
public sealed class SpiffeAuthority : IDisposable
{
    private const string NistP256Oid = "1.2.840.10045.3.1.7";
    private const string NistP384Oid = "1.3.132.0.34";

    private readonly KeyRing _ca;
    private readonly KeyRing _jwt;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private volatile SpiffeKeys? _current;
    private SpiffeKeys? _previous;

    /// <summary>
    /// The authority over <paramref name="store"/>; <paramref name="locks"/> lets one node at a time create or renew the
    /// shared CA and JWT-SVID keys; <paramref name="log"/> hears of stored keys refused as not made by a node.
    /// </summary>
    public SpiffeAuthority(IMandateStore store, KeyEncryptionKey kek, MandateOptions options, TimeProvider time, Mandate.Core.Cluster.IClusterLocks? locks = null, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ca = new KeyRing(KeyProfiles.SpiffeCa(options), store, kek, options.Node, time, locks) { Log = log ?? NullLogger.Instance };
        _jwt = new KeyRing(KeyProfiles.SpiffeJwt(options), store, kek, options.Node, time, locks) { Log = log ?? NullLogger.Instance };
        _options = options;
        _time = time;
        JwtIssuer = SpiffeConfigReader.JwtSvidIssuer(options);
    }

    /// <summary>The <c>iss</c> of JWT-SVIDs: Mandate's issuer + <c>/spiffe</c>, distinct from every configured issuer.</summary>
    public string JwtIssuer { get; }

    public string TrustDomain => _options.TrustDomain;

    /// <summary>The current keys. Throws before <see cref="RefreshAsync"/> has run once.</summary>
    public SpiffeKeys Current => _current ?? throw new InvalidOperationException("SPIFFE keys are not loaded yet");

    /// <summary>The CA certificate that signs now (public part: what relying parties pin).</summary>
    public X509Certificate2 CaCertificate => Current.Ca;

    /// <summary>The bundle in the SPIFFE bundle format (JWKS with <c>x509-svid</c> and <c>jwt-svid</c> keys).</summary>
    public string BundleJson => SpiffeBundle.ToJson(Current, _options.Spiffe.BundleRefreshHint);

    /// <summary>The bundle's CA certificates as PEM.</summary>
    public string BundlePem => SpiffeBundle.ToPem(Current);

    /// <summary>Loads the keys, creating the CA and the JWT-SVID key on first start and renewing them when due.</summary>
    public Task RefreshAsync(CancellationToken cancellationToken) => LoadAsync(rotateDue: true, cancellationToken);

    /// <summary>
    /// Loads the keys to follow what another node created or renewed, renewing nothing that is due (in a cluster the
    /// leader of <c>shared-key-rotation</c> renews); creates the CA and JWT-SVID key only when there are none yet.
    /// </summary>
    public Task ReloadAsync(CancellationToken cancellationToken) => LoadAsync(rotateDue: false, cancellationToken);

    private async Task LoadAsync(bool rotateDue, CancellationToken cancellationToken)
    {
        await _refreshLock.WaitAsync(cancellationToken);
        try
        {
            var ca = rotateDue ? await _ca.RefreshAsync(cancellationToken) : await _ca.ReloadAsync(cancellationToken);
            var jwt = rotateDue ? await _jwt.RefreshAsync(cancellationToken) : await _jwt.ReloadAsync(cancellationToken);
            var next = Snapshot(ca, jwt, _time.GetUtcNow());

            // A request may still hold the previous snapshot; free it one refresh later.
            Release(_previous);
            _previous = _current;
            _current = next;
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>An X.509-SVID over a fresh P-256 key pair generated here (SPIRE-style); the caller gets the key once.</summary>
    public X509Svid IssueX509Svid(string spiffeId, TimeSpan lifetime)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            using var publicKey = ECDsa.Create(key.ExportParameters(false));
            var leaf = IssueLeaf(spiffeId, new PublicKey(publicKey), lifetime);
            return new X509Svid(spiffeId, leaf, key, [leaf]);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A tool credential for <paramref name="spiffeId"/> over the public key of a PKCS#10 request whose signature verifies;
    /// the requester keeps its key. The leaf is a client certificate only and states <paramref name="grant"/>, which is
    /// given the credential's id (<c>x509_&lt;serial&gt;</c>) in <see cref="ToolCredentialExtension"/>.
    /// </summary>
    /// <exception cref="CryptographicException">The CSR is malformed, its signature does not verify, or its key is not EC P-256/P-384.</exception>
    public X509Svid IssueToolCredentialForCsr(string spiffeId, ReadOnlySpan<byte> pkcs10Der, TimeSpan lifetime, Func<string, ToolCertificateClaims> grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        // Proof of possession: the CSR's self-signature must verify; only its key is used, never its names or extensions.
        CertificateRequest csr;
        ECDsa? key;
        try
        {
            csr = CertificateRequest.LoadSigningRequest(pkcs10Der.ToArray(), HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
            key = csr.PublicKey.GetECDsaPublicKey();
        }
        catch (NotSupportedException e)
        {
            // An unknown signature algorithm or curve (PlatformNotSupportedException too) is the requester's
            // mistake like any other malformed CSR, so it surfaces as the one documented exception.
            throw new CryptographicException("the CSR uses a signature algorithm or key type this CA does not know", e);
        }

        using var ec = key ?? throw new CryptographicException("the CSR's key is not an EC key; send a P-256 or P-384 key");
        // By curve, not key size: secp256k1 and brainpoolP256r1 keys are 256 bits too, and TLS peers do not take them.
        if (ec.ExportParameters(false).Curve is not { IsNamed: true, Oid.Value: NistP256Oid or NistP384Oid })
        {
            throw new CryptographicException("the CSR's key must be on P-256 or P-384");
        }

        var serial = SpiffeCertificates.NewSerial();
        var extension = ToolCredentialExtension.Create(grant(ToolCredentialExtension.JtiOf(Convert.ToHexString(serial))));
        var leaf = IssueLeaf(spiffeId, csr.PublicKey, lifetime, serial, extension);
        return new X509Svid(spiffeId, leaf, null, [leaf]);
    }

    /// <summary>Signs a workload's X.509-SVID (TLS client and server) for <paramref name="spiffeId"/> over <paramref name="publicKey"/>.</summary>
    public X509Certificate2 IssueLeaf(string spiffeId, PublicKey publicKey, TimeSpan lifetime) =>
        IssueLeaf(spiffeId, publicKey, lifetime, SpiffeCertificates.NewSerial(), toolCredential: null);

    private X509Certificate2 IssueLeaf(string spiffeId, PublicKey publicKey, TimeSpan lifetime, byte[] serial, X509Extension? toolCredential)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        RequireInDomain(spiffeId);
        if (lifetime <= TimeSpan.Zero || lifetime > SpiffeOptions.MaxX509SvidTtl)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "X.509-SVID lifetime must be more than 0 and at most 24h");
        }

        var keys = Current;
        using var caKey = keys.Ca.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the SPIFFE CA has no private key loaded");
        return SpiffeCertificates.IssueLeaf(keys.Ca, caKey, spiffeId, publicKey, _time.GetUtcNow(), lifetime, serial, toolCredential);
    }

    /// <summary>A JWT-SVID (ES256, <c>typ</c> JWT) for <paramref name="spiffeId"/>, addressed to <paramref name="audience"/>.</summary>
    public JwtSvid IssueJwtSvid(string spiffeId, string audience, TimeSpan lifetime) => IssueJwtSvid(spiffeId, [audience], lifetime);

    /// <summary>A JWT-SVID for <paramref name="spiffeId"/> addressed to every one of <paramref name="audiences"/> (the Workload API asks for one or more).</summary>
    public JwtSvid IssueJwtSvid(string spiffeId, IReadOnlyList<string> audiences, TimeSpan lifetime)
    {
        RequireInDomain(spiffeId);
        ArgumentNullException.ThrowIfNull(audiences);
        if (audiences.Count == 0 || audiences.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("a JWT-SVID needs at least one audience, none of them blank", nameof(audiences));
        }

        if (lifetime <= TimeSpan.Zero || lifetime > SpiffeOptions.MaxJwtSvidTtl)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "JWT-SVID lifetime must be more than 0 and at most 1h");
        }

        var key = Current.JwtActive;
        var now = _time.GetUtcNow();
        var expires = now + lifetime;
        var jti = "svid_" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            // JWT-SVID spec §2: typ JWT (or JOSE), alg from the key; §3: sub is the SPIFFE ID, aud required, exp required.
            TokenType = "JWT",
            SigningCredentials = key.Credentials,
            Claims = new Dictionary<string, object>
            {
                ["iss"] = JwtIssuer,
                ["sub"] = spiffeId,
                // RFC 7519 §4.1.3: a single audience may be a string; several are an array.
                ["aud"] = audiences.Count == 1 ? audiences[0] : audiences.ToArray(),
                ["exp"] = expires.ToUnixTimeSeconds(),
                ["iat"] = now.ToUnixTimeSeconds(),
                ["jti"] = jti,
            },
        });
        return new JwtSvid(spiffeId, token, audiences, jti, key.Kid, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>True when <paramref name="spiffeId"/> is a workload ID (with a path) in Mandate's trust domain.</summary>
    public bool IsInTrustDomain(string? spiffeId) =>
        SpiffeId.TryGetWorkloadTrustDomain(spiffeId, out var td) && td == _options.TrustDomain;

    private void RequireInDomain(string spiffeId)
    {
        if (!IsInTrustDomain(spiffeId))
        {
            throw new ArgumentException($"'{spiffeId}' is not a workload SPIFFE ID in trust domain '{_options.TrustDomain}'", nameof(spiffeId));
        }
    }

    /// <summary>The CA certificate with its private key, the bundle's CA certificates and the JWT-SVID keys, from the two rings.</summary>
    private static SpiffeKeys Snapshot(KeySet ca, KeySet jwt, DateTimeOffset now)
    {
        using var caCertificate = StoredKeyCertificate.Load(ca.Stored.Single(k => k.Kid == ca.Active.Kid));
        var bundle = new List<X509Certificate2>();
        var shown = new HashSet<string>(jwt.Published.Select(k => k.KeyId), StringComparer.Ordinal);
        var expired = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var published in ca.Published)
        {
            var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(published.X5c[0]));
            if (certificate.NotAfter.ToUniversalTime() > now.UtcDateTime)
            {
                bundle.Add(certificate);
                shown.Add(published.KeyId);
            }
            else
            {
                expired[published.KeyId] = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
                certificate.Dispose();
            }
        }

        // Bundle spec §4.1.1: spiffe_sequence MUST change whenever the bundle's contents do: a key's creation, its
        // retirement, and its leaving the bundle (a CA when its certificate expired, any key once its PublishUntil passed
        // and the ring stopped publishing it), which is a time, not a write to the store; so every node computes the same.
        var sequence = ca.Stored.Concat(jwt.Stored).Max(k =>
            LastChange(k, shown.Contains(k.Kid) ? null : expired.TryGetValue(k.Kid, out var at) ? at : k.PublishUntil));
        return new SpiffeKeys(caCertificate.CopyWithPrivateKey(ca.Active.Ecdsa), bundle, jwt.Active, jwt.Published, sequence);
    }

    /// <summary>When <paramref name="key"/> last changed the bundle (created, retired, or <paramref name="left"/> it), in seconds since the epoch.</summary>
    private static long LastChange(StoredKey key, DateTimeOffset? left)
    {
        var last = key.RetiredAt is { } retired && retired > key.CreatedAt ? retired : key.CreatedAt;
        return (left > last ? left.Value : last).ToUnixTimeSeconds();
    }

    private static void Release(SpiffeKeys? keys)
    {
        if (keys is null)
        {
            return;
        }

        // The JWT-SVID key belongs to its ring, which frees it one rotation after it stops signing.
        keys.Ca.Dispose();
        foreach (var cert in keys.BundleCertificates)
        {
            cert.Dispose();
        }
    }

    public void Dispose()
    {
        Release(_previous);
        Release(_current);
        _ca.Dispose();
        _jwt.Dispose();
        _refreshLock.Dispose();
    }
}
