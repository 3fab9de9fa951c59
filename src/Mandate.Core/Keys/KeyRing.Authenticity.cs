using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Keys;

/// <summary>Which stored keys a ring publishes and verifies with: only those a node holding the key-encryption key made.</summary>
public partial class KeyRing
{
    // Kid → public JWK already proven, so a reload (every key change in the cluster, an unknown kid at most once a
    // second) opens only rows it has not seen in that form.
    private readonly Dictionary<string, string> _authentic = new(StringComparer.Ordinal);

    // Kid → public JWK already reported as refused, so a planted row is logged once, not at every reload.
    private readonly Dictionary<string, string> _refused = new(StringComparer.Ordinal);

    /// <summary>Where a stored key this ring refuses to trust is reported: such a row is a sign of a tampered store (or a node with another key-encryption key).</summary>
    public ILogger Log { get; init; } = NullLogger.Instance;

    /// <summary>
    /// True when <paramref name="key"/>'s sealed private key opens under this ring's key-encryption key (AES-GCM with
    /// the kid as associated data) and its public half is the one the row publishes under that kid. Whoever can write
    /// the store but does not hold the key-encryption key can add a row, or re-point one at a public key of their own,
    /// but cannot seal a private key: without this, the ring would publish their key at the JWKS (and the audit
    /// checkpoint JWKS) and accept what it signs.
    /// </summary>
    private bool IsAuthentic(StoredKey key)
    {
        if (Proves(key))
        {
            return true;
        }

        if (!_refused.TryGetValue(key.Kid, out var reported) || !string.Equals(reported, key.PublicJwk, StringComparison.Ordinal))
        {
            _refused[key.Kid] = key.PublicJwk;
            KeyRingLog.StoredKeyRefused(Log, Profile.Purpose, key.Kid, key.Node);
        }

        return false;
    }

    private bool Proves(StoredKey key)
    {
        if (_authentic.TryGetValue(key.Kid, out var proven) && string.Equals(proven, key.PublicJwk, StringComparison.Ordinal))
        {
            return true;
        }

        string? opened;
        try
        {
            opened = key.Algorithm == "RS256" ? RsaThumbprint(key) : EcdsaThumbprint(key);
        }
        catch (Configuration.MandateConfigException)
        {
            // Sealed under another key-encryption key, or not sealed at all.
            return false;
        }
        catch (CryptographicException)
        {
            // Opened, but not a private key of the row's algorithm.
            return false;
        }

        JsonWebKey jwk;
        try
        {
            jwk = new JsonWebKey(key.PublicJwk);
        }
        catch (ArgumentException)
        {
            // Not a JWK's JSON (the library wraps every reading error in this one type).
            return false;
        }

        var published = jwk.Kid == key.Kid && jwk.CanComputeJwkThumbprint() ? Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()) : null;

        // The kid is the profile's prefix and the RFC 7638 thumbprint of the key it names.
        if (published is null || published != opened || key.Kid != Profile.KidPrefix + opened)
        {
            return false;
        }

        _authentic[key.Kid] = key.PublicJwk;
        return true;
    }

    private string EcdsaThumbprint(StoredKey key)
    {
        using var ecdsa = _kek.OpenEcdsa(key);
        return Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ecdsa)).ComputeJwkThumbprint());
    }

    private string RsaThumbprint(StoredKey key)
    {
        using var rsa = _kek.OpenRsa(key);
        return Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false))).ComputeJwkThumbprint());
    }
}
