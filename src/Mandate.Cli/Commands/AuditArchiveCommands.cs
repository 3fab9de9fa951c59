using System.CommandLine;
using System.Globalization;
using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Audit.Retention;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary>
/// <c>mandate audit archive</c> (retention) and <c>mandate audit verify --archive</c>. Archiving works straight on the
/// store, like <c>audit verify</c>, so it works with the broker down; it is safe beside running brokers because the
/// prune is one commit under the store's audit write lock, which every broker's commit takes too (see
/// <see cref="AuditArchiver"/>).
/// </summary>
internal static class AuditArchiveCommands
{
    private static readonly string[] DateFormats =
        ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    public static Command Archive()
    {
        var config = CommonOptions.Config();
        var before = new Option<string>("--before") { Description = "Archive up to the newest signed checkpoint made before this date (YYYY-MM-DD or ISO 8601; UTC unless an offset is given)", Required = true };
        var to = new Option<string>("--to") { Description = "The archive file to create (JSON lines); never overwritten", Required = true };
        var jwks = new Option<string?>("--jwks") { Description = "Verify checkpoints with this JWKS file (saved from the broker's /audit/jwks) instead of the checkpoint keys in the store" };
        var command = new Command("archive", "Export the audit records up to a signed checkpoint to a verified archive file, then prune them from the store") { config, before, to, jwks };
        command.SetAction((parse, ct) => ArchiveAsync(parse.GetValue(config)!, parse.GetValue(before)!, parse.GetValue(to)!, parse.GetValue(jwks), ct));
        return command;
    }

    private static async Task<int> ArchiveAsync(string configPath, string beforeText, string target, string? jwksPath, CancellationToken ct)
    {
        if (!DateTimeOffset.TryParseExact(beforeText, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var before))
        {
            Output.Error($"--before '{beforeText}' is not a date: give YYYY-MM-DD (midnight UTC) or an ISO 8601 time such as 2026-11-30T00:00:00Z");
            return ExitCodes.Usage;
        }

        var options = CommonOptions.LoadConfig(configPath);
        if (options is null)
        {
            return ExitCodes.Usage;
        }

        if (options is { AuditCheckpoints.File: null })
        {
            Output.Error("audit.checkpoints.file is not set: archiving needs signed checkpoints to prove the range; set it and let the broker write checkpoints first");
            return ExitCodes.Usage;
        }

        // A bare file name is in the current folder, and the anchor keeps where the archive went.
        target = Path.GetFullPath(target);
        if (!Directory.Exists(Path.GetDirectoryName(target)))
        {
            Output.Error($"--to {target}: its folder does not exist; create it first or give a path in an existing folder");
            return ExitCodes.Usage;
        }

        // Nothing done and the cause is on the command line; the archiver refuses it too, should the file appear meanwhile.
        if (File.Exists(target) || Directory.Exists(target))
        {
            Output.Error($"--to {target}: it already exists and an archive never overwrites a file; give a new file name");
            return ExitCodes.Usage;
        }

        return await OfflineStore.WriteAsync(options, async store =>
        {
            var keys = await CheckpointKeys.LoadAsync(store, jwksPath, ct);
            if (keys is null)
            {
                return ExitCodes.Usage;
            }

            var request = new AuditArchiveRequest { Before = before, Target = target, CheckpointFile = options.AuditCheckpoints.File!, Keys = keys, Issuer = options.Issuer, Node = options.Node + "-cli" };
            var outcome = await AuditArchiver.ArchiveAsync(store, request, TimeProvider.System, ct);
            if (outcome.Refusal is { } refusal)
            {
                Output.Error(refusal);
                return ExitCodes.Failed;
            }

            var anchor = outcome.Anchor!;
            Output.Line($"[green]archived[/] {outcome.Records} records (#{outcome.First} to #{anchor.Sequence}) to {Output.Escape(anchor.Archive)} and pruned them; "
                + $"the store now starts after #{anchor.Sequence} {Output.Escape(anchor.Hash)}");
            return ExitCodes.Ok;
        }, ct);
    }

    /// <summary>Verifies archives on their own, in order: each must continue where the one before it ended.</summary>
    public static async Task<int> VerifyAsync(string[] archives, string? jwksPath, string configPath, CancellationToken ct)
    {
        if (jwksPath is not null)
        {
            var keys = await CheckpointKeys.LoadAsync(null, jwksPath, ct);
            // No configuration is read here (an archive is checked from the files alone), so no issuer is compared.
            return keys is null ? ExitCodes.Usage : await VerifyWithKeysAsync(archives, keys, null, true, ct);
        }

        // No JWKS: the checkpoint keys the broker keeps in its store (retired ones too).
        var options = CommonOptions.LoadConfig(configPath);
        return await OfflineStore.ReadAsync(options, async store =>
        {
            var keys = await CheckpointKeys.LoadAsync(store, null, ct);
            return await VerifyWithKeysAsync(archives, keys!, options!.Issuer, false, ct);
        }, ct);
    }

    private static async Task<int> VerifyWithKeysAsync(string[] archives, IReadOnlyDictionary<string, Microsoft.IdentityModel.Tokens.JsonWebKey> keys, string? issuer, bool keysFromOutside, CancellationToken ct)
    {
        AuditTail? previous = null;
        foreach (var path in archives)
        {
            var result = await AuditArchiveVerifier.VerifyAsync(path, keys, issuer, previous, ct);
            if (!result.IsValid)
            {
                Output.Error($"archive does not verify: {result.Problem}");
                return ExitCodes.Failed;
            }

            Output.Line($"[green]archive intact[/]: {Output.Escape(path)} holds records #{result.First} to #{result.Last}, signed checkpoint at #{result.Last} {Output.Escape(result.Covering!.Hash)}");
            previous = result.End;
        }

        if (!keysFromOutside)
        {
            Output.Line(CheckpointKeys.FromStoreNote);
        }

        return ExitCodes.Ok;
    }

    /// <summary>Plain <c>audit verify</c>: the chain from the start, or from the prune anchor, whose signed checkpoint must hold.</summary>
    public static async Task<int> VerifyStoreAsync(IMandateStore store, CancellationToken ct)
    {
        var result = await AuditStoreVerifier.VerifyAsync(store, ct);
        if (!result.IsValid)
        {
            Output.Error($"audit chain broken at record #{result.Sequence}: {result.Message}");
            return ExitCodes.Failed;
        }

        var archived = result.ArchivedThrough > 0 ? $"; records up to #{result.ArchivedThrough} were archived" : "";
        Output.Line($"[green]audit chain intact[/]: {result.RecordCount} records, head #{result.Head.Sequence} {Output.Escape(result.Head.Hash)}{archived}");
        Output.Line((result.ArchivedThrough > 0
            ? "[yellow]note:[/] the prune anchor's signature was checked against checkpoint keys read from the store itself; "
            : "[yellow]note:[/] the chain was checked against the store alone, which a chain rewritten wholesale also passes; ")
            + "pass --checkpoint FILE --jwks <a saved copy of the broker's /audit/jwks> to check the chain against checkpoints and keys kept outside it");
        return ExitCodes.Ok;
    }
}
