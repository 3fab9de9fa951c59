using System.CommandLine;
using System.Net.Sockets;
using Mandate.Client;
using Mandate.Core.Runs;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate runs list|show|end</c>, and the admin socket every command that acts on the running broker goes through.</summary>
internal static class RunCommands
{
    public static Command Create() => new("runs", "Agent runs: list, show, end (ending a run revokes its credentials and its sub-agents' runs)") { List(), Show(), End() };

    private static Command List()
    {
        var config = CommonOptions.Config();
        var agent = new Option<string?>("--agent") { Description = "Agent SPIFFE ID" };
        var tenant = new Option<string?>("--tenant") { Description = "Tenant" };
        var user = new Option<string?>("--user") { Description = "User (token subject)" };
        var open = new Option<bool>("--open") { Description = "Only runs that have not ended" };
        var limit = CommonOptions.Limit("At most this many runs", 50);
        var json = CommonOptions.Json();
        var command = new Command("list", "List recent runs, newest first") { config, agent, tenant, user, open, limit, json };
        command.SetAction((parse, ct) => OfflineStore.ReadAsync(CommonOptions.LoadConfig(parse.GetValue(config)!), async store =>
        {
            var runs = await store.ListRunsAsync(new RunQuery
            {
                Agent = parse.GetValue(agent), Tenant = parse.GetValue(tenant), User = parse.GetValue(user),
                OpenOnly = parse.GetValue(open), Limit = parse.GetValue(limit),
            }, ct);
            if (parse.GetValue(json))
            {
                // The admin API's shape (GET /admin/runs): one array, empty when nothing matches.
                Output.Plain(System.Text.Json.JsonSerializer.Serialize(runs.Select(Server.Admin.RunJson.Run)));
                return ExitCodes.Ok;
            }

            var now = DateTimeOffset.UtcNow;
            foreach (var r in runs)
            {
                var state = r.EndedAt is not null ? "[red]ended  [/]" : r.IsOpen(now) ? "[green]open   [/]" : "[grey]expired[/]";
                Output.Line($"{Output.Escape(r.Id)}  {state}  depth {r.Depth}  {Output.Escape(r.Agent)}  tenant={Output.Escape(r.Tenant)}  user={Output.Escape(r.User ?? "-")}  started {r.StartedAt:u}");
            }

            if (runs.Count == 0)
            {
                Output.Line("[grey]no matching runs[/]");
            }

            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Show()
    {
        var config = CommonOptions.Config();
        var id = new Argument<string>("run") { Description = "Run id" };
        var json = CommonOptions.Json();
        var command = new Command("show", "Show a run's delegation tree, decisions and credentials (same as 'mandate audit trace --run')") { config, id, json };
        command.SetAction(async (parse, ct) => await AuditCommands.TraceAsync(parse.GetValue(config)!, parse.GetValue(id)!, parse.GetValue(json), ct));
        return command;
    }

    private static Command End()
    {
        var config = CommonOptions.Config();
        var id = new Argument<string>("run") { Description = "Run id" };
        var reason = new Option<string?>("--reason", "-r") { Description = "Why (at most 500 characters on one line, no token); recorded in the audit trail" };
        var command = new Command("end", "End a run now: its run token, every credential issued in it and every sub-agent run below it stop working") { config, id, reason };
        command.SetAction(async (parse, ct) => await WithAdminAsync(parse.GetValue(config)!, async admin =>
        {
            var ended = await admin.EndRunAsync(parse.GetValue(id)!, parse.GetValue(reason), ct);
            Output.Line(ended.Count == 0
                ? $"run {Output.Escape(parse.GetValue(id)!)} had already ended"
                : $"[green]ended[/] {ended.Count} run(s): {Output.Escape(string.Join(", ", ended))}");
        }));
        return command;
    }

    /// <summary>Runs <paramref name="action"/> against the running broker's admin API; exit code 0 when it completes.</summary>
    internal static Task<int> WithAdminAsync(string configPath, Func<MandateAdminClient, Task> action) =>
        WithAdminAsync(configPath, async admin =>
        {
            await action(admin);
            return ExitCodes.Ok;
        });

    /// <summary>
    /// Runs <paramref name="action"/> against the running broker's admin API. A refusal from the broker is
    /// <see cref="ExitCodes.Failed"/>; an argument the broker finds malformed (400, 413, 415), a feature that is off in the
    /// configuration (audit checkpoints, the console) or an invalid configuration is <see cref="ExitCodes.Usage"/>; an admin
    /// socket nobody answers, no answer in time or a 503 is <see cref="ExitCodes.Unavailable"/>.
    /// </summary>
    internal static Task<int> WithAdminAsync(string configPath, Func<MandateAdminClient, Task<int>> action) =>
        WithAdminAsync(configPath, (admin, _) => action(admin));

    /// <summary>As above, for an action that also reads the configuration the admin socket was found in.</summary>
    internal static async Task<int> WithAdminAsync(string configPath, Func<MandateAdminClient, Core.Configuration.MandateOptions, Task<int>> action)
    {
        var options = CommonOptions.LoadConfig(configPath);
        if (options is null)
        {
            return ExitCodes.Usage;
        }

        try
        {
            using var admin = new MandateAdminClient(options.AdminSocket);
            return await action(admin, options);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException socket)
        {
            Output.Error(AdminSocketUnreachable.Message(options.AdminSocket, socket.SocketErrorCode));
            return ExitCodes.Unavailable;
        }
        catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
        {
            // HttpClient's own timeout: the broker took the request but gave no answer, so whether it acted is unknown.
            Output.Error($"the broker did not answer on its admin socket {options.AdminSocket} in time; check what it has done ('mandate audit query --since 5m --newest') before running the command again");
            return ExitCodes.Unavailable;
        }
        catch (MandateErrorException e) when (e.Status == 503)
        {
            // Its store is unavailable or it is draining: nothing was decided, so this is "try again", never "no".
            Output.Error($"{e.Message} (the broker is unavailable and did nothing; run the command again later)");
            return ExitCodes.Unavailable;
        }
        catch (MandateErrorException e) when (e.Status is 400 or 413 or 415 || e.CheckId is Server.Admin.AdminChecks.CheckpointsOff or Server.Console.ConsoleChecks.Disabled)
        {
            // The broker found an argument malformed (a TTL out of range, an ID outside the trust domain), or the feature
            // asked for is off in its configuration, and did nothing: the operator's mistake to fix, not a "no" to the request.
            Output.Error(e.Message);
            return ExitCodes.Usage;
        }
        catch (MandateErrorException e)
        {
            Output.Error(e.Message);
            return ExitCodes.Failed;
        }
    }
}
