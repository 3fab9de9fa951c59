using System.CommandLine;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate revoke</c>: one command, immediate, by credential, run, agent, tenant or user.</summary>
internal static class RevokeCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var jti = new Option<string?>("--jti") { Description = "Revoke one credential by its jti" };
        var run = new Option<string?>("--run") { Description = "Revoke every credential of a run and of its sub-agents' runs (to also end them, use 'mandate runs end')" };
        var agent = new Option<string?>("--agent") { Description = "Kill switch: revoke everything an agent (SPIFFE ID) holds and refuse it anything new until 'mandate agents enable'" };
        var tenant = new Option<string?>("--tenant") { Description = "Revoke every credential issued for a tenant so far, and its users' tokens issued before now" };
        var user = new Option<string?>("--user") { Description = "Revoke every credential issued on behalf of a user (token subject) so far, and the user's tokens issued before now" };
        var reason = new Option<string?>("--reason", "-r") { Description = "Why (at most 500 characters on one line, no token); recorded in the audit trail" };
        var command = new Command("revoke", "Revoke credentials at once on the running broker (through its admin socket)")
        {
            config, jti, run, agent, tenant, user, reason,
        };
        command.SetAction(async (parse, ct) =>
        {
            var targets = new (string Name, string? Value)[]
            {
                ("token", parse.GetValue(jti)), ("run", parse.GetValue(run)), ("agent", parse.GetValue(agent)),
                ("tenant", parse.GetValue(tenant)), ("user", parse.GetValue(user)),
            }.Where(t => t.Value is not null).ToList();
            if (targets.Count != 1)
            {
                Output.Error("give exactly one of --jti, --run, --agent, --tenant or --user");
                Output.ErrorLine("run 'mandate revoke --help' for usage and options");
                return ExitCodes.Usage;
            }

            var (name, value) = targets[0];
            return await RevokeAsync(parse.GetValue(config)!, name, value!, parse.GetValue(reason), ct);
        });
        return command;
    }

    /// <summary>True when <paramref name="value"/> can name an agent (a SPIFFE ID); otherwise says why, for exit code 2.</summary>
    internal static bool IsAgentId(string value)
    {
        if (Core.Revocation.RevocationValue.Problem(Core.Revocation.RevocationTarget.Agent, value) is { } problem)
        {
            Output.Error($"'{value}' is not a SPIFFE ID: {problem}");
            return false;
        }

        return true;
    }

    /// <summary>
    /// Revokes <paramref name="value"/> of kind <paramref name="name"/> (token, run, agent, tenant or user) on the running broker and
    /// says whether it is recorded yet; <c>mandate agents disable</c> is this with <c>agent</c>.
    /// </summary>
    internal static Task<int> RevokeAsync(string configPath, string name, string value, string? reason, CancellationToken ct)
    {
        // A malformed argument is a usage error (exit 2) and never reaches the broker; the broker refuses it too. An empty
        // one never gets here (EmptyValues).
        if (name == "agent" && !IsAgentId(value))
        {
            return Task.FromResult(ExitCodes.Usage);
        }

        // Invariant 8: a whole token pasted in place of its id would be written into the audit trail, which keeps it for
        // good (the hash chain forbids removing it) and shows it to everyone who reads it. It is never echoed here either.
        if (Core.Revocation.RevocationValue.IsWholeToken(value))
        {
            Output.Error($"{(name == "token" ? "--jti" : "--" + name)} was given a whole token, not an id; a token is never sent to the audit trail. "
                + "Give its jti ('mandate token inspect TOKEN --claim jti'), or let its holder revoke it at POST /oauth2/revoke");
            return Task.FromResult(ExitCodes.Usage);
        }

        return RunCommands.WithAdminAsync(configPath, async (admin, options) =>
        {
            var result = await admin.RevokeAsync(name, value, reason, ct);
            var recorded = !result.TryGetProperty("recorded", out var r) || r.GetBoolean();
            var status = recorded
                ? "[green]revoked and recorded[/]"
                : "[yellow]revoked in this broker now; will be recorded when the store returns[/] (the store is failing; the broker keeps retrying)";
            Output.Line($"{status}: {name} [bold]{Output.Escape(value)}[/] ({Output.Escape(result.GetProperty("id").GetString()!)}); introspection answers inactive from now on"
                + (name == "agent" ? "; the agent gets nothing new until 'mandate agents enable'" : ""));
            if (result.TryGetProperty("issued", out var issued) && issued.ValueKind == System.Text.Json.JsonValueKind.False)
            {
                Output.Line("[yellow]note:[/] no credential or JWT-SVID with this jti is in the audit trail: check the jti (mandate audit query --jti); the revocation stands either way");
            }

            if (result.TryGetProperty("seen", out var seen) && seen.ValueKind == System.Text.Json.JsonValueKind.False)
            {
                Output.Line($"[yellow]note:[/] no audit record carries {name} {Output.Escape(value)} yet: check it (mandate audit query --{name}); the revocation stands either way");
            }

            // Agents are registered only in the configuration: a kill switch on an ID no agent has stops nothing, so say so.
            if (name == "agent" && !options.Agents.Any(a => a.Id == value))
            {
                Output.Line($"[yellow]note:[/] no agent {Output.Escape(value)} is registered in {Output.Escape(Path.GetFullPath(configPath))} (agents:): check the SPIFFE ID; the kill switch stands either way");
            }

            return ExitCodes.Ok;
        });
    }
}
