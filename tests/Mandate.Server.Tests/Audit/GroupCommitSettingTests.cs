using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Audit;

/// <summary>The broker's audit writer runs with the configured group-commit wait, and each credential is still durable first.</summary>
[Trait("Invariant", "2")]
public sealed class GroupCommitSettingTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(5, 2)]
    public async Task Invariant2_ConfiguredCommitDelay_WriterUsesItAndEveryCredentialHasItsRecord(int delayMs, int siblings)
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: $"audit: {{ commit_delay_ms: {delayMs}, commit_siblings: {siblings} }}");

        var tokens = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => broker.IssueAsync()));

        Assert.Equal((TimeSpan.FromMilliseconds(delayMs), siblings), (broker.Runtime.AuditWriter.Options.CommitDelay, broker.Runtime.AuditWriter.Options.CommitSiblings));
        var issued = (await broker.AuditEventsAsync(AuditKinds.Issuance)).Select(e => e.Jti).ToHashSet();
        Assert.All(tokens, token => Assert.Contains(IssuedTokens.Read(token).Id, issued));
    }
}
