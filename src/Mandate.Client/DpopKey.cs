using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Client;

/// <summary>
/// An agent's DPoP key (RFC 9449): an ES256 (P-256) key pair generated in memory. The private key never
/// leaves the process and is not exportable through this type; only the public JWK goes into proofs.
/// Credentials issued to a client holding it are bound to <see cref="Thumbprint"/> (<c>cnf.jkt</c>).
/// Dispose it when the agent stops; credentials bound to it are useless afterwards.
/// </summary>
public sealed class DpopKey : IDisposable
{
    private readonly ECDsa _ecdsa;
    private bool _disposed;

    private DpopKey(ECDsa ecdsa)
    {
        _ecdsa = ecdsa;
        SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(ecdsa), SecurityAlgorithms.EcdsaSha256);
        using var publicOnly = ECDsa.Create(ecdsa.ExportParameters(includePrivateParameters: false));
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicOnly));
        // RFC 9449 §4.2: the header carries the public key only (kty, crv, x, y).
        PublicJwk = new Dictionary<string, object> { ["kty"] = jwk.Kty, ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y };
        Thumbprint = Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
    }

    /// <summary>Generates a fresh P-256 key pair.</summary>
    public static DpopKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>RFC 7638 SHA-256 thumbprint of the public key: the <c>cnf.jkt</c> of credentials bound to it.</summary>
    public string Thumbprint { get; }

    internal IReadOnlyDictionary<string, object> PublicJwk { get; }

    internal SigningCredentials SigningCredentials
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return field;
        }
    }

    /// <summary>Destroys the private key.</summary>
    public void Dispose()
    {
        _disposed = true;
        _ecdsa.Dispose();
    }
}
