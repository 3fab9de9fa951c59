using Mandate.Core.Keys;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Audit.Checkpoints;

/// <summary>The public checkpoint keys a store holds, by kid, to verify signed checkpoints and prune anchors with.</summary>
public static class AuditCheckpointKeys
{
    /// <summary>
    /// Every checkpoint key in <paramref name="store"/>, retired ones too (a checkpoint stays verifiable after its key
    /// rotates). A key whose public JWK does not parse (a store edited by hand) verifies nothing and is left out, so a
    /// checkpoint signed with it is refused as signed by an unknown key rather than failing the whole verification.
    /// </summary>
    public static async Task<Dictionary<string, JsonWebKey>> FromStoreAsync(IKeyStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var keys = new Dictionary<string, JsonWebKey>(StringComparer.Ordinal);
        foreach (var key in await store.ListKeysAsync(KeyPurposes.AuditCheckpoint, cancellationToken))
        {
            try
            {
                keys[key.Kid] = new JsonWebKey(key.PublicJwk);
            }
            catch (ArgumentException)
            {
                // IdentityModel reports JSON it cannot read as an ArgumentException.
            }
        }

        return keys;
    }
}
