using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Keys;

/// <summary>An unsealed ES256 key this node signs with. Lives only in memory.</summary>
public sealed class SigningKey : IDisposable
{
    public SigningKey(string kid, ECDsa ecdsa, DateTimeOffset createdAt)
    {
        Kid = kid;
        Ecdsa = ecdsa;
        CreatedAt = createdAt;
        // A factory per key: the default one caches signature providers process-wide by kid, so a second key
        // object for the same kid (a broker reopened in the same process) would sign with a disposed ECDsa.
        Credentials = new SigningCredentials(
            new ECDsaSecurityKey(ecdsa) { KeyId = kid, CryptoProviderFactory = new CryptoProviderFactory() },
            SecurityAlgorithms.EcdsaSha256);
    }

    public string Kid { get; }
    public ECDsa Ecdsa { get; }
    public DateTimeOffset CreatedAt { get; }
    public SigningCredentials Credentials { get; }

    public void Dispose() => Ecdsa.Dispose();
}
