using Mandate.Cli.Commands;
using Mandate.Client;
using Mandate.Core.Audit;
using Mandate.Server.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Spectre.Console;

namespace Mandate.Cli.Demo;

/// <summary>
/// The scripted walk-through behind <c>mandate demo</c>. Every step is a real HTTP call to a real broker;
/// a step whose outcome differs from the script fails the demo (exit code 1).
/// </summary>
internal sealed class DemoScenario
{
    private readonly DemoEnvironment _env;
    private readonly MandateClient _client;
    private readonly MandateApp _app;
    private readonly string _run = "run_demo_" + Guid.NewGuid().ToString("N")[..8];
    private int _step;

    public DemoScenario(DemoEnvironment env, MandateClient client, MandateApp app)
    {
        _env = env;
        _client = client;
        _app = app;
    }

    public async Task<bool> RunAsync(CancellationToken ct)
    {
        var alice = _env.UserToken("alice", "acme");
        var support = _env.Svid(DemoEnvironment.SupportAgent);

        Step("Alice (tenant acme) asks the support agent for a refund. The agent exchanges its workload identity and Alice's token for a refunds credential.");
        var credential = await _client.ExchangeAsync(new CredentialRequest
        {
            ActorToken = support, SubjectToken = alice, Tool = "https://refunds.acme.example", Scopes = ["refunds:write"], Run = _run,
        }, ct);
        var claims = new JsonWebTokenHandler().ReadJsonWebToken(credential.AccessToken);
        Output.Line($"  [green]issued[/] {credential.TokenType} token, scope [bold]{Markup.Escape(credential.Scope)}[/], expires in {credential.ExpiresIn}s");
        Output.Line($"  aud={Markup.Escape(claims.GetClaim("aud").Value)} tenant={Markup.Escape(claims.GetClaim("tenant").Value)} sub={Markup.Escape(claims.Subject)} act.sub={Markup.Escape(DemoEnvironment.SupportAgent)}");
        Output.Line($"  jti={Markup.Escape(claims.Id)} pol={Markup.Escape(claims.GetClaim("pol").Value[..19])}… dec={Markup.Escape(claims.GetClaim("dec").Value)}");

        Step("The same agent tries to refund in tenant globex while serving Alice (prompt injection, or a bug).");
        var ok = await ExpectRefusalAsync(new CredentialRequest
        {
            ActorToken = support, SubjectToken = alice, Tool = "refunds", Scopes = ["refunds:write"], Tenant = "globex", Run = _run,
        }, "invalid_target", ct);

        Step("A research agent that only reads the CRM asks for write access.");
        ok &= await ExpectRefusalAsync(new CredentialRequest
        {
            ActorToken = _env.Svid(DemoEnvironment.ResearchAgent), SubjectToken = alice, Tool = "crm", Scopes = ["crm:write"], Run = _run,
        }, "invalid_scope", ct);

        Step("The refunds tool checks the credential it was handed (RFC 7662 introspection, authenticated as the tool).");
        var tool = _env.Svid(DemoEnvironment.RefundsTool);
        var before = await _client.IntrospectAsync(credential.AccessToken, tool, ct);
        Output.Line($"  active: {(before.Active ? "[green]true[/]" : "[red]false[/]")}");
        ok &= before.Active;

        Step($"An operator revokes the credential: mandate revoke --jti {claims.Id}");
        using (var admin = new MandateAdminClient(_env.Options.AdminSocket))
        {
            await admin.RevokeAsync("token", claims.Id, "demo: refund flow finished", ct);
        }

        var after = await _client.IntrospectAsync(credential.AccessToken, tool, ct);
        Output.Line($"  active: {(after.Active ? "[red]true[/]" : "[green]false[/]")} (revocation bites on the next request)");
        ok &= !after.Active;

        Step($"The audit trail of run {_run}: who had authority, under which policy, for which user.");
        var records = new List<AuditRecord>();
        await foreach (var r in _app.Runtime.Store.ReadAuditAsync(new AuditQuery(), ct))
        {
            if (r.Event.Run == _run || r.Event.Jti == claims.Id)
            {
                records.Add(r);
            }
        }

        AuditTable.Write(records);
        var verified = await AuditVerifier.VerifyAsync(_app.Runtime.Store, null, ct);
        Output.Line(verified.IsValid
            ? $"  [green]audit chain verified[/]: {verified.RecordCount} records, head {Markup.Escape(verified.Head.Hash[..16])}…"
            : $"  [red]audit chain broken[/]: {Markup.Escape(verified.Message)}");
        return ok && verified.IsValid;
    }

    private async Task<bool> ExpectRefusalAsync(CredentialRequest request, string expected, CancellationToken ct)
    {
        try
        {
            await _client.ExchangeAsync(request, ct);
            Output.Line("  [red]unexpectedly issued[/]");
            return false;
        }
        catch (MandateErrorException e)
        {
            Output.Line($"  [red]refused[/] [bold]{Markup.Escape(e.Error)}[/]: {Markup.Escape(e.Description)}");
            return e.Error == expected;
        }
    }

    private void Step(string text) => Output.Line($"\n[bold yellow]{++_step}.[/] {Markup.Escape(text)}");
}
