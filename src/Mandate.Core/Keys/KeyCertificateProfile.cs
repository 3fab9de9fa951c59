using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mandate.Core.Keys;

/// <summary>
/// For keys that are certificate authorities: the self-signed certificate each new key gets, how long it is
/// valid, and how early it is renewed. The certificate travels in the public JWK's <c>x5c</c>, so the stored
/// row holds everything but the private key in clear.
/// </summary>
public sealed record KeyCertificateProfile
{
    /// <summary>How long a certificate is valid from its creation.</summary>
    public required TimeSpan Lifetime { get; init; }

    /// <summary>Renew once less than this remains, so nothing the key signs is cut short by its certificate.</summary>
    public required TimeSpan RenewBefore { get; init; }

    /// <summary>Creates the self-signed certificate of a new key, valid from the given instant for <see cref="Lifetime"/>.</summary>
    public required Func<ECDsa, DateTimeOffset, X509Certificate2> Create { get; init; }

    /// <summary>The public JWK of a new key from its certificate (e.g. a SPIFFE bundle entry with <c>x5c</c>); the ring adds <c>kid</c>.</summary>
    public required Func<X509Certificate2, Dictionary<string, object>> PublicJwk { get; init; }
}
