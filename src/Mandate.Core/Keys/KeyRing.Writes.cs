using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Keys;

/// <summary>What a <see cref="KeyRing"/> writes: new keys, retirements, and their audit records.</summary>
public partial class KeyRing
{
    /// <summary>
    /// One durable batch with its audit records: the first key; or the retirement of keys the active one superseded
    /// (<c>rotated</c>) and the next key, published ahead of signing (<c>published</c>), or signing at once when the
    /// profile publishes nothing ahead (<c>rotated</c>).
    /// </summary>
    private async Task WriteAsync(KeySchedule schedule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changes = new List<IStoreChange>();
        if (schedule.Active is not { } active)
        {
            var first = Create(now, out var evidence);
            changes.AddRange([first, Record(Profile.RecordsCreation ? "created" : "rotated", now, evidence)]);
        }
        else
        {
            if (schedule.Superseded.Count > 0)
            {
                changes.AddRange(schedule.Superseded.Select(k => Retire(k, now)));
                changes.Add(Record("rotated", now, Evidence(active.Kid, schedule.Superseded)));
            }

            if (schedule.NextDue(now))
            {
                var next = Create(now, out var evidence);
                changes.Add(next);
                if (Profile.PublishAhead == TimeSpan.Zero)
                {
                    changes.Add(Retire(active, now));
                    evidence["retired_kid"] = active.Kid;
                    changes.Add(Record("rotated", now, evidence));
                }
                else
                {
                    evidence["signs_from"] = AuditCanonicalJson.FormatTime(now + Profile.PublishAhead);
                    changes.Add(Record("published", now, evidence));
                }
            }
        }

        await _store.CommitAsync(new StoreBatch(changes), cancellationToken);
    }

    // Published until the last thing it signed has expired; a CA until its own certificate expires.
    private StoredKey Retire(StoredKey key, DateTimeOffset now) =>
        key with { RetiredAt = now, PublishUntil = Profile.Overlap is { } overlap ? now + overlap + PublishSlack : StoredKeyCertificate.NotAfter(key) };

    private SortedDictionary<string, string> Evidence(string kid, IReadOnlyList<StoredKey> retired)
    {
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in Profile.Evidence)
        {
            evidence[name] = value;
        }

        evidence["purpose"] = Profile.Purpose;
        evidence["kid"] = kid;
        evidence["alg"] = Profile.Algorithm;
        if (retired.Count > 0)
        {
            evidence["retired_kid"] = string.Join(' ', retired.Select(k => k.Kid));
        }

        return evidence;
    }

    private AuditEvent Record(string outcome, DateTimeOffset now, SortedDictionary<string, string> evidence) =>
        new() { Kind = AuditKinds.KeyRotation, Time = now, Outcome = outcome, Node = _node, Evidence = evidence };

    /// <summary>A new key, with the evidence of its audit record (its certificate's too, for a CA).</summary>
    private StoredKey Create(DateTimeOffset now, out SortedDictionary<string, string> evidence)
    {
        evidence = Evidence("", []);
        var key = NewKey(now, evidence);
        evidence["kid"] = key.Kid;
        return key;
    }

    /// <summary>A new key pair, sealed, with its public JWK (and certificate), as the row to store.</summary>
    private StoredKey NewKey(DateTimeOffset now, SortedDictionary<string, string> evidence)
    {
        string kid, publicJwk;
        byte[] pkcs8;
        if (Profile.Algorithm == "RS256")
        {
            using var rsa = RSA.Create(2048);
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)));
            kid = Profile.KidPrefix + Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
            publicJwk = JsonSerializer.Serialize(new { kty = "RSA", n = jwk.N, e = jwk.E, kid, use = Profile.Use, alg = Profile.Algorithm });
            pkcs8 = rsa.ExportPkcs8PrivateKey();
        }
        else
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ecdsa));
            kid = Profile.KidPrefix + Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
            publicJwk = Profile.Certificate is { } certificate
                ? Certify(certificate, ecdsa, kid, now, evidence)
                : JsonSerializer.Serialize(new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, kid, use = Profile.Use, alg = Profile.Algorithm });
            pkcs8 = ecdsa.ExportPkcs8PrivateKey();
        }

        try
        {
            return new StoredKey
            {
                Kid = kid,
                Purpose = Profile.Purpose,
                Algorithm = Profile.Algorithm,
                SealedPrivateKey = _kek.Seal(pkcs8, kid),
                PublicJwk = publicJwk,
                CreatedAt = now,
                Node = _node,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private static string Certify(KeyCertificateProfile profile, ECDsa key, string kid, DateTimeOffset now, SortedDictionary<string, string> evidence)
    {
        using var certificate = profile.Create(key, now);
        var entry = profile.PublicJwk(certificate);
        entry["kid"] = kid;
        evidence["serial"] = certificate.SerialNumber;
        evidence["not_after"] = AuditCanonicalJson.FormatTime(new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero));
        return JsonSerializer.Serialize(entry);
    }
}
