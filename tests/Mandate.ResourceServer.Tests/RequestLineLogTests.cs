using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;
using Mandate.Testing;

namespace Mandate.ResourceServer.Tests;

/// <summary>
/// What docs/resource-servers.md "Logging" advises, measured: the host writes a request's URL, query included, in one
/// category, <c>Microsoft.AspNetCore.Hosting.Diagnostics</c>, at Information, as the request starts (before any handler
/// runs) and as it finishes; the library refuses a query <c>access_token</c> but cannot unwrite those lines, so the
/// advice is to log that category from Warning.
/// </summary>
public sealed class RequestLineLogTests : ToolTest
{
    private const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    [Fact]
    public async Task QueryAccessToken_OnlyTheHostingDiagnosticsCategoryWritesIt_AtInformation()
    {
        using var logs = new CapturedLogs();
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, logs: logs);
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        var signature = credential.Split('.')[2];

        Assert.Equal(400, (await tool.PostAsync("/refunds?access_token=" + credential, null, RefundBody)).Status);

        var carrying = logs.Lines.Where(l => l.Contains(signature, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(carrying);
        // "Request starting …" and "Request finished …" both carry the URL.
        Assert.All(carrying, line => Assert.StartsWith($"Information {HostingDiagnostics}: Request ", line, StringComparison.Ordinal));
    }
}
