using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Attestation;

/// <summary>Where a trusted issuer's public keys come from (a file, a URL). Keys only ever come from configuration.</summary>
public interface IJwksSource
{
    /// <summary>
    /// The issuer's current public keys. <paramref name="kid"/> is the key id a token asks for; a source
    /// may refresh (bounded) when it does not know it, so issuer key rollover needs no restart.
    /// </summary>
    ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken);
}
