using Mandate.Cli.Commands;
using Mandate.Client;
using Mandate.Core.Audit;
using Mandate.Core.Runs;
using Mandate.Server.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Spectre.Console;

namespace Mandate.Examples.Demo;

/// <summary>
/// The scripted walk-through behind <c>mandate demo</c>. Every step is a real HTTP call to a real broker
/// through the SDK an agent runtime would use; a step whose outcome differs from the script fails the
/// demo (exit code 1).
/// </summary>
internal sealed class DemoScenario
{
    private readonly DemoEnvironment _env;
    private readonly HttpClient _http;
    private readonly MandateApp _app;
    private readonly DemoTools _tools;
    private int _step;

    public DemoScenario(DemoEnvironment env, HttpClient http, MandateApp app, DemoTools tools)
    {
        _env = env;
        _http = http;
        _app = app;
        _tools = tools;
    }

    private const string RefundsResource = "https://refunds.acme.example";
    private static readonly object Refund = new { order = "o-1001", amount = 25.50m, currency = "EUR" };

    public async Task<bool> RunAsync(CancellationToken ct)
    {
        var alice = _env.UserToken("alice", "acme");
        var support = new MandateClient(_http, _env.Identity(DemoEnvironment.SupportAgent));
        var tool = _env.Svid(DemoEnvironment.RefundsTool);
        var ok = true;

        Step("Alice (tenant acme) asks the support agent for a refund. The agent starts a run for her: its workload identity + her token -> a run token whose envelope lists what the run may ever do.");
        var run = await support.StartRunAsync(alice, ["refunds:read", "refunds:write"], ct);
        Output.Line($"  [green]run started[/] {Markup.Escape(run.Id)}, envelope: {Markup.Escape(run.Scope)}");

        Step("For the refund call the agent exchanges the run token for a credential scoped to one tool and one operation.");
        var credential = await run.GetCredentialAsync(RefundsResource, ["refunds:write"], ct);
        var claims = new JsonWebTokenHandler().ReadJsonWebToken(credential);
        Output.Line($"  [green]issued[/] aud={Markup.Escape(claims.GetClaim("aud").Value)} scope={Markup.Escape(claims.GetClaim("scope").Value)} tenant={Markup.Escape(claims.GetClaim("tenant").Value)} sub={Markup.Escape(claims.Subject)} run={Markup.Escape(claims.GetClaim("run").Value)}");
        Output.Line($"  jti={Markup.Escape(claims.Id)} expires {claims.ValidTo:HH:mm:ss} pol={Markup.Escape(claims.GetClaim("pol").Value[..19])}… dec={Markup.Escape(claims.GetClaim("dec").Value)}");

        Step("The agent calls the refunds API. MandateCredentialHandler attaches the credential; the tool checks it against the broker's JWKS (audience, tenant, scope) and, for a write, asks the broker whether it is still active.");
        using var refunds = DemoTools.Client(run, RefundsResource, ["refunds:write"], _tools.Refunds);
        ok &= await DemoTools.CallAsync(refunds, HttpMethod.Post, "/refunds", Refund, 201, ct);

        Step("A prompt injection makes the agent send the refunds credential to the CRM: the CRM refuses a credential issued for another tool.");
        using (var misdirected = DemoTools.Client(run, RefundsResource, ["refunds:write"], _tools.Crm))
        {
            ok &= await DemoTools.CallAsync(misdirected, HttpMethod.Patch, "/customers/c-100", new { tier = "platinum" }, 401, ct);
        }

        Step("A read-only credential on the refund endpoint: valid, but it does not grant refunds:write.");
        using (var readOnly = DemoTools.Client(run, RefundsResource, ["refunds:read"], _tools.Refunds))
        {
            ok &= await DemoTools.CallAsync(readOnly, HttpMethod.Post, "/refunds", Refund, 403, ct);
        }

        Step("The same agent tries to refund in tenant globex while serving Alice (prompt injection, or a bug).");
        ok &= await ExpectRefusalAsync(() => new MandateClient(_http).ExchangeAsync(new CredentialRequest
        {
            ActorToken = _env.Svid(DemoEnvironment.SupportAgent), SubjectToken = alice, Tool = "refunds", Scopes = ["refunds:write"], Tenant = "globex",
        }, ct), "invalid_target");

        Step("A research agent that only reads the CRM asks for write access.");
        ok &= await ExpectRefusalAsync(() => new MandateClient(_http).ExchangeAsync(new CredentialRequest
        {
            ActorToken = _env.Svid(DemoEnvironment.ResearchAgent), SubjectToken = alice, Tool = "crm", Scopes = ["crm:write"],
        }, ct), "invalid_scope");

        Step("The supervisor hands the refund to a sub-agent: a child run with refunds:write only, the same user and tenant, no longer than its parent.");
        var child = await run.DelegateAsync(_env.Identity(DemoEnvironment.RefundExecutor), ["refunds:write"], ct);
        var childCredential = await child.GetCredentialAsync("refunds", ["refunds:write"], ct);
        Output.Line($"  [green]child run[/] {Markup.Escape(child.Id)}, envelope: {Markup.Escape(child.Scope)}; its credential's act chain: {Markup.Escape(ActChain(childCredential))}");
        using var childRefunds = DemoTools.Client(child, "refunds", ["refunds:write"], _tools.Refunds);
        ok &= await DemoTools.CallAsync(childRefunds, HttpMethod.Post, "/refunds", Refund, 201, ct);

        Step("The sub-agent tries to read refunds too, which its run was not given.");
        ok &= await ExpectRefusalAsync(() => child.GetCredentialAsync("refunds", ["refunds:read"], ct), "invalid_scope");

        Step("The refunds tool checks both credentials (RFC 7662 introspection, authenticated as the tool).");
        ok &= await ExpectActiveAsync(credential, tool, true, ct);
        ok &= await ExpectActiveAsync(childCredential, tool, true, ct);

        Step($"An operator revokes the supervisor's credential: mandate revoke --jti {claims.Id}");
        using (var admin = new MandateAdminClient(_env.Options.AdminSocket))
        {
            await admin.RevokeAsync("token", claims.Id, "demo: refund reviewed", ct);
        }

        ok &= await ExpectActiveAsync(credential, tool, false, ct);
        Output.Line("  The refunds API refuses it at once (its writes are confirmed at the broker):");
        ok &= await DemoTools.CallAsync(refunds, HttpMethod.Post, "/refunds", Refund, 401, ct);

        Step("The supervisor finishes and ends its run; the sub-agent's run and credential die with it.");
        await run.EndAsync(ct);
        ok &= await ExpectActiveAsync(childCredential, tool, false, ct);
        Output.Line("  The sub-agent still holds its credential, unexpired; the refunds API refuses it:");
        ok &= await DemoTools.CallAsync(childRefunds, HttpMethod.Post, "/refunds", Refund, 401, ct);

        ok &= await new DemoMcpSteps(_env, _http, _app, Step).RunAsync(alice, ct);

        Step($"mandate audit trace --run {run.Id}: who granted access, for which user, under which policy, and which sub-agent inherited what.");
        var trace = await RunTraceBuilder.BuildAsync(_app.Runtime.Store, run.Id, ct);
        RunTraceView.Write(trace!, DateTimeOffset.UtcNow);
        var verified = await AuditVerifier.VerifyAsync(_app.Runtime.Store, null, ct);
        Output.Line(verified.IsValid
            ? $"  [green]audit chain verified[/]: {verified.RecordCount} records, head {Markup.Escape(verified.Head.Hash[..16])}…"
            : $"  [red]audit chain broken[/]: {Markup.Escape(verified.Message)}");
        return ok && verified.IsValid && trace!.Children.Count == 1;
    }

    private async Task<bool> ExpectActiveAsync(string credential, string tool, bool expected, CancellationToken ct)
    {
        var result = await new MandateClient(_http).IntrospectAsync(credential, tool, ct);
        var jti = new JsonWebTokenHandler().ReadJsonWebToken(credential).Id;
        Output.Line($"  {Markup.Escape(jti)} active: {(result.Active == expected ? "[green]" : "[red]")}{result.Active.ToString().ToLowerInvariant()}[/]");
        return result.Active == expected;
    }

    private static async Task<bool> ExpectRefusalAsync(Func<Task> call, string expected)
    {
        try
        {
            await call();
            Output.Line("  [red]unexpectedly issued[/]");
            return false;
        }
        catch (MandateErrorException e)
        {
            Output.Line($"  [red]refused[/] [bold]{Markup.Escape(e.Error)}[/]: {Markup.Escape(e.Description)}");
            return e.Error == expected;
        }
    }

    private static string ActChain(string credential)
    {
        var act = new JsonWebTokenHandler().ReadJsonWebToken(credential).GetPayloadValue<System.Text.Json.JsonElement>("act");
        return string.Join(" acting for ", ActorChain.FromClaim(act)!.Reverse());
    }

    private void Step(string text) => Output.Line($"\n[bold yellow]{++_step}.[/] {Markup.Escape(text)}");
}
