using System.CommandLine;
using System.Text.Json;
using Mandate.Policy;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate approvals list|approve|deny</c>: a human answers require_approval decisions on the running broker.</summary>
internal static class ApprovalCommands
{
    public static Command Create()
    {
        var list = new Command("list", "List approvals, newest first (default: pending ones)");
        var config = CommonOptions.Config();
        var status = StatusOption();
        var json = CommonOptions.Json();
        list.Options.Add(config);
        list.Options.Add(status);
        list.Options.Add(json);
        list.SetAction((parse, ct) => RunCommands.WithAdminAsync(parse.GetValue(config)!, async admin =>
        {
            var filter = parse.GetValue(status) ?? "pending";
            var items = await admin.ListApprovalsAsync(filter == "all" ? null : filter, ct);
            if (parse.GetValue(json))
            {
                Output.Plain(items.GetRawText());
                return ExitCodes.Ok;
            }

            if (items.GetArrayLength() == 0)
            {
                // Like the other listings: one line that says so, never an empty table that reads like a rendering fault.
                Output.Line(filter == "all" ? "[grey]no approvals[/]" : $"[grey]no {filter} approvals; --status all lists every one[/]");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("id", "status", "rule", "request", "expires");
            foreach (var a in items.EnumerateArray())
            {
                table.AddRow(Output.Escape(Text(a, "id")), Output.Escape(Text(a, "status")), Output.Escape(Text(a, "rule")), Output.Escape(Text(a, "binding_message")), Output.Time(Text(a, "expires_at")));
            }

            Output.Console.Write(table);
            return ExitCodes.Ok;
        }));

        return new Command("approvals", "Answer human approvals (require_approval rules) on the running broker")
        {
            list,
            Decide("approve", approve: true),
            Decide("deny", approve: false),
        };
    }

    private static readonly string[] Statuses = ["pending", "approved", "denied", "consumed", "withdrawn", "all"];

    /// <summary><c>--status</c>: one the broker knows, or <c>all</c>; anything else is refused here with the list, as a usage error.</summary>
    private static Option<string?> StatusOption()
    {
        var status = new Option<string?>("--status") { Description = "pending (default), approved, denied, consumed, withdrawn or all" };
        status.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && !Statuses.Contains(value, StringComparer.Ordinal))
            {
                var hint = NameSuggestions.Closest(value, Statuses) is { } suggestion ? $"did you mean '{suggestion}'? " : "";
                result.AddError($"--status: no approval status is called '{value}'; {hint}the statuses are: {string.Join(", ", Statuses)}");
            }
        });
        return status;
    }

    private static Command Decide(string name, bool approve)
    {
        var config = CommonOptions.Config();
        var id = new Argument<string>("id") { Description = "The approval id (auth_req_id)" };
        var reason = new Option<string?>("--reason", "-r") { Description = approve ? "Why (at most 500 characters on one line, no token); recorded in the audit trail" : "Why (at most 500 characters on one line, no token); recorded in the audit trail and shown to the agent" };
        var approver = new Option<string?>("--approver") { Description = "Who decides; default admin:<OS user>" };
        var command = new Command(name, approve ? "Approve a pending approval; the agent's next poll gets the credential" : "Deny a pending approval; the agent's next poll gets access_denied")
        {
            config, id, reason, approver,
        };
        command.SetAction((parse, ct) => RunCommands.WithAdminAsync(parse.GetValue(config)!, async admin =>
        {
            var who = parse.GetValue(approver) ?? $"admin:{Environment.UserName}";
            var result = await admin.DecideApprovalAsync(parse.GetValue(id)!, approve, who, parse.GetValue(reason), ct);
            Output.Line($"[green]{(approve ? "approved" : "denied")}[/] {Output.Escape(Text(result, "id"))} by {Output.Escape(who)}: {Output.Escape(Text(result, "binding_message"))}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : "";
}
