using Mandate.Core.Attestation;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Tests.Attestation;

/// <summary>A JWKS source whose keys count every signature verification they are used for.</summary>
internal sealed class CountingJwksSource : IJwksSource
{
    private readonly IJwksSource _inner;
    private readonly CountingCryptoProviderFactory _factory = new();

    public CountingJwksSource(IJwksSource inner) => _inner = inner;

    /// <summary>Signature verifications made with this source's keys so far.</summary>
    public int Verifications => _factory.Verifications;

    public async ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken)
    {
        var keys = await _inner.GetKeysAsync(kid, cancellationToken);
        foreach (var key in keys)
        {
            key.CryptoProviderFactory = _factory;
        }

        return keys;
    }

    private sealed class CountingCryptoProviderFactory : CryptoProviderFactory
    {
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public override SignatureProvider CreateForVerifying(SecurityKey key, string algorithm, bool cacheProvider)
        {
            Interlocked.Increment(ref _verifications);
            return base.CreateForVerifying(key, algorithm, cacheProvider);
        }
    }
}
