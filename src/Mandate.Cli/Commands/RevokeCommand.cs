using System.CommandLine;
using System.Net.Sockets;
using Mandate.Client;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate revoke</c>: one command, immediate, by credential, run, agent, tenant or user.</summary>
internal static class RevokeCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var jti = new Option<string?>("--jti") { Description = "Revoke one credential by its jti" };
        var run = new Option<string?>("--run") { Description = "Revoke every credential of a run" };
        var agent = new Option<string?>("--agent") { Description = "Revoke every credential an agent (SPIFFE ID) holds now" };
        var tenant = new Option<string?>("--tenant") { Description = "Revoke every credential issued for a tenant so far" };
        var user = new Option<string?>("--user") { Description = "Revoke every credential issued on behalf of a user (token subject) so far" };
        var reason = new Option<string?>("--reason", "-r") { Description = "Why; recorded in the audit trail" };
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
                return 2;
            }

            var options = CommonOptions.LoadConfig(parse.GetValue(config)!);
            if (options is null)
            {
                return 2;
            }

            try
            {
                using var admin = new MandateAdminClient(options.AdminSocket);
                var result = await admin.RevokeAsync(targets[0].Name, targets[0].Value!, parse.GetValue(reason), ct);
                Output.Line($"[green]revoked[/] {targets[0].Name} [bold]{Markup.Escape(targets[0].Value!)}[/] ({Markup.Escape(result.GetProperty("id").GetString()!)}); introspection answers inactive from now on");
                return 0;
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException)
            {
                Output.Error($"cannot reach the broker's admin socket {options.AdminSocket}: is 'mandate serve' running with this configuration, as this user?");
                return 1;
            }
            catch (MandateErrorException e)
            {
                Output.Error(e.Message);
                return 1;
            }
        });
        return command;
    }
}
