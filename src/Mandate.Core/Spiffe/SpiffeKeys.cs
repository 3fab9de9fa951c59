using System.Security.Cryptography.X509Certificates;
using Mandate.Core.Keys;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Spiffe;

/// <summary>
/// One immutable view of the SPIFFE keys: the CA that signs now (certificate with its private key), every
/// CA certificate still in the bundle, the JWT-SVID key that signs now and every JWT-SVID public key still
/// published. Swapped atomically on renewal.
/// </summary>
public sealed record SpiffeKeys(
    X509Certificate2 Ca,
    IReadOnlyList<X509Certificate2> BundleCertificates,
    SigningKey JwtActive,
    IReadOnlyList<JsonWebKey> JwtPublished,
    long Sequence);
