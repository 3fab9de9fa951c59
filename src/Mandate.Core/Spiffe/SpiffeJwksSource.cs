using Mandate.Core.Attestation;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Spiffe;

/// <summary>The JWT-SVID public keys as a trust source, so Mandate accepts its own JWT-SVIDs as workload identity tokens.</summary>
public sealed class SpiffeJwksSource : IJwksSource
{
    private readonly SpiffeAuthority _authority;

    public SpiffeJwksSource(SpiffeAuthority authority) => _authority = authority;

    public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<SecurityKey>>(_authority.Current.JwtPublished.Cast<SecurityKey>().ToList());
}
