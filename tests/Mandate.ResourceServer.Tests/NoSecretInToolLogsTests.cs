using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;
using Mandate.Testing;

namespace Mandate.ResourceServer.Tests;

/// <summary>
/// Invariant 8 at the tool: what the resource-server library logs, at every level, about accepted and refused
/// credentials names them by jti only, never by their text, whichever way the credential was sent or broken.
/// </summary>
[Trait("Invariant", "8")]
public sealed class NoSecretInToolLogsTests : ToolTest
{
    [Fact]
    public async Task Invariant8_AcceptedAndRefusedCredentials_NoCredentialTextInTheToolsLogs()
    {
        using var logs = new CapturedLogs();
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, logs: logs);
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        var forCrm = await Harness.CredentialAsync(ToolKind.Crm, "crm:read");
        var forged = ForgedTokens.SwapPayload(credential, c => c["tenant"] = "globex");
        var wrongTyp = Harness.Forge(credential, _ => { }, typ: "JWT");
        var presented = new[] { credential, forCrm, forged, wrongTyp };

        Assert.Equal(201, (await tool.PostAsync("/refunds", credential, RefundBody)).Status);
        Assert.Equal(401, (await tool.PostAsync("/refunds", forCrm, RefundBody)).Status);
        Assert.Equal(401, (await tool.PostAsync("/refunds", forged, RefundBody)).Status);
        Assert.Equal(401, (await tool.PostAsync("/refunds", wrongTyp, RefundBody)).Status);
        Assert.Equal(400, (await tool.PostAsync("/refunds?access_token=" + credential, null, RefundBody)).Status);
        Assert.InRange((await tool.PostAsync("/refunds", credential + "." + credential, RefundBody)).Status, 400, 401);
        Assert.Equal(401, (await tool.PostAsync("/refunds", credential, RefundBody, scheme: "DPoP")).Status);
        Harness.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(401, (await tool.PostAsync("/refunds", credential, RefundBody)).Status);

        // The framework's request lines (which carry the URL) are Information: the tool, as it runs, logs Microsoft.* from
        // Warning, as ASP.NET Core's templates do; the capture here reads every level of every category.
        var text = string.Join('\n', logs.Lines.Where(l => !l.Contains(" Microsoft.", StringComparison.Ordinal) || !l.StartsWith("Information", StringComparison.Ordinal)));
        Assert.Contains("Refused a Mandate credential", text, StringComparison.Ordinal);
        foreach (var token in presented)
        {
            var parts = token.Split('.');
            Assert.DoesNotContain(parts[1], text, StringComparison.Ordinal);
            Assert.DoesNotContain(parts[2], text, StringComparison.Ordinal);
        }
    }
}
