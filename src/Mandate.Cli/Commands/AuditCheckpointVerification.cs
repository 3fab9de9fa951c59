using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Audit.Checkpoints;
using Mandate.Core.Keys;
using Microsoft.IdentityModel.Tokens;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary>
/// <c>mandate audit verify --checkpoint FILE</c>: every line of the checkpoint file must carry a valid signature of a
/// published checkpoint key, and the store's chain must verify and hold exactly each checkpoint's hash at its sequence.
/// </summary>
internal static class AuditCheckpointVerification
{
    public static async Task<int> RunAsync(IMandateStore store, string checkpointPath, string? jwksPath, CancellationToken ct)
    {
        if (!File.Exists(checkpointPath))
        {
            Output.Error($"no checkpoint file at {checkpointPath}");
            return 1;
        }

        var keys = jwksPath is null ? await StoreKeysAsync(store, ct) : FileKeys(jwksPath);
        if (keys is null)
        {
            return 1;
        }

        var checkpoints = new List<AuditCheckpoint>();
        var number = 0;
        foreach (var line in await File.ReadAllLinesAsync(checkpointPath, ct))
        {
            number++;
            var reading = await AuditCheckpoint.VerifyAsync(line, keys, issuer: null);
            if (reading.Refusal is { } refusal)
            {
                Output.Error($"{checkpointPath} line {number}: {refusal}");
                return 1;
            }

            checkpoints.Add(reading.Checkpoint!);
        }

        if (checkpoints.Count == 0)
        {
            Output.Error($"{checkpointPath} holds no checkpoint");
            return 1;
        }

        return await CheckStoreAsync(store, checkpoints, ct);
    }

    private static async Task<int> CheckStoreAsync(IMandateStore store, List<AuditCheckpoint> checkpoints, CancellationToken ct)
    {
        // One walk of the chain up to the latest checkpoint catches edits, deletions, truncation and a rewrite up to it.
        var latest = checkpoints.MaxBy(c => c.Sequence)!;
        var result = await AuditVerifier.VerifyAsync(store, latest.Head, ct);
        if (!result.IsValid)
        {
            Output.Error($"audit chain does not match checkpoint #{latest.Sequence}: {result.Message}");
            return 1;
        }

        foreach (var checkpoint in checkpoints)
        {
            var hash = await HashAtAsync(store, checkpoint.Sequence, ct);
            if (hash != checkpoint.Hash)
            {
                Output.Error($"audit chain does not match checkpoint #{checkpoint.Sequence}: the store has {hash ?? "no record"} there, the checkpoint says {checkpoint.Hash}");
                return 1;
            }
        }

        Output.Line($"[green]audit chain matches {checkpoints.Count} signed checkpoints[/]: latest #{latest.Sequence} {Markup.Escape(latest.Hash)}, {result.RecordCount} records intact");
        return 0;
    }

    private static async Task<string?> HashAtAsync(IMandateStore store, long sequence, CancellationToken ct)
    {
        await foreach (var record in store.ReadAuditAsync(new AuditQuery { AfterSequence = sequence - 1, Limit = 1 }, ct))
        {
            return record.Sequence == sequence ? record.Hash : null;
        }

        return null;
    }

    /// <summary>Every checkpoint key the store holds, retired ones too: a checkpoint stays verifiable after its key rotates.</summary>
    private static async Task<Dictionary<string, JsonWebKey>> StoreKeysAsync(IMandateStore store, CancellationToken ct) =>
        (await store.ListKeysAsync(KeyPurposes.AuditCheckpoint, ct)).ToDictionary(k => k.Kid, k => new JsonWebKey(k.PublicJwk), StringComparer.Ordinal);

    private static Dictionary<string, JsonWebKey>? FileKeys(string path)
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
