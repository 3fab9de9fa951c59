using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Keys;

/// <summary>An unsealed key this node signs with (ES256 or RS256). Lives only in memory; its ring disposes it one rotation after it stops signing.</summary>
public sealed class SigningKey : IDisposable
{
    private readonly Lazy<SignatureProvider> _signer;

    public SigningKey(string kid, ECDsa ecdsa, DateTimeOffset createdAt)
        : this(kid, ecdsa, createdAt, new ECDsaSecurityKey(ecdsa), SecurityAlgorithms.EcdsaSha256)
    {
    }

    public SigningKey(string kid, RSA rsa, DateTimeOffset createdAt)
        : this(kid, rsa, createdAt, new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256)
    {
    }

    private SigningKey(string kid, AsymmetricAlgorithm key, DateTimeOffset createdAt, AsymmetricSecurityKey securityKey, string algorithm)
    {
        Kid = kid;
        Key = key;
        CreatedAt = createdAt;
        // A factory per key: the default one caches signature providers process-wide by kid, so a second key
        // object for the same kid (a broker reopened in the same process) would sign with a disposed key.
        securityKey.KeyId = kid;
        securityKey.CryptoProviderFactory = new CryptoProviderFactory();
        Credentials = new SigningCredentials(securityKey, algorithm);
        _signer = new Lazy<SignatureProvider>(() => securityKey.CryptoProviderFactory.CreateForSigning(securityKey, algorithm));
    }

    public string Kid { get; }

    /// <summary>The private key: an <see cref="ECDsa"/> or an <see cref="RSA"/>.</summary>
    public AsymmetricAlgorithm Key { get; }

    /// <summary>The private key of an ES256 key.</summary>
    /// <exception cref="InvalidOperationException">The key is an RSA key.</exception>
    public ECDsa Ecdsa => Key as ECDsa ?? throw new InvalidOperationException($"key {Kid} is not an EC key");

    public DateTimeOffset CreatedAt { get; }
    public SigningCredentials Credentials { get; }

    /// <summary>
    /// IdentityModel's signer for this key, held for the key's life: tokens minted on every exchange skip the
    /// factory's cache lookup (thread-safe, as every cached provider is).
    /// </summary>
    public SignatureProvider Signer => _signer.Value;

    public void Dispose()
    {
        if (_signer.IsValueCreated)
        {
            Credentials.Key.CryptoProviderFactory.ReleaseSignatureProvider(_signer.Value);
        }

        Key.Dispose();
    }
}
