using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

/// <summary><c>audit.commit_delay_ms</c> and <c>audit.commit_siblings</c>: the group commit's wait, as PostgreSQL's settings.</summary>
public sealed class AuditGroupCommitConfigTests
{
    [Fact]
    public void Parse_NoAuditSection_WaitsOneMillisecondForFourSiblings()
    {
        var writer = Parse(Minimal).AuditWriter;

        Assert.Equal((TimeSpan.FromMilliseconds(1), 4), (writer.CommitDelay, writer.CommitSiblings));
    }

    [Theory]
    [InlineData("audit: { commit_delay_ms: 3, commit_siblings: 2 }", 3, 2)]
    [InlineData("audit: { commit_delay_ms: 0 }", 0, 4)]
    [InlineData("audit: { commit_siblings: 10000 }", 1, 10_000)]
    public void Parse_GroupCommitSettings_AreTheWritersOptions(string line, int delayMs, int siblings)
    {
        var writer = Parse(Minimal + "\n" + line + "\n").AuditWriter;

        Assert.Equal((TimeSpan.FromMilliseconds(delayMs), siblings), (writer.CommitDelay, writer.CommitSiblings));
    }

    [Theory]
    [InlineData("audit: { commit_delay_ms: -1 }", "audit.commit_delay_ms")]
    [InlineData("audit: { commit_delay_ms: 101 }", "audit.commit_delay_ms")]
    [InlineData("audit: { commit_delay_ms: 1ms }", "audit.commit_delay_ms")]
    [InlineData("audit: { commit_delay_ms: 1.5 }", "audit.commit_delay_ms")]
    [InlineData("audit: { commit_siblings: 0 }", "audit.commit_siblings")]
    [InlineData("audit: { commit_siblings: 10001 }", "audit.commit_siblings")]
    [InlineData("audit: { commit_sibling: 2 }", "audit.commit_sibling")]
    public void Parse_BadGroupCommitSetting_ReportsTheKey(string line, string key)
    {
        var e = Assert.Throws<MandateConfigException>(() => Parse(Minimal + "\n" + line + "\n"));

        var problem = Assert.Single(e.Problems);
        Assert.Equal(key, problem.Path);
    }
}
