using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Storage;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Spiffe;

/// <summary>
/// Creates, seals (AES-256-GCM under the key-encryption key, like the signing keys), renews and loads
/// the CA key and the JWT-SVID key in the store's keys table. The CA certificate travels in the public
/// JWK's <c>x5c</c>, so the row holds everything but the key in clear.
/// </summary>
internal sealed class SpiffeKeyStore
{
    private static readonly TimeSpan PublishSlack = TimeSpan.FromMinutes(1);
    private readonly IMandateStore _store;
    private readonly KeyEncryptionKey _kek;
    private readonly MandateOptions _options;

    public SpiffeKeyStore(IMandateStore store, KeyEncryptionKey kek, MandateOptions options)
    {
        _store = store;
        _kek = kek;
        _options = options;
    }

    /// <summary>Renew the CA when less than this remains, so no SVID is ever cut short by its CA.</summary>
    public TimeSpan CaRenewBefore => TimeSpan.FromTicks(Math.Max(_options.Spiffe.CaTtl.Ticks / 10, TimeSpan.FromHours(48).Ticks));

    /// <summary>Loads the keys, creating or renewing first what is missing or due. The caller disposes the previous snapshot's keys.</summary>
    public async Task<SpiffeKeys> LoadAsync(DateTimeOffset now, CancellationToken ct)
    {
        var cas = await _store.ListKeysAsync(SpiffeKeyPurposes.Ca, ct);
        var ca = cas.LastOrDefault(k => k.RetiredAt is null);
        if (ca is null || CertificateOf(ca).NotAfter.ToUniversalTime() - now.UtcDateTime < CaRenewBefore)
        {
            await CreateCaAsync(ca, now, ct);
            cas = await _store.ListKeysAsync(SpiffeKeyPurposes.Ca, ct);
            ca = cas.Last(k => k.RetiredAt is null);
        }

        var jwts = await _store.ListKeysAsync(SpiffeKeyPurposes.Jwt, ct);
        var jwt = jwts.LastOrDefault(k => k.RetiredAt is null);
        if (jwt is null || now - jwt.CreatedAt >= _options.Keys.RotateEvery)
        {
            await CreateJwtKeyAsync(jwt, now, ct);
            jwts = await _store.ListKeysAsync(SpiffeKeyPurposes.Jwt, ct);
            jwt = jwts.Last(k => k.RetiredAt is null);
        }

        bool Live(StoredKey k) => k.PublishUntil is null || k.PublishUntil > now;
        using var caCert = CertificateOf(ca);
        using var caKey = _kek.OpenEcdsa(ca);
        var bundle = cas.Where(Live).Select(CertificateOf).Where(c => c.NotAfter.ToUniversalTime() > now.UtcDateTime).ToList();
        var sequence = cas.Concat(jwts).Max(k => Math.Max(k.CreatedAt.ToUnixTimeSeconds(), k.RetiredAt?.ToUnixTimeSeconds() ?? 0));
        return new SpiffeKeys(
            caCert.CopyWithPrivateKey(caKey),
            bundle,
            new SigningKey(jwt.Kid, _kek.OpenEcdsa(jwt), jwt.CreatedAt),
            jwts.Where(Live).Select(k => new JsonWebKey(k.PublicJwk)).ToList(),
            sequence);
    }

    private async Task CreateCaAsync(StoredKey? previous, DateTimeOffset now, CancellationToken ct)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var cert = SpiffeCertificates.CreateCa(key, _options.TrustDomain, now, _options.Spiffe.CaTtl);
        var kid = Thumbprint(key);
        var entry = SpiffeBundle.X509Entry(cert);
        entry["kid"] = kid;
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["purpose"] = SpiffeKeyPurposes.Ca,
            ["kid"] = kid,
            ["serial"] = cert.SerialNumber,
            ["not_after"] = AuditCanonicalJson.FormatTime(new DateTimeOffset(cert.NotAfter.ToUniversalTime(), TimeSpan.Zero)),
            ["trust_domain"] = _options.TrustDomain,
        };
        var retired = previous is null ? null : previous with
        {
            RetiredAt = now,
            // The old CA stays in the bundle until the last SVID it signed (capped at its own expiry) has expired.
            PublishUntil = new DateTimeOffset(CertificateOf(previous).NotAfter.ToUniversalTime(), TimeSpan.Zero),
        };
        await CommitAsync(Stored(kid, SpiffeKeyPurposes.Ca, key, JsonSerializer.Serialize(entry), now), retired, evidence, now, ct);
    }

    private async Task CreateJwtKeyAsync(StoredKey? previous, DateTimeOffset now, CancellationToken ct)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kid = Thumbprint(key);
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key));
        var publicJwk = JsonSerializer.Serialize(new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, kid, use = SpiffeBundle.JwtUse, alg = "ES256" });
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["purpose"] = SpiffeKeyPurposes.Jwt, ["kid"] = kid, ["alg"] = "ES256" };
        var retired = previous is null ? null : previous with { RetiredAt = now, PublishUntil = now + SpiffeOptions.MaxJwtSvidTtl + PublishSlack };
        await CommitAsync(Stored(kid, SpiffeKeyPurposes.Jwt, key, publicJwk, now), retired, evidence, now, ct);
    }

    private async Task CommitAsync(StoredKey key, StoredKey? retired, SortedDictionary<string, string> evidence, DateTimeOffset now, CancellationToken ct)
    {
        if (retired is not null)
        {
            evidence["retired_kid"] = retired.Kid;
        }

        var rotation = new AuditEvent { Kind = AuditKinds.KeyRotation, Time = now, Outcome = "rotated", Node = _options.Node, Evidence = evidence };
        await _store.CommitAsync(retired is null ? new StoreBatch(key, rotation) : new StoreBatch(key, retired, rotation), ct);
    }

    private StoredKey Stored(string kid, string purpose, ECDsa key, string publicJwk, DateTimeOffset now) => new()
    {
        Kid = kid,
        Purpose = purpose,
        Algorithm = "ES256",
        SealedPrivateKey = _kek.Seal(key.ExportPkcs8PrivateKey(), kid),
        PublicJwk = publicJwk,
        CreatedAt = now,
        Node = _options.Node,
    };

    private static string Thumbprint(ECDsa key) =>
        Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key)).ComputeJwkThumbprint());

    internal static X509Certificate2 CertificateOf(StoredKey key)
    {
        using var doc = JsonDocument.Parse(key.PublicJwk);
        var der = Convert.FromBase64String(doc.RootElement.GetProperty("x5c")[0].GetString()!);
        return X509CertificateLoader.LoadCertificate(der);
    }

}
