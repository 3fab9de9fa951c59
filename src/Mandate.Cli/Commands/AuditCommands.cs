using System.CommandLine;
using System.Text.Json;
using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Runs;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary>
/// <c>mandate audit verify|query</c>: read the audit trail straight from the store, so they work for
/// forensics even when the broker is down.
/// </summary>
internal static class AuditCommands
{
    public static Command Create() => new("audit", "Verify, query and trace the tamper-evident audit trail") { Verify(), Query(), Trace(), Checkpoint(), AuditArchiveCommands.Archive() };

    private static Command Checkpoint()
    {
        var config = CommonOptions.Config();
        var command = new Command("checkpoint", "Sign the audit chain head into the checkpoint file now (on the running broker, through its admin socket)") { config };
        command.SetAction(async (parse, ct) => await RunCommands.WithAdminAsync(parse.GetValue(config)!, async admin =>
        {
            var result = await admin.WriteAuditCheckpointAsync(ct);
            Output.Line(result.GetProperty("written").GetBoolean()
                ? $"[green]checkpoint written[/]: head #{result.GetProperty("sequence").GetInt64()} {Output.Escape(result.GetProperty("hash").GetString()!)}"
                : "no checkpoint written: the audit head has not moved since the last one");
        }));
        return command;
    }

    private static Command Trace()
    {
        var config = CommonOptions.Config();
        var run = new Option<string>("--run") { Description = "Run id (any run of the tree)", Required = true };
        var json = CommonOptions.Json();
        var command = new Command("trace", "The delegation tree of a run: per node the agent, user, tenant, decisions (rule, policy version), credentials and where they were accepted") { config, run, json };
        command.SetAction(async (parse, ct) => await TraceAsync(parse.GetValue(config)!, parse.GetValue(run)!, parse.GetValue(json), ct));
        return command;
    }

    internal static async Task<int> TraceAsync(string configPath, string runId, bool json, CancellationToken ct)
    {
        return await OfflineStore.ReadAsync(CommonOptions.LoadConfig(configPath), async store =>
        {
            var trace = await RunTraceBuilder.BuildAsync(store, runId, ct);
            if (trace is null)
            {
                Output.Error($"no run '{runId}' is recorded and no audit record carries it; 'mandate runs list' shows recent runs");
                return ExitCodes.Failed;
            }

            if (json)
            {
                Output.Plain(JsonSerializer.Serialize(Server.Admin.RunJson.Trace(trace)));
            }
            else
            {
                RunTraceView.Write(trace, DateTimeOffset.UtcNow);
            }

            return ExitCodes.Ok;
        }, ct);
    }

    private static Command Verify()
    {
        var config = CommonOptions.Config();
        var checkpoint = new Option<string?>("--checkpoint") { Description = "A signed checkpoint file: also prove the chain is the one the broker signed, up to its latest checkpoint" };
        var archive = new Option<string[]>("--archive") { Description = "Verify an archive file on its own instead of the store (repeatable, oldest first: each must continue the one before)", AllowMultipleArgumentsPerToken = false };
        var jwks = new Option<string?>("--jwks") { Description = "Verify checkpoint signatures with this JWKS file (saved from the broker's /audit/jwks) instead of the checkpoint keys in the store" };
        var command = new Command("verify", "Check the hash chain: reports the first edited, deleted or reordered record") { config, checkpoint, archive, jwks };
        command.Validators.Add(result =>
        {
            var archives = result.GetValue(archive) is { Length: > 0 };
            if (archives && result.GetValue(checkpoint) is not null)
            {
                result.AddError("give --checkpoint or --archive, not both: --checkpoint proves the store, --archive checks archive files on their own");
            }
            else if (!archives && result.GetValue(checkpoint) is null && result.GetValue(jwks) is not null)
            {
                // Ignoring it would let the operator believe the chain was checked against that JWKS.
                result.AddError("--jwks is used only with --checkpoint or --archive: it holds the keys their signatures are checked with");
            }
        });
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(archive) is { Length: > 0 } archives)
            {
                return archives.All(a => InputFile.IsReadable("--archive", a))
                    ? await AuditArchiveCommands.VerifyAsync(archives, parse.GetValue(jwks), parse.GetValue(config)!, ct)
                    : ExitCodes.Usage;
            }

            var checkpointPath = parse.GetValue(checkpoint);
            if (checkpointPath is not null && !InputFile.IsReadable("--checkpoint", checkpointPath))
            {
                return ExitCodes.Usage;
            }

            var options = CommonOptions.LoadConfig(parse.GetValue(config)!);
            return await OfflineStore.ReadAsync(options, store =>
                checkpointPath is not null
                    ? AuditCheckpointVerification.RunAsync(store, checkpointPath, parse.GetValue(jwks), options!.Issuer, ct)
                    : AuditArchiveCommands.VerifyStoreAsync(store, ct), ct);
        });
        return command;
    }

    private static Command Query()
    {
        var config = CommonOptions.Config();
        var agent = new Option<string?>("--agent") { Description = "Agent SPIFFE ID" };
        var tenant = new Option<string?>("--tenant") { Description = "Tenant" };
        var user = new Option<string?>("--user") { Description = "User (token subject)" };
        var run = new Option<string?>("--run") { Description = "Run id" };
        var jti = new Option<string?>("--jti") { Description = "Credential id" };
        var kind = AuditKindOption.Create();
        var trace = AuditTraceOption.Create();
        var since = AuditTimeOption.Create("--since", "Only records at or after this time");
        var until = AuditTimeOption.Create("--until", "Only records before this time");
        var limit = CommonOptions.Limit("At most this many records", 100);
        var newest = new Option<bool>("--newest") { Description = "The newest --limit matching records instead of the oldest (still printed oldest first)" };
        var json = new Option<bool>("--json") { Description = "Print JSON Lines instead of a table: one {seq, hash, event} object per record, a line each" };
        var command = new Command("query", "List audit records matching every filter given, oldest first")
        {
            config, agent, tenant, user, run, jti, kind, trace, since, until, limit, newest, json,
        };
        command.Validators.Add(result =>
        {
            var now = DateTimeOffset.UtcNow;
            if (AuditTimeOption.Value(result.GetValue(since), now) >= AuditTimeOption.Value(result.GetValue(until), now))
            {
                result.AddError("--until must be later than --since");
            }
        });
        command.SetAction((parse, ct) => OfflineStore.ReadAsync(CommonOptions.LoadConfig(parse.GetValue(config)!), async store =>
        {
            var now = DateTimeOffset.UtcNow;
            var query = new AuditQuery
            {
                Agent = parse.GetValue(agent), Tenant = parse.GetValue(tenant), User = parse.GetValue(user),
                Run = parse.GetValue(run), Jti = parse.GetValue(jti), Kind = parse.GetValue(kind),
                TraceId = parse.GetValue(trace), Since = AuditTimeOption.Value(parse.GetValue(since), now),
                Until = AuditTimeOption.Value(parse.GetValue(until), now), Limit = (int)Math.Min(parse.GetValue(limit) + 1L, int.MaxValue),
                NewestFirst = parse.GetValue(newest),
            };
            var records = new List<AuditRecord>();
            await foreach (var r in store.ReadAuditAsync(query, ct))
            {
                records.Add(r);
            }

            // One more than asked was read, to tell whether the limit cut the answer short.
            var more = records.Count == query.Limit;
            if (more)
            {
                records.RemoveAt(records.Count - 1);
            }

            if (query.NewestFirst)
            {
                records.Reverse();
            }

            if (parse.GetValue(json))
            {
                foreach (var r in records)
                {
                    Output.Plain(JsonSerializer.Serialize(new { seq = r.Sequence, hash = r.Hash, @event = r.PayloadJson() }));
                }
            }
            else
            {
                AuditTable.Write(records);
            }

            if (more)
            {
                // Oldest first: on a long trail the limit is reached long before today's records.
                Output.ErrorLine(query.NewestFirst
                    ? $"note: older records match too; these are the newest {records.Count}. Narrow with --since/--until or raise --limit"
                    : $"note: more records match; these are the first {records.Count}, oldest first. Add --newest for the latest, narrow with --since (e.g. --since 1h) or raise --limit");
            }

            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
