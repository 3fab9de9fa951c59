using System.Security.Cryptography;
using Mandate.Core.Configuration;

namespace Mandate.Core.Keys;

/// <summary>Opens a stored key's sealed PKCS#8 private key into a usable algorithm, wiping the plaintext bytes.</summary>
public static class SealedPrivateKeys
{
    /// <summary>An ECDSA key (signing keys, the SPIFFE CA, JWT-SVID keys).</summary>
    public static ECDsa OpenEcdsa(this KeyEncryptionKey kek, StoredKey key) => Open(kek, key, ECDsa.Create);

    /// <summary>An RSA key (the OIDC federation key).</summary>
    public static RSA OpenRsa(this KeyEncryptionKey kek, StoredKey key) => Open(kek, key, RSA.Create);

    private static T Open<T>(KeyEncryptionKey kek, StoredKey key, Func<T> create)
        where T : AsymmetricAlgorithm
    {
        ArgumentNullException.ThrowIfNull(kek);
        ArgumentNullException.ThrowIfNull(key);
        byte[] pkcs8;
        try
        {
            pkcs8 = kek.Open(key.SealedPrivateKey, key.Kid);
        }
        catch (CryptographicException e)
        {
            throw new MandateConfigException($"cannot unseal {key.Purpose} key {key.Kid}: the key-encryption key ({kek.Source}) is not the one it was sealed with", e);
        }

        var algorithm = create();
        try
        {
            algorithm.ImportPkcs8PrivateKey(pkcs8, out _);
            return algorithm;
        }
        catch
        {
            algorithm.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }
}
