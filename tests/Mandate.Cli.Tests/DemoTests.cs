namespace Mandate.Cli.Tests;

public sealed class DemoTests
{
    [Fact]
    public async Task Demo_ScriptedScenario_RunsAsScriptedAndVerifiesTheAuditChain()
    {
        var (exit, output) = await CliRunner.RunAsync("demo");

        Assert.True(exit == 0, output);
        Assert.Contains("run started", output);
        Assert.Contains("child run", output);
        Assert.Contains("refund-executor acting for spiffe://acme.example/agents/support", output);
        Assert.Contains("support-refunds-own-tenant", output);
        Assert.Contains("invalid_scope", output);
        Assert.Contains("active: false", output);
        Assert.Contains("audit chain verified", output);

        // The tools: accepted, refused for another tool (401), for missing scope (403), after revocation and run end (401).
        Assert.Contains("/refunds -> 201 refund rf_1 created in tenant acme for alice by spiffe://acme.example/agents/support", output);
        Assert.Contains("by spiffe://acme.example/agents/refund-executor acting for spiffe://acme.example/agents/support", output);
        Assert.Contains("/customers/c-100 -> 401 invalid_token: the credential is for another tool", output);
        Assert.Contains("/refunds -> 403 insufficient_scope", output);
        Assert.Equal(2, output.Split("/refunds -> 401 invalid_token: the broker reports credential").Length - 1);
        Assert.Contains("accepted by spiffe://acme.example/tools/refunds", output);
    }
}
