namespace Mandate.Cli.Tests;

public sealed class DemoTests
{
    [Fact]
    public async Task Demo_ScriptedScenario_RunsAsScriptedAndVerifiesTheAuditChain()
    {
        using var transcript = new StringWriter();
        var exit = await Mandate.Examples.Demo.DemoProgram.RunAsync(transcript, CancellationToken.None);
        var output = transcript.ToString();

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

    [Fact]
    public void CliAssembly_ProductionBuild_ReferencesNoExampleProject()
    {
        var references = typeof(Mandate.Cli.Commands.MandateCli).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "");

        Assert.DoesNotContain(references, name => name.StartsWith("Mandate.Examples", StringComparison.Ordinal) || name == "mandate-demo");
    }

    [Fact]
    public async Task Demo_NotACliCommand_ExitsNonZero()
    {
        var (exit, _) = await CliRunner.RunAsync("demo");

        Assert.NotEqual(0, exit);
    }
}
