using System.Diagnostics;

namespace Mandate.Policy.Tests;

/// <summary>
/// Configuration and policy test files go through <see cref="YamlText"/>: nesting far past any real file is refused at
/// its line quickly, before the scanner's per-token work (which grows with the depth) or the loader's recursion add up.
/// </summary>
public sealed class YamlTextDepthTests
{
    [Fact]
    public void TryLoad_FlowCollectionsNestedAHundredThousandDeep_IsRefusedQuicklyAtItsLine()
    {
        var yaml = "cases:\n  - request: " + new string('{', 100_000) + new string('}', 100_000) + "\n";

        var clock = Stopwatch.StartNew();
        var stream = YamlText.TryLoad(yaml, out var error);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Null(stream);
        Assert.NotNull(error);
        Assert.Equal(2, error.Line);
        Assert.Contains("nested deeper than 64 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryLoad_ThirtyTwoLevelsOfArguments_StillLoads()
    {
        var yaml = "cases:\n  - request: {mcp: {arguments: " + string.Concat(Enumerable.Repeat("{a: ", 32)) + "1" + new string('}', 32) + "}}\n";

        Assert.NotNull(YamlText.TryLoad(yaml, out var error));
        Assert.Null(error);
    }
}
