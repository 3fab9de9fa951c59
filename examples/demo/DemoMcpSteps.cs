using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mandate.Cli.Commands;
using Mandate.Client;
using Mandate.Core.Audit;
using Mandate.Core.Runs;
using Mandate.Examples.Mcp;
using Mandate.Server.Hosting;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Spectre.Console;

namespace Mandate.Examples.Demo;

/// <summary>
/// The MCP part of the walk-through: the payments support agent, in a run for the user, uses the official C# MCP SDK
/// client against the payments MCP server through Mandate's MCP gateway. The gateway decides each tools/call with the
/// policy's mcp: rules, asks a human for large refunds, and injects the server's own credential; every call is audited
/// under the run.
/// </summary>
internal sealed partial class DemoMcpSteps
{
    // Every MCP call is bounded, so a stuck call fails the demo instead of hanging CI.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private readonly DemoEnvironment _env;
    private readonly HttpClient _http;
    private readonly MandateApp _app;
    private readonly Action<string> _step;

    public DemoMcpSteps(DemoEnvironment env, HttpClient http, MandateApp app, Action<string> step)
    {
        _env = env;
        _http = http;
        _app = app;
        _step = step;
    }

    public async Task<bool> RunAsync(string userToken, CancellationToken ct)
    {
        var ok = true;
        var agent = new MandateClient(_http, _env.Identity(DemoEnvironment.PaymentsSupportAgent));
        await using var run = await agent.StartRunAsync(userToken, [PaymentsScopes.OrdersRead, PaymentsScopes.RefundsWrite], ct);
        _step($"Alice's next request goes to the payments support agent, which works over MCP. It starts a run for her (envelope {run.Scope}) and connects with the C# MCP SDK client to the payments MCP server through Mandate's MCP gateway at {_env.PaymentsGateway}; MandateMcpCredentialHandler brings a credential for that URL with the scopes of each call's tool. tools/list shows only the tools an mcp: rule lets the agent call.");
        await using var client = await ConnectAsync(run, ct);
        var tools = await client.ListToolsAsync(cancellationToken: ct).AsTask().WaitAsync(CallTimeout, ct);
        var names = tools.Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        Output.Line($"  tools/list -> [green]{Markup.Escape(string.Join(", ", names))}[/]");
        ok &= names.SequenceEqual([PaymentsTools.LookupOrderName, PaymentsTools.RefundName]);

        _step("lookup_order (rule mcp-lookup-orders) and a refund of 20 on order o-1002 (mcp-small-refunds: amount <= 100) go straight through; the gateway forwards each with the MCP server's own short-lived credential, never the agent's.");
        ok &= await CallAsync(client, PaymentsTools.LookupOrderName, new() { ["order_id"] = "o-1001" }, ct) is Outcome.Done;
        ok &= await CallAsync(client, PaymentsTools.RefundName, Refund("o-1002", 20), ct) is Outcome.Done;

        _step("A refund of 120 on order o-1001: mcp-large-refunds asks a human first. The gateway answers \"approval pending\" with an approval id and forwards nothing.");
        var large = Refund("o-1001", 120);
        var pending = await CallAsync(client, PaymentsTools.RefundName, large, ct);
        if (pending is not Outcome.Pending { ApprovalId: var approvalId })
        {
            return false;
        }

        _step($"An operator approves that exact call (mandate approvals approve {approvalId}); the agent retries the identical call, which goes through once. A second identical retry asks a human again.");
        using (var admin = new MandateAdminClient(_env.Options.AdminSocket))
        {
            await admin.DecideApprovalAsync(approvalId, approve: true, "admin:operator", "customer confirmed the return", ct);
        }

        Output.Line($"  [green]approved[/] {Markup.Escape(approvalId)}");
        ok &= await CallAsync(client, PaymentsTools.RefundName, large, ct) is Outcome.Done;
        ok &= await CallAsync(client, PaymentsTools.RefundName, large, ct) is Outcome.Pending { ApprovalId: var next } && next != approvalId;

        _step($"mandate audit trace --run {run.Id}: each tools/call is an mcp_call record under the credential that made it, with the deciding rule and approval; the gateway's upstream credentials belong to the same run.");
        var trace = await RunTraceBuilder.BuildAsync(_app.Runtime.Store, run.Id, ct);
        RunTraceView.Write(trace!, DateTimeOffset.UtcNow);
        // Five tools/call requests were made; each, refused or not, is one mcp_call record in this run.
        var mcpCalls = trace!.Credentials.SelectMany(c => c.Calls).Count(r => r.Event.Kind == EgressAuditKinds.McpCall);
        return ok && mcpCalls == 5;
    }

    private async Task<McpClient> ConnectAsync(MandateRun run, CancellationToken ct)
    {
        var handler = new MandateMcpCredentialHandler(run, new MandateMcpCredentialOptions
        {
            Resource = _env.PaymentsGateway.ToString(),
            Scopes = [PaymentsScopes.OrdersRead],
            ToolScopes = PaymentsScopes.ByTool,
        })
        { InnerHandler = MandateHttpClient.Handler() };
        var http = new HttpClient(handler) { Timeout = CallTimeout };
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = _env.PaymentsGateway }, http, ownsHttpClient: true);
        return await McpClient.CreateAsync(transport, cancellationToken: ct).WaitAsync(CallTimeout, ct);
    }

    /// <summary>One tools/call, printed as the agent sees it: the tool's answer, or the gateway's JSON-RPC refusal.</summary>
    private static async Task<Outcome> CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments, CancellationToken ct)
    {
        var call = $"  tools/call {tool} {JsonSerializer.Serialize(arguments)} ->";
        try
        {
            var result = await client.CallToolAsync(tool, arguments, cancellationToken: ct).AsTask().WaitAsync(CallTimeout, ct);
            var text = string.Join(" ", result.Content.OfType<TextContentBlock>().Select(c => c.Text));
            Output.Line($"{Markup.Escape(call)} [{(result.IsError == true ? "red bold" : "green")}]{Markup.Escape(text)}[/]");
            return result.IsError == true ? new Outcome.Failed() : new Outcome.Done();
        }
        catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            // The SDK reports the gateway's 403 with the JSON-RPC error body in the message, as the agent's model reads it.
            var checkId = Member(e.Message, "check_id");
            var approval = Member(e.Message, "approval_id");
            Output.Line($"{Markup.Escape(call)} [red]403[/] [bold]{Markup.Escape(checkId ?? "?")}[/] rule {Markup.Escape(Member(e.Message, "rule") ?? "?")}{(approval is null ? "" : ", approval " + Markup.Escape(approval))}");
            return checkId == "mcp.approval_pending" && approval is not null ? new Outcome.Pending(approval) : new Outcome.Failed();
        }
        catch (HttpRequestException e)
        {
            // Unreachable server, 401, 5xx: not in the script; shown as the agent got it, and the demo fails.
            Output.Line($"{Markup.Escape(call)} [red bold]{(e.StatusCode is { } status ? ((int)status).ToString(CultureInfo.InvariantCulture) : "no answer")}[/] {Markup.Escape(e.Message)}");
            return new Outcome.Failed();
        }
        catch (McpException e)
        {
            // A JSON-RPC error from the MCP server itself.
            Output.Line($"{Markup.Escape(call)} [red bold]{Markup.Escape(e.Message)}[/]");
            return new Outcome.Failed();
        }
    }

    private static Dictionary<string, object?> Refund(string order, int amount) => new() { ["order_id"] = order, ["amount"] = amount };

    private static string? Member(string message, string name) =>
        JsonStringMember().Matches(message).FirstOrDefault(m => m.Groups["name"].Value == name)?.Groups["value"].Value;

    [GeneratedRegex("\"(?<name>[a-z_]+)\":\"(?<value>[^\"\\\\]*)\"")]
    private static partial Regex JsonStringMember();

    private abstract record Outcome
    {
        public sealed record Done : Outcome;

        public sealed record Pending(string ApprovalId) : Outcome;

        public sealed record Failed : Outcome;
    }
}
