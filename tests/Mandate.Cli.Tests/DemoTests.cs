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
    }
}
