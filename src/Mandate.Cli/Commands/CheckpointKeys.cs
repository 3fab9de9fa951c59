using Mandate.Core;
using Mandate.Core.Audit.Checkpoints;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Cli.Commands;

/// <summary>The checkpoint keys a command verifies signed checkpoints with: a JWKS file when given, else the store's.</summary>
internal static class CheckpointKeys
{
    /// <summary>
    /// Said after a check that used the store's keys: whoever can rewrite the store can also add a key there and re-sign.
    /// </summary>
    public const string FromStoreNote = "[yellow]note:[/] checkpoint signatures were checked against keys read from the store itself; "
        + "pass --jwks <a saved copy of the broker's /audit/jwks> to check them against keys from outside it";

    /// <summary>The keys, or null when the JWKS file cannot be read (reported).</summary>
    public static async Task<Dictionary<string, JsonWebKey>?> LoadAsync(IMandateStore? store, string? jwksPath, CancellationToken ct) =>
        jwksPath is not null ? FromFile(jwksPath) : store is null ? [] : await AuditCheckpointKeys.FromStoreAsync(store, ct);

    private static Dictionary<string, JsonWebKey>? FromFile(string path)
    {
        try
        {
            return new JsonWebKeySet(File.ReadAllText(path)).Keys.Where(k => k.Kid is not null)
                .ToDictionary(k => k.Kid, k => k, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            Output.Error($"cannot read the JWKS {path}: {e.Message.ReplaceLineEndings(" ")}");
            return null;
        }
    }
}
