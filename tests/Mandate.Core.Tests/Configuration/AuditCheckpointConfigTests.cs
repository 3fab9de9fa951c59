using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

/// <summary><c>audit.checkpoints:</c> off unless a file is named; the file resolves against the configuration's folder.</summary>
public sealed class AuditCheckpointConfigTests
{
    [Fact]
    public void Parse_NoAuditSection_CheckpointsOff()
    {
        var checkpoints = Parse(Minimal).AuditCheckpoints;

        Assert.Equal((null, TimeSpan.FromMinutes(5)), (checkpoints.File, checkpoints.Interval));
    }

    [Fact]
    public void Parse_RelativeFileAndInterval_ResolvedAgainstTheConfigFolder()
    {
        var checkpoints = Parse(Minimal + "\naudit: { checkpoints: { file: ckpt/audit.jsonl, interval: 90s } }\n").AuditCheckpoints;

        Assert.Equal((Path.Combine(Folder, "ckpt", "audit.jsonl"), TimeSpan.FromSeconds(90)), (checkpoints.File, checkpoints.Interval));
    }

    [Theory]
    [InlineData("audit: { checkpoints: { interval: soon } }", "audit.checkpoints.interval")]
    [InlineData("audit: { checkpoints: { interval: 0s } }", "audit.checkpoints.interval")]
    [InlineData("audit: { checkpoints: { fiel: a.jsonl } }", "audit.checkpoints.fiel")]
    public void Parse_BadCheckpointSetting_ReportsTheKey(string line, string key)
    {
        var e = Assert.Throws<MandateConfigException>(() => Parse(Minimal + "\n" + line + "\n"));

        Assert.Contains(e.Problems, p => p.Path == key);
    }
}
